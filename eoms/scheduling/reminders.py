"""Overdue reminders and milestone early warnings: the daily sweep.

- A task past its planned finish (early finish before today) and not done tells its owner,
  its crew's leader and the order's project managers (order owner and project manager),
  every working day until it is done: kind `schedule.task_overdue`.
- Once it has stayed undone for OVERDUE_ESCALATION_DAYS full working days of its calendar,
  management (every active user with the manager role) hears of it, once per overdue spell
  (a task re-planned to a later finish and late again escalates again):
  `schedule.task_escalated`.
- A milestone not done whose total float is used up (≤ 0) and whose date lies within
  MILESTONE_WARNING_DAYS from today (today included) warns the project managers every
  working day before it: `schedule.milestone_at_risk`. After its date it is overdue.

Reminders go out on the working days of the task's own calendar only (no reminder on a
Sunday or during the Spring Festival). Summary tasks and the tasks of closed or cancelled
orders are silent. Each (task, kind, day) is recorded in TaskReminder; the sweep runs in
one transaction that inserts those rows before notifying, so a second run the same day,
or a second worker racing the first, sends nothing more. The queries do not grow with the
number of tasks: one read of the candidate tasks, their calendars, the reminders already
sent, the managers and the notification preferences, then bulk inserts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from eoms.accounts.models import Role, User
from eoms.audit.services import record_event
from eoms.core import events, notifications
from eoms.core.notifications import Message
from eoms.scheduling import calendars, task_calendars
from eoms.scheduling.choices import TaskStatus
from eoms.scheduling.day_words import plural_count
from eoms.scheduling.models import Task, TaskReminder, WorkCalendar
from eoms.scheduling.services import CLOSED as SILENT_ORDER_STATUSES
from eoms.scheduling.signals import task_overdue

OVERDUE = "schedule.task_overdue"
ESCALATED = "schedule.task_escalated"
MILESTONE_AT_RISK = "schedule.milestone_at_risk"
# TaskReminder.kind is short: the notification kind → the kind stored per task and day.
STORED_KIND = {OVERDUE: "overdue", ESCALATED: "escalated", MILESTONE_AT_RISK: "milestone_float"}

notifications.register_kind(OVERDUE, gettext_lazy("任务逾期提醒"))
notifications.register_kind(ESCALATED, gettext_lazy("任务逾期升级"))
notifications.register_kind(MILESTONE_AT_RISK, gettext_lazy("里程碑延误预警"))
events.register("schedule.reminders_sent", gettext_lazy("发送进度提醒"))


@dataclass
class Due:
    """One reminder to send: a task, a kind, the people it goes to."""

    task: Task
    kind: str
    recipients: list[Any]
    days_overdue: int = 0
    float_days: float = 0.0


@dataclass
class SweepResult:
    day: date
    overdue: int = 0
    escalated: int = 0
    milestones: int = 0
    notifications: int = 0


def sweep(today: date | None = None) -> SweepResult:
    """Send today's reminders (idempotent per task, kind and day)."""
    today = today or timezone.localdate()
    try:
        with transaction.atomic():
            return _sweep(today)
    except IntegrityError:
        # Another worker recorded some of today's reminders meanwhile (PostgreSQL waits
        # for its commit, then refuses our duplicates): read again, send only the rest.
        with transaction.atomic():
            return _sweep(today)


def _sweep(today: date) -> SweepResult:
    tasks = list(candidates(today))
    rows = task_calendars.calendars_for(tasks)
    due = _due(tasks, rows, today, Sent.read(tasks, today))
    result = SweepResult(day=today)
    if not due:
        return result
    TaskReminder.objects.bulk_create(
        [TaskReminder(task=d.task, kind=STORED_KIND[d.kind], day=today) for d in due])
    result.notifications = len(notifications.notify_many([_message(d, user) for d in due
                                        for user in d.recipients]))
    result.overdue = sum(d.kind == OVERDUE for d in due)
    result.escalated = sum(d.kind == ESCALATED for d in due)
    result.milestones = sum(d.kind == MILESTONE_AT_RISK for d in due)
    _announce(due, today)
    record_event(None, "schedule.reminders_sent", detail={
        "day": today.isoformat(), "overdue": result.overdue, "escalated": result.escalated,
        "milestones": result.milestones, "notifications": result.notifications})
    return result


def candidates(today: date) -> QuerySet[Task]:
    """Tasks that may be overdue or milestones that may be at risk, with what the
    messages need."""
    horizon = today + timedelta(days=settings.MILESTONE_WARNING_DAYS)
    overdue = Q(early_finish__lt=today)
    at_risk = (~Q(milestone="") & Q(total_float__lte=0, early_finish__gte=today,
                                    early_finish__lte=horizon))
    return (Task.objects.filter(overdue | at_risk, is_summary=False, actual_finish=None)
            .exclude(status=TaskStatus.DONE)
            .exclude(order__status__in=SILENT_ORDER_STATUSES)
            .select_related("order__owner", "order__project__manager", "order__schedule",
                            "owner", "crew__leader")
            .order_by("pk"))


@dataclass
class Sent:
    """What earlier runs recorded: today's reminders, and each task's last escalation."""

    today: set[tuple[int, str]]
    escalated_on: dict[int, date]

    @classmethod
    def read(cls, tasks: list[Task], today: date) -> Sent:
        if not tasks:
            return cls(set(), {})
        oldest_finish = min(t.early_finish for t in tasks if t.early_finish)
        rows = TaskReminder.objects.filter(
            Q(day=today) | Q(kind=STORED_KIND[ESCALATED], day__gt=oldest_finish))
        found = cls(set(), {})
        for task_id, kind, day in rows.values_list("task_id", "kind", "day"):
            if day == today:
                found.today.add((task_id, kind))
            if kind == STORED_KIND[ESCALATED]:
                found.escalated_on[task_id] = max(day, found.escalated_on.get(task_id, day))
        return found

    def has(self, task: Task, kind: str) -> bool:
        return (task.pk, STORED_KIND[kind]) in self.today

    def escalated_since(self, task: Task, finish: date) -> bool:
        """Management already heard of this overdue spell (after the current finish)."""
        last = self.escalated_on.get(task.pk)
        return last is not None and last > finish


def _due(tasks: list[Task], rows: dict[int, WorkCalendar | None], today: date,
         sent: Sent) -> list[Due]:
    specs = task_calendars.SpecCache()
    managers: list[Any] | None = None
    due: list[Due] = []
    for task in tasks:
        finish, spec = task.early_finish, specs.spec(rows.get(task.pk))
        if finish is None or not calendars.is_working_day(spec, today):
            continue
        if finish < today:
            days = calendars.working_days_inclusive(spec, finish + timedelta(days=1), today)
            if not sent.has(task, OVERDUE):
                due.append(Due(task, OVERDUE, responsible(task), days_overdue=days))
            if days > settings.OVERDUE_ESCALATION_DAYS and not sent.escalated_since(task, finish):
                managers = managers if managers is not None else list(management())
                due.append(Due(task, ESCALATED, managers, days_overdue=days))
        elif not sent.has(task, MILESTONE_AT_RISK):
            due.append(Due(task, MILESTONE_AT_RISK, project_managers(task),
                           float_days=task_calendars.float_days(task, rows.get(task.pk))))
    return due


def project_managers(task: Task) -> list[Any]:
    return [u for u in (task.order.owner, task.order.project.manager) if u is not None]


def responsible(task: Task) -> list[Any]:
    leader = task.crew.leader if task.crew_id else None  # type: ignore[union-attr]
    return [u for u in (task.owner, leader, *project_managers(task)) if u is not None]


def management() -> QuerySet[User]:
    return User.objects.with_role(Role.MANAGER).filter(is_active=True)


def _announce(due: list[Due], today: date) -> None:
    escalated = {d.task.pk for d in due if d.kind == ESCALATED}
    for d in due:
        if d.kind != OVERDUE:
            continue
        transaction.on_commit(lambda d=d: task_overdue.send(  # type: ignore[misc]
            sender=Task, task=d.task, day=today, days_overdue=d.days_overdue,
            escalated=d.task.pk in escalated))


# --- messages --------------------------------------------------------------------------------

def _name(user: Any) -> str:
    return (user.get_full_name() or user.username) if user is not None else _("未指定")


def _who(task: Task) -> str:
    managers = "、".join(dict.fromkeys(_name(u) for u in project_managers(task))) or _("未指定")
    parts = [_("负责人：%(name)s") % {"name": _name(task.owner)}]
    if task.crew_id:
        parts.append(_("班组：%(crew)s（班组长 %(leader)s）") % {
            "crew": task.crew.name, "leader": _name(task.crew.leader)})  # type: ignore[union-attr]
    parts.append(_("项目经理：%(names)s") % {"names": managers})
    return "；".join(parts)


def _texts(due: Due) -> tuple[str, str]:
    task, order = due.task, due.task.order
    values = {"code": order.code, "order": order.title, "task": task.name,
              "finish": task.early_finish.isoformat() if task.early_finish else "",
              "days": due.days_overdue, "percent": task.percent_complete,
              "limit": settings.OVERDUE_ESCALATION_DAYS,
              "float": task_calendars.format_days(due.float_days)}
    days, limit = due.days_overdue, settings.OVERDUE_ESCALATION_DAYS
    if due.kind == OVERDUE:
        title = ngettext("任务逾期：%(code)s %(task)s（逾期第 %(days)s 个工作日）",
                         "任务逾期：%(code)s %(task)s（逾期第 %(days)s 个工作日）", days) % values
        body = ngettext("任务“%(task)s”（订单 %(code)s %(order)s）计划 %(finish)s 完成，至今未完成"
                        "（完成 %(percent)s%%），今天是逾期第 %(days)s 个工作日。",
                        "任务“%(task)s”（订单 %(code)s %(order)s）计划 %(finish)s 完成，至今未完成"
                        "（完成 %(percent)s%%），今天是逾期第 %(days)s 个工作日。", days) % values
    elif due.kind == ESCALATED:
        title = ngettext("逾期升级：%(code)s %(task)s 已逾期 %(days)s 个工作日",
                         "逾期升级：%(code)s %(task)s 已逾期 %(days)s 个工作日", days) % values
        # Two numbers, two plural choices: one clause each.
        body = ngettext("任务“%(task)s”（订单 %(code)s %(order)s）计划 %(finish)s 完成，逾期超过 "
                        "%(limit)s 个工作日仍未完成（完成 %(percent)s%%），",
                        "任务“%(task)s”（订单 %(code)s %(order)s）计划 %(finish)s 完成，逾期超过 "
                        "%(limit)s 个工作日仍未完成（完成 %(percent)s%%），", limit) % values
        body += ngettext("今天是逾期第 %(days)s 个工作日，现升级至管理层。",
                         "今天是逾期第 %(days)s 个工作日，现升级至管理层。", days) % values
    else:
        title = _("里程碑预警：%(code)s %(task)s 计划 %(finish)s 达成") % values
        body = ngettext("里程碑“%(task)s”（订单 %(code)s %(order)s）计划 %(finish)s 达成，总时差 "
                        "%(float)s 个工作日，已无余量，前置任务再有拖延就会误期。请检查前置任务的"
                        "进度。",
                        "里程碑“%(task)s”（订单 %(code)s %(order)s）计划 %(finish)s 达成，总时差 "
                        "%(float)s 个工作日，已无余量，前置任务再有拖延就会误期。请检查前置任务的"
                        "进度。", plural_count(values["float"])) % values
    return title, f"{body}\n{_who(task)}"


def _message(due: Due, user: Any) -> Message:
    with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
        title, body = _texts(due)
    url = reverse("scheduling:task_detail", args=[due.task.pk])
    return Message(user=user, kind=due.kind, title=title, body=body, url=url)
