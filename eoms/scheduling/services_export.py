"""Export an order's schedule as MS Project XML (MSPDI): tasks with WBS, links with types
and lags, calendars with their exceptions (the statutory holidays and 调休 workdays of the
schedule's years included), milestones, constraints, progress, actual dates and the latest
baseline. Importing a file is services_exchange.py.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from eoms.core.access import EXPORT, require
from eoms.orders.models import Order
from eoms.scheduling import calendars as work_calendars
from eoms.scheduling import recompute
from eoms.scheduling.engine.model import Constraint as EngineConstraint
from eoms.scheduling.engine.model import LinkType as EngineLinkType
from eoms.scheduling.formats import write_mspdi
from eoms.scheduling.formats.document import (
    SOURCE_MSPDI,
    STANDARD_HOURS,
    CalendarDoc,
    DayHours,
    LinkDoc,
    ProjectInfo,
    ScheduleDocument,
    TaskDoc,
)
from eoms.scheduling.formats.document import CalendarException as DocException
from eoms.scheduling.models import Baseline, BaselineTask, Schedule, Task, WorkCalendar


def _hours(row: WorkCalendar | None) -> DayHours:
    """A calendar's working hours in minutes after midnight (an end at 00:00 is 24:00)."""
    if row is None:
        return STANDARD_HOURS
    hours = []
    for a, b in row.intervals:
        start, end = time.fromisoformat(a), time.fromisoformat(b)
        hours.append((start.hour * 60 + start.minute, end.hour * 60 + end.minute or 1440))
    return tuple(hours) or STANDARD_HOURS


def _calendar_doc(cal_id: str, row: WorkCalendar | None, span: tuple[date, date]) -> CalendarDoc:
    """The calendar as MS Project sees it: its week, its own exceptions, and the statutory
    holidays and 调休 workdays of the schedule's years."""
    spec = work_calendars.to_spec(row)
    hours = _hours(row)
    own = {e.date: e.name for e in row.exceptions.all()} if row is not None else {}
    names = {day: name for year in range(span[0].year, span[1].year + 1)
             for day, _kind, name in work_calendars.statutory_days(year)}
    exceptions = []
    for day in sorted(spec.holidays | spec.extra_workdays):
        if day not in own and not span[0] <= day <= span[1]:
            continue
        working = work_calendars.is_working_day(spec, day)
        if working != (day.weekday() in spec.weekdays):
            exceptions.append(DocException(day, hours if working else (),
                                           own.get(day) or names.get(day, "")))
    return CalendarDoc(id=cal_id, name=row.name if row is not None else _("标准日历"),
                       week={d: hours if d in spec.weekdays else () for d in range(7)},
                       exceptions=exceptions)


def _at(day: date | None, hours: DayHours, *, end: bool) -> datetime | None:
    if day is None:
        return None
    minutes = min(hours[-1][1] if end else hours[0][0], 1439)
    return datetime.combine(day, time(minutes // 60, minutes % 60))


def _export_ids(tasks: list[Task]) -> dict[int, str]:
    """The file's task ids: the imported external ids when unique, else EOMS's keys."""
    ids = [t.external_id for t in tasks]
    if all(ids) and len(set(ids)) == len(ids):
        return {t.pk: t.external_id for t in tasks}
    return {t.pk: f"EOMS-{t.pk}" for t in tasks}


def _task_doc(task: Task, ext: dict[int, str], hours: DayHours,
              baseline: BaselineTask | None) -> TaskDoc:
    at_end = task.constraint in recompute.FINISH_CONSTRAINTS
    doc = TaskDoc(
        external_id=ext[task.pk], name=task.name, wbs=task.wbs,
        parent_id=ext.get(task.parent_id) if task.parent_id else None,
        is_summary=task.is_summary, is_milestone=task.is_milestone, duration=task.duration,
        constraint=EngineConstraint(task.constraint),
        constraint_date=_at(task.constraint_date, hours, end=at_end),
        actual_start=_at(task.actual_start, hours, end=False),
        actual_finish=_at(task.actual_finish, hours, end=True),
        percent_complete=float(task.rollup_percent if task.is_summary
                               else task.percent_complete),
        calendar_id=str(task.calendar_id) if task.calendar_id else None, notes=task.notes,
        file_early_start=_at(task.early_start, hours, end=False),
        file_early_finish=_at(task.early_finish, hours, end=True),
        file_late_start=_at(task.late_start, hours, end=False),
        file_late_finish=_at(task.late_finish, hours, end=True),
        file_total_float=task.total_float)
    doc.file_start = doc.actual_start or doc.file_early_start
    doc.file_finish = doc.actual_finish or doc.file_early_finish
    if baseline is not None:
        doc.baseline_start = _at(baseline.start, hours, end=False)
        doc.baseline_finish = _at(baseline.finish, hours, end=True)
        doc.baseline_duration = baseline.duration
    return doc


def schedule_document(order: Order) -> ScheduleDocument:
    """An order's schedule as a neutral document: tasks with WBS, links, calendars with
    exceptions, milestones, constraints, progress, actuals, the latest baseline."""
    network = recompute.build_network(order)
    schedule, tasks = network.schedule, network.tasks
    default = network.calendar_rows.get("default")
    days = [d for t in tasks for d in (t.early_start, t.late_finish) if d] + [schedule.start]
    span = (min(days), max(days))
    rows = {row.pk: row for row in WorkCalendar.objects.filter(
        pk__in={t.calendar_id for t in tasks if t.calendar_id}).prefetch_related("exceptions")}
    calendars = [_calendar_doc("default", default, span)]
    calendars += [_calendar_doc(str(pk), row, span) for pk, row in rows.items()]
    hours_of = {None: _hours(default), **{pk: _hours(row) for pk, row in rows.items()}}
    latest = Baseline.objects.filter(order=order).order_by("-created_at", "-pk").first()
    baseline = {b.task_id: b for b in latest.tasks.all()} if latest is not None else {}
    ext = _export_ids(tasks)
    task_docs = [_task_doc(t, ext, hours_of[t.calendar_id], baseline.get(t.pk)) for t in tasks]
    links = [LinkDoc(ext[link.predecessor_id], ext[link.successor_id],
                     EngineLinkType(link.link_type), link.lag) for link in network.links]
    per_day = sum(b - a for a, b in hours_of[None])
    working_days = sum(1 for h in calendars[0].week.values() if h)
    project = ProjectInfo(
        name=order.title, external_id=order.code,
        start=_at(schedule.start, hours_of[None], end=False),
        finish=_at(schedule.finish, hours_of[None], end=True),
        status_date=_at(schedule.status_date, hours_of[None], end=False),
        minutes_per_day=per_day, minutes_per_week=per_day * working_days,
        default_calendar_id="default", source_format=SOURCE_MSPDI)
    return ScheduleDocument(project=project, calendars=calendars, tasks=task_docs, links=links)


def export_mspdi(order: Order, *, actor: Any = None) -> bytes:
    """The order's schedule as MS Project XML; the actor (None: the system) needs EXPORT
    on the order's schedule."""
    schedule = Schedule.objects.filter(order=order).first()
    if schedule is None:
        raise ValidationError(_("订单 %(o)s 还没有进度计划。") % {"o": order.code},
                              code="no_schedule")
    if actor is not None:
        require(actor, EXPORT, schedule)
    return write_mspdi(schedule_document(order))
