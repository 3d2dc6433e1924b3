"""What the schedule pages share: the rows a user may open, working minutes shown as
working days, the WBS order of an order's tasks, and the words for a schedule's warnings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from eoms.audit.history import HistoryItem, prepare
from eoms.audit.models import AuditEntry
from eoms.core.access import VIEW, can
from eoms.lib.text import plain_decimal
from eoms.orders.models import Order
from eoms.scheduling import calendars
from eoms.scheduling.choices import TaskStatus
from eoms.scheduling.models import Schedule, Task, TaskLink, WorkCalendar

DEFAULT_DAY = 480
HISTORY_LIMIT = 100


def order_for(user: Any, order_pk: int) -> Order:
    """The order if the user sees it, else 404."""
    return get_object_or_404(
        Order.objects.for_user(user).select_related("project", "customer", "owner"),
        pk=order_pk)


def schedule_for(user: Any, order: Order) -> Schedule:
    """The order's schedule (unsaved when it has none yet), if the user may read the
    order's plan; else 404, as for an order he does not see."""
    schedule = Schedule.objects.select_related("calendar").filter(order=order).first()
    found = schedule or Schedule(order=order)
    if not can(user, VIEW, found):
        raise Http404(_("没有找到该订单的进度计划。"))
    return found


def url_or_blank(name: str, *args: Any) -> str:
    """The URL of a page another part of the schedule module may not have yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


# --- working days ---------------------------------------------------------------------------

def days_text(minutes: int | None, per_day: int) -> str:
    """Working minutes as working days: "2", "0.5", "-1.25"."""
    if minutes is None:
        return ""
    value = (Decimal(minutes) / Decimal(per_day or DEFAULT_DAY)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP)
    return plain_decimal(value)


def _default_minutes(schedule: Schedule | None, project_id: int | None) -> int:
    row = schedule.calendar if schedule is not None and schedule.calendar_id else None
    row = row or calendars.project_calendar(project_id)
    return row.minutes_per_day if row is not None else DEFAULT_DAY


def day_lengths(tasks: Iterable[Task]) -> dict[int, int]:
    """Working minutes per day of each task, as the services count durations and lags: the
    task's own calendar, else its order's schedule or project calendar (tasks need
    `calendar` and `order` selected). A fixed number of queries for any number of tasks."""
    tasks = list(tasks)
    order_ids = {t.order_id for t in tasks if not t.calendar_id}
    schedules = {s.order_id: s for s in Schedule.objects.filter(order_id__in=order_ids)
                 .select_related("calendar")} if order_ids else {}
    project_ids = {t.order.project_id for t in tasks if not t.calendar_id}
    project_rows = {c.project_id: c for c in WorkCalendar.objects.filter(
        project_id__in=project_ids, crew=None)} if project_ids else {}
    company = WorkCalendar.objects.filter(is_default=True).first() if order_ids else None
    out: dict[int, int] = {}
    for task in tasks:
        if task.calendar_id:
            out[task.pk] = task.calendar.minutes_per_day  # type: ignore[union-attr]
            continue
        schedule = schedules.get(task.order_id)
        row = schedule.calendar if schedule is not None and schedule.calendar_id else None
        row = row or project_rows.get(task.order.project_id) or company
        out[task.pk] = row.minutes_per_day if row is not None else DEFAULT_DAY
    return out


def order_day_length(order: Order, schedule: Schedule | None) -> int:
    return _default_minutes(schedule if schedule is not None and schedule.pk else None,
                            order.project_id)


# --- one task as the pages show it ------------------------------------------------------------

@dataclass
class TaskRow:
    task: Task
    depth: int
    per_day: int
    today: date

    @property
    def percent(self) -> int:
        return self.task.rollup_percent if self.task.is_summary else self.task.percent_complete

    @property
    def status(self) -> str:
        if not self.task.is_summary:
            return self.task.status
        if self.percent >= 100:
            return TaskStatus.DONE
        return TaskStatus.IN_PROGRESS if self.percent > 0 else TaskStatus.NOT_STARTED

    @property
    def status_label(self) -> str:
        return str(TaskStatus(self.status).label)

    @property
    def overdue(self) -> bool:
        """A task (not a summary) past its early finish and not done."""
        finish = self.task.early_finish
        return (not self.task.is_summary and finish is not None and finish < self.today
                and self.status != TaskStatus.DONE)

    @property
    def duration_days(self) -> str:
        return days_text(self.task.duration, self.per_day)

    @property
    def total_float_days(self) -> str:
        return days_text(self.task.total_float, self.per_day)

    @property
    def free_float_days(self) -> str:
        return days_text(self.task.free_float, self.per_day)

    @property
    def indent(self) -> int:
        return min(self.depth, 6)


def wbs_order(tasks: list[Task]) -> list[tuple[Task, int]]:
    """Tasks in outline order (each summary followed by its children), with their depth."""
    present = {t.pk for t in tasks}
    children: dict[int | None, list[Task]] = defaultdict(list)
    for task in tasks:
        children[task.parent_id if task.parent_id in present else None].append(task)
    out: list[tuple[Task, int]] = []
    stack = [(t, 0) for t in reversed(children[None])]
    while stack:
        task, depth = stack.pop()
        out.append((task, depth))
        stack.extend((kid, depth + 1) for kid in reversed(children.get(task.pk, [])))
    return out


def same_year(rows: list[TaskRow]) -> int | None:
    """The year every computed date of the rows falls in (dates then show without it)."""
    years = {d.year for r in rows for d in (r.task.early_start, r.task.early_finish,
                                            r.task.late_start, r.task.late_finish) if d}
    return years.pop() if len(years) == 1 else None


def task_rows(tasks: list[Task], *, outline: bool) -> list[TaskRow]:
    lengths = day_lengths(tasks)
    today = timezone.localdate()
    ordered = wbs_order(tasks) if outline else [(t, 0) for t in tasks]
    return [TaskRow(t, depth, lengths.get(t.pk, DEFAULT_DAY), today) for t, depth in ordered]


# --- history -------------------------------------------------------------------------------

def task_history(task: Task, user: Any, *, parent_visible: bool) -> list[HistoryItem]:
    """The audit entries of the task and of its links the user sees, newest first; the
    name of a parent task the user may not open is not shown."""
    types = ContentType.objects.get_for_models(Task, TaskLink)
    link_ids = [str(pk) for pk in TaskLink.objects.for_user(user).filter(
        Q(predecessor=task) | Q(successor=task)).values_list("pk", flat=True)]
    entries = (AuditEntry.objects.filter(
        Q(content_type=types[Task], object_id=str(task.pk))
        | Q(content_type=types[TaskLink], object_id__in=link_ids))
        .select_related("content_type").order_by("-seq")[:HISTORY_LIMIT])
    items = prepare(entries)
    if not parent_visible:
        label = str(Task._meta.get_field("parent").verbose_name)
        hidden = _("（无权查看）")
        for item in items:
            for row in item.changes:
                if row["field"] == label:
                    row.update({k: hidden for k in ("before", "after")
                                if row[k] not in ("", "—")})
    return items
