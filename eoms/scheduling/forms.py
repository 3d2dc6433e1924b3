"""Schedule forms: what planners and site people type; the services decide and save.

Durations and lags are typed in working days (decimals allowed); the services turn them
into working minutes of the task's calendar and report their refusals on the fields named
here (duration_days, lag_days, constraint_date, parent, predecessor, percent_complete …).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from eoms.accounts.models import Crew, User
from eoms.core.access import STAFF_ROLES
from eoms.core.forms import ServiceFormMixin
from eoms.orders.models import Order
from eoms.scheduling.choices import Constraint, LinkType, MilestoneKind, WorkType
from eoms.scheduling.models import Schedule, Task, TaskLink, WorkCalendar
from eoms.scheduling.views_common import days_text


class DateInput(forms.DateInput):
    input_type = "date"


def _date() -> DateInput:
    return DateInput(format="%Y-%m-%d")


def _days_widget(placeholder: str = "") -> forms.NumberInput:
    return forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal",
                                    "placeholder": placeholder})


class TaskChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.wbs} {obj.name}".strip()


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


def task_people(current: Any = None) -> QuerySet:
    """Who may own a task: active staff (not customers' users), and the current owner."""
    people = User.objects.filter(is_active=True, role_assignments__role__in=STAFF_ROLES)
    if current is not None:
        people = people | User.objects.filter(pk=current.pk)
    return people.distinct().order_by("username")


def _descendants(task: Task) -> set[int]:
    rows = list(Task.objects.filter(order_id=task.order_id).values_list("pk", "parent_id"))
    found, frontier = {task.pk}, [task.pk]
    while frontier:
        frontier = [pk for pk, parent in rows if parent in frontier and pk not in found]
        found.update(frontier)
    return found


class TaskForm(ServiceFormMixin, forms.Form):
    """A task of one order. Parent choices are the order's other tasks (not a milestone,
    not the task itself or one below it)."""

    name = forms.CharField(label=_("任务名称"), max_length=200,
                           error_messages={"required": _("请填写任务名称。")})
    parent = TaskChoiceField(label=_("上级任务"), queryset=Task.objects.none(), required=False,
                             empty_label=_("（无，顶层任务）"),
                             error_messages={"invalid_choice": _(
                                 "上级任务只能从本订单的其他任务中选择。")})
    owner = PersonChoiceField(label=_("负责人"), queryset=User.objects.none(), required=False,
                              empty_label=_("（未指定）"))
    crew = forms.ModelChoiceField(label=_("班组"), queryset=Crew.objects.none(),
                                  required=False, empty_label=_("（未指定）"))
    duration_days = forms.DecimalField(
        label=_("工期（工作日）"), required=False, max_digits=9, decimal_places=2,
        widget=_days_widget(), help_text=_("按工作日历的工作日计，可填小数，如 0.5。"),
        error_messages={"invalid": _("请输入数字（工作日）。")})
    milestone = forms.ChoiceField(label=_("里程碑"), choices=MilestoneKind.choices,
                                  required=False)
    milestone_label = forms.CharField(label=_("里程碑名称"), max_length=60, required=False,
                                      help_text=_("自定义里程碑时填写。"))
    constraint = forms.ChoiceField(label=_("限制类型"), choices=Constraint.choices,
                                   initial=Constraint.ASAP)
    constraint_date = forms.DateField(label=_("限制日期"), required=False, widget=_date())
    calendar = forms.ModelChoiceField(label=_("工作日历"), queryset=WorkCalendar.objects.none(),
                                      required=False, empty_label=_("（按项目或班组日历）"))
    planned_cost = forms.DecimalField(label=_("计划成本（元）"), required=False, min_value=0,
                                      max_digits=14, decimal_places=2,
                                      widget=forms.NumberInput(attrs={"step": "0.01"}))
    notes = forms.CharField(label=_("备注"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    work_type = forms.ChoiceField(label=_("分项类别"), choices=WorkType.choices,
                                  required=False)
    is_concealed = forms.BooleanField(
        label=_("隐蔽工程"), required=False,
        help_text=_("隐蔽前须验收合格并留存影像资料，后续任务才能开始。"))

    def __init__(self, data: Any = None, *, order: Order, task: Task | None = None,
                 per_day: int = 480) -> None:
        self.instance = task
        self.order = order
        super().__init__(data, initial=self._initial(task, per_day))
        parents = Task.objects.filter(order=order, milestone="").order_by("position", "pk")
        if task is not None:
            parents = parents.exclude(pk__in=_descendants(task))
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        self.fields["owner"].queryset = task_people(task.owner if task else None)  # type: ignore[attr-defined]
        self.fields["crew"].queryset = Crew.objects.order_by("code")  # type: ignore[attr-defined]
        self.fields["calendar"].queryset = WorkCalendar.objects.order_by("code")  # type: ignore[attr-defined]

    @staticmethod
    def _initial(task: Task | None, per_day: int) -> dict[str, Any]:
        if task is None:
            return {"duration_days": "1", "constraint": Constraint.ASAP}
        values = {name: getattr(task, name) for name in (
            "name", "parent", "owner", "crew", "calendar", "milestone", "milestone_label",
            "constraint", "constraint_date", "planned_cost", "notes", "work_type",
            "is_concealed")}
        values["duration_days"] = days_text(task.duration, per_day)
        return values

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("milestone") and data.get("duration_days") is None \
                and "duration_days" not in self.errors:
            self.add_error("duration_days", _("请填写工期（工作日）；里程碑可以留空。"))
        return data

    def service_data(self, *exclude: str) -> dict[str, Any]:
        data = super().service_data(*exclude)
        if data.get("duration_days") is None:
            data.pop("duration_days", None)
        if data.get("planned_cost") is None:
            data["planned_cost"] = Decimal(0)
        data["milestone"] = data.get("milestone") or ""
        data["work_type"] = data.get("work_type") or ""
        return data


class LinkForm(forms.Form):
    """A predecessor for one task: a task of the same order, the link type and the lag."""

    predecessor = TaskChoiceField(
        label=_("前置任务"), queryset=Task.objects.none(), empty_label=_("（请选择）"),
        error_messages={"required": _("请选择前置任务。"),
                        "invalid_choice": _("只能关联同一订单的任务。")})
    link_type = forms.ChoiceField(label=_("关系类型"), choices=LinkType.choices,
                                  initial=LinkType.FS)
    lag_days = forms.DecimalField(
        label=_("延隔（工作日）"), required=False, max_digits=9, decimal_places=2,
        widget=_days_widget("0"), help_text=_("负数为提前量"),
        error_messages={"invalid": _("请输入数字（工作日）。")})

    def __init__(self, data: Any = None, *, successor: Task, choices: QuerySet,
                 prefix: str | None = "link") -> None:
        super().__init__(data, prefix=prefix)
        self.fields["predecessor"].queryset = choices.filter(  # type: ignore[attr-defined]
            order_id=successor.order_id).exclude(pk=successor.pk).order_by("position", "pk")


class LinkEditForm(forms.Form):
    """The type and lag of an existing link (one small form per row)."""

    link_type = forms.ChoiceField(label=_("关系类型"), choices=LinkType.choices)
    lag_days = forms.DecimalField(
        label=_("延隔（工作日）"), required=False, max_digits=9, decimal_places=2,
        widget=_days_widget("0"), error_messages={"invalid": _("请输入数字（工作日）。")})
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, data: Any = None, *, link: TaskLink, per_day: int = 480) -> None:
        super().__init__(data, prefix=f"edit{link.pk}", initial={
            "link_type": link.link_type, "lag_days": days_text(link.lag, per_day),
            "version": link.version})
        self.link = link


class ProgressForm(forms.Form):
    """Progress from the field: percent complete and the actual dates."""

    percent_complete = forms.IntegerField(
        label=_("完成百分比"), required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": "5"}),
        error_messages={"invalid": _("请输入 0 到 100 之间的整数。")})
    actual_start = forms.DateField(label=_("实际开始"), required=False, widget=_date())
    actual_finish = forms.DateField(label=_("实际完成"), required=False, widget=_date(),
                                    help_text=_("填写后任务记为已完成。"))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, data: Any = None, *, task: Task) -> None:
        super().__init__(data, prefix="progress", initial={
            "percent_complete": task.percent_complete, "actual_start": task.actual_start,
            "actual_finish": task.actual_finish, "version": task.version})


class ScheduleSettingsForm(ServiceFormMixin, forms.Form):
    start = forms.DateField(label=_("计划开始日期"), widget=_date(),
                            error_messages={"required": _("请填写计划开始日期。")})
    status_date = forms.DateField(
        label=_("状态日期"), required=False, widget=_date(),
        help_text=_("尚未完成的工作从该日起排（反映进度滞后）；留空则按原计划。"))
    calendar = forms.ModelChoiceField(
        label=_("工作日历"), queryset=WorkCalendar.objects.none(), required=False,
        empty_label=_("（按项目日历）"),
        help_text=_("没有单独指定日历的任务按此日历排程。"))

    def __init__(self, data: Any = None, *, schedule: Schedule) -> None:
        initial = {"start": schedule.start, "status_date": schedule.status_date,
                   "calendar": schedule.calendar_id}
        super().__init__(data, initial=initial)
        self.fields["calendar"].queryset = WorkCalendar.objects.filter(  # type: ignore[attr-defined]
            crew=None).order_by("code")
