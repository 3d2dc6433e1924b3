"""Schedules: work calendars, tasks (WBS), links, baselines, imports and reminders.

Durations, lags and floats are stored in working minutes (exact for imported schedules
with part-day tasks); pages and the API show them in working days of the task's calendar.
The computed columns (early/late dates, floats, critical) are written by the recompute in
one bulk update and are left out of the audit diff: the audit log records the inputs
(the change a person made) and the recompute as one business event on the order.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from eoms.accounts.models import Crew
from eoms.core.models import BusinessModel
from eoms.masterdata.models import Project
from eoms.orders.models import Order
from eoms.scheduling.choices import (
    Constraint,
    ExceptionKind,
    ExceptionSource,
    LinkType,
    MilestoneKind,
    TaskStatus,
    WorkType,
)

COMPUTED_FIELDS = ("early_start", "early_finish", "late_start", "late_finish", "total_float",
                   "free_float", "critical", "is_summary", "wbs", "rollup_percent",
                   "rollup_cost")
WEEKDAYS = [0, 1, 2, 3, 4]


def default_weekdays() -> list[int]:
    return list(WEEKDAYS)


def default_intervals() -> list[list[str]]:
    return [["08:00", "12:00"], ["13:00", "17:00"]]


def minute_of_day(text: str, *, end: bool = False) -> int:
    """"08:30" → 510. As the end of an interval, "00:00" and "24:00" are midnight (1440)."""
    if end and text in ("00:00", "24:00"):
        return 24 * 60
    parsed = time.fromisoformat(text)
    return parsed.hour * 60 + parsed.minute


class WorkCalendar(BusinessModel):
    """Working weekdays, daily working hours and exceptions (holidays, 调休 workdays).

    A calendar with no project and no crew is a company calendar; a project's calendar
    is the default of its orders' tasks, a crew's calendar applies to the crew's tasks.
    """

    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    project = models.ForeignKey(Project, verbose_name=_("项目"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="calendars")
    crew = models.ForeignKey(Crew, verbose_name=_("班组"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="calendars")
    weekdays = models.JSONField(_("工作日"), default=default_weekdays)
    intervals = models.JSONField(_("每日工作时段"), default=default_intervals)
    statutory_holidays = models.BooleanField(
        _("按国家法定节假日"), default=True,
        help_text=_("使用国务院办公厅公布的节假日与调休安排"))
    is_default = models.BooleanField(_("公司默认日历"), default=False)

    class Meta:
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["project"], condition=models.Q(crew=None),
                                    name="one_calendar_per_project"),
            models.UniqueConstraint(fields=["crew"], name="one_calendar_per_crew"),
            models.UniqueConstraint(fields=["is_default"], condition=models.Q(is_default=True),
                                    name="one_default_calendar"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def minutes_per_day(self) -> int:
        total = 0
        for start, finish in self.intervals or default_intervals():
            total += minute_of_day(finish, end=True) - minute_of_day(start)
        return total or 480


class CalendarException(BusinessModel):
    calendar = models.ForeignKey(WorkCalendar, on_delete=models.CASCADE,
                                 related_name="exceptions", verbose_name=_("工作日历"))
    date = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=10, choices=ExceptionKind.choices)
    name = models.CharField(_("说明"), max_length=100, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=ExceptionSource.choices,
                              default=ExceptionSource.COMPANY)

    class Meta:
        verbose_name = _("日历例外")
        verbose_name_plural = _("日历例外")
        ordering = ["calendar", "date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"],
                                               name="calendar_exception_once")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class Schedule(BusinessModel):
    """An order's schedule settings and the result of its last recompute."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="schedule",
                                 verbose_name=_("订单"))
    start = models.DateField(_("计划开始日期"))
    status_date = models.DateField(_("状态日期"), null=True, blank=True,
                                   help_text=_("尚未完成的工作从该日起排（反映进度滞后）；留空则按原计划。"))
    calendar = models.ForeignKey(WorkCalendar, verbose_name=_("工作日历"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    finish = models.DateField(_("计划完成日期"), null=True, blank=True, editable=False)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True, editable=False)
    warnings = models.JSONField(default=list, blank=True, editable=False)
    source_format = models.CharField(_("来源格式"), max_length=20, blank=True)

    audit_exclude = (*BusinessModel.audit_exclude, "finish", "computed_at", "warnings")

    class Meta:
        verbose_name = _("进度计划")
        verbose_name_plural = _("进度计划")

    def __str__(self) -> str:
        return str(self.order)


class Task(BusinessModel):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="tasks",
                              verbose_name=_("订单"))
    parent = models.ForeignKey("self", verbose_name=_("上级任务"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="children")
    position = models.PositiveIntegerField(_("顺序"), default=0)
    wbs = models.CharField(_("WBS 编码"), max_length=60, blank=True, editable=False)
    name = models.CharField(_("任务名称"), max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("负责人"), null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="tasks")
    crew = models.ForeignKey(Crew, verbose_name=_("班组"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="tasks")
    calendar = models.ForeignKey(WorkCalendar, verbose_name=_("工作日历"), null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name="+")
    duration = models.PositiveIntegerField(_("工期（工作分钟）"), default=480)
    milestone = models.CharField(_("里程碑"), max_length=20, choices=MilestoneKind.choices,
                                 default=MilestoneKind.NONE, blank=True)
    milestone_label = models.CharField(_("里程碑名称"), max_length=60, blank=True)
    constraint = models.CharField(_("限制类型"), max_length=4, choices=Constraint.choices,
                                  default=Constraint.ASAP)
    constraint_date = models.DateField(_("限制日期"), null=True, blank=True)
    actual_start = models.DateField(_("实际开始"), null=True, blank=True)
    actual_finish = models.DateField(_("实际完成"), null=True, blank=True)
    percent_complete = models.PositiveSmallIntegerField(
        _("完成百分比"), default=0, validators=[MaxValueValidator(100)])
    status = models.CharField(_("状态"), max_length=12, choices=TaskStatus.choices,
                              default=TaskStatus.NOT_STARTED, db_index=True)
    planned_cost = models.DecimalField(_("计划成本（元）"), max_digits=14, decimal_places=2,
                                       default=0, validators=[MinValueValidator(0)])
    notes = models.TextField(_("备注"), blank=True)
    external_id = models.CharField(_("外部编号"), max_length=80, blank=True,
                                   help_text=_("导入文件中的 UID 或作业代码"))
    work_type = models.CharField(_("分项类别"), max_length=20, choices=WorkType.choices,
                                 default=WorkType.NONE, blank=True)
    is_concealed = models.BooleanField(
        _("隐蔽工程"), default=False,
        help_text=_("隐蔽前须验收合格并留存影像资料，后续工序才能开始"))
    # Computed by the recompute; not edited by hand.
    is_summary = models.BooleanField(_("摘要任务"), default=False, editable=False)
    early_start = models.DateField(_("最早开始"), null=True, blank=True, editable=False,
                                   db_index=True)
    early_finish = models.DateField(_("最早完成"), null=True, blank=True, editable=False,
                                    db_index=True)
    late_start = models.DateField(_("最迟开始"), null=True, blank=True, editable=False)
    late_finish = models.DateField(_("最迟完成"), null=True, blank=True, editable=False)
    total_float = models.IntegerField(_("总时差（工作分钟）"), default=0, editable=False)
    free_float = models.IntegerField(_("自由时差（工作分钟）"), default=0, editable=False)
    critical = models.BooleanField(_("关键任务"), default=False, editable=False)
    rollup_percent = models.PositiveSmallIntegerField(default=0, editable=False)
    rollup_cost = models.DecimalField(max_digits=16, decimal_places=2, default=0,
                                      editable=False)

    audit_exclude = (*BusinessModel.audit_exclude, *COMPUTED_FIELDS)

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["order", "position", "pk"]
        indexes = [
            models.Index(fields=["order", "position"], name="task_order_position"),
            models.Index(fields=["owner", "status"], name="task_owner_status"),
            models.Index(fields=["status", "early_finish"], name="task_status_finish"),
        ]

    def __str__(self) -> str:
        return f"{self.wbs} {self.name}".strip()

    @property
    def is_milestone(self) -> bool:
        return bool(self.milestone)


class TaskLink(BusinessModel):
    predecessor = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="successor_links",
                                    verbose_name=_("前置任务"))
    successor = models.ForeignKey(Task, on_delete=models.CASCADE,
                                  related_name="predecessor_links", verbose_name=_("后续任务"))
    link_type = models.CharField(_("关系类型"), max_length=2, choices=LinkType.choices,
                                 default=LinkType.FS)
    lag = models.IntegerField(_("延隔（工作分钟）"), default=0,
                              help_text=_("负数为提前量"))

    class Meta:
        verbose_name = _("任务关系")
        verbose_name_plural = _("任务关系")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="task_link_once"),
            models.CheckConstraint(condition=~models.Q(predecessor=models.F("successor")),
                                   name="task_link_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.link_type})"


class Baseline(BusinessModel):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="baselines",
                              verbose_name=_("订单"))
    name = models.CharField(_("基线名称"), max_length=80)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("基线")
        verbose_name_plural = _("基线")
        ordering = ["order", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["order", "name"],
                                               name="baseline_name_once")]

    def __str__(self) -> str:
        return self.name


class BaselineTask(models.Model):
    """A task's plan as it was when the baseline was saved (a snapshot, not audited)."""

    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="tasks")
    task = models.ForeignKey(Task, null=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=200)
    start = models.DateField(null=True)
    finish = models.DateField(null=True)
    duration = models.PositiveIntegerField(default=0)
    planned_cost = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["baseline", "task"],
                                               name="baseline_task_once")]


class ScheduleImport(BusinessModel):
    """One imported schedule file and its validation report (file dates vs EOMS dates)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="schedule_imports",
                              verbose_name=_("订单"))
    filename = models.CharField(_("文件名"), max_length=200)
    source_format = models.CharField(_("格式"), max_length=20)
    task_count = models.PositiveIntegerField(_("任务数"), default=0)
    link_count = models.PositiveIntegerField(_("关系数"), default=0)
    matched = models.PositiveIntegerField(_("日期一致"), default=0)
    differences = models.JSONField(_("差异"), default=list, blank=True)
    warnings = models.JSONField(_("警告"), default=list, blank=True)

    class Meta:
        verbose_name = _("进度导入")
        verbose_name_plural = _("进度导入")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename


class TaskReminder(models.Model):
    """A reminder sent: at most one per task, kind and day."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20)  # overdue / escalated / milestone_float
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "kind", "day"],
                                               name="task_reminder_once")]


class FeedToken(models.Model):
    """The secret in a user's iCalendar feed URL (read-only, revocable by regenerating)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="calendar_feed")
    key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
