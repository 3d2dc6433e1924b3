"""From a ScheduleDocument to the engine's ScheduleSpec, and back to compare.

A calendar the engine cannot represent exactly (see :mod:`.engine_calendar`) gets a
``calendar_detail`` warning.
``compare`` and ``summarize`` live in :mod:`.compare` and are re-exported here.
"""

from __future__ import annotations

from datetime import datetime

from eoms.scheduling.engine.model import LinkSpec, ScheduleSpec, TaskSpec

from .compare import CompareSummary, Difference, compare, summarize
from .document import (
    LAG_ELAPSED,
    LAG_PERCENT,
    SOURCE_P6XML,
    SOURCE_XER,
    LinkDoc,
    ScheduleDocument,
    TaskDoc,
)
from .engine_calendar import CalendarLosses, calendar_losses, calendar_spec

__all__ = ["CalendarLosses", "CompareSummary", "Difference", "calendar_losses",
           "calendar_spec", "compare", "summarize", "to_spec"]

STANDARD_KEY = "__standard__"


def to_spec(document: ScheduleDocument) -> ScheduleSpec:
    """The engine's input for the document. Adds ``calendar_detail`` and ``lag_calendar``
    warnings to the document for what the engine cannot represent exactly."""
    calendars = _calendars(document)
    default = document.project.default_calendar_id
    if default not in calendars:
        default = STANDARD_KEY
        calendars[STANDARD_KEY] = calendar_spec(document.resolve_calendar(None), STANDARD_KEY)[0]
    parents = {t.parent_id for t in document.tasks if t.parent_id}
    kept = {t.external_id: t for t in document.tasks
            if not t.is_summary or t.external_id in parents}  # a childless summary: nothing
    tasks = [_task_spec(t, document, calendars, kept) for t in kept.values()]
    links = [_link_spec(link, document, kept, calendars) for link in document.links
             if link.predecessor_id in kept and link.successor_id in kept]
    return ScheduleSpec(
        start=_start(document),
        calendars=calendars,
        default_calendar=default,
        tasks=tasks,
        links=links,
        status_date=document.project.status_date,
    )


def _calendars(document: ScheduleDocument) -> dict:
    result = {}
    for cal in document.calendars:
        spec, note = calendar_spec(document.resolve_calendar(cal.id))
        result[cal.id] = spec
        if note and not any(w.code == "calendar_detail" and w.detail.startswith(
                f"calendar {cal.id}:") for w in document.warnings):
            document.warn("calendar_detail", None, f"calendar {cal.id}: {note}")
    return result


def _start(document: ScheduleDocument) -> datetime:
    project = document.project
    start = project.start
    if project.source_format in (SOURCE_XER, SOURCE_P6XML) and project.status_date:
        # P6 schedules remaining work from the data date, started or not.
        start = max(start, project.status_date) if start else project.status_date
    if start is None:
        known = [t.compare_start for t in document.tasks if t.compare_start]
        if not known:
            raise ValueError("the document has no project start and no task dates")
        start = min(known)
    return start


def _task_spec(task: TaskDoc, document: ScheduleDocument, calendars: dict,
               kept: dict[str, TaskDoc]) -> TaskSpec:
    duration = task.duration
    remaining = task.remaining_duration
    percent = task.percent_complete
    if task.has_actuals and remaining is not None and duration > 0:
        percent = max(0.0, min(100.0, 100.0 * (duration - remaining) / duration))
    elif (not task.has_actuals and remaining is not None
          and document.project.source_format in (SOURCE_XER, SOURCE_P6XML)):
        duration = remaining  # P6 schedules the remaining duration
    actual_start, actual_finish = _actuals(task, document)
    return TaskSpec(
        key=task.external_id,
        duration=0 if task.is_summary else max(0, duration),
        parent=task.parent_id if task.parent_id in kept else None,
        calendar=task.calendar_id if task.calendar_id in calendars else None,
        constraint=task.constraint,
        constraint_date=task.constraint_date,
        actual_start=actual_start,
        actual_finish=actual_finish,
        percent_complete=percent,
        milestone=task.is_milestone,
    )


def _actuals(task: TaskDoc, document: ScheduleDocument) -> tuple[datetime | None, datetime | None]:
    """The actual dates the engine schedules from. P6 holds no successor of a completed
    activity beyond the data date, even when its actual finish is later: such a finish
    (and a start after it) counts as the data date."""
    start, finish = task.actual_start, task.actual_finish
    status = document.project.status_date
    if (finish is None or status is None or finish <= status
            or document.project.source_format not in (SOURCE_XER, SOURCE_P6XML)):
        return start, finish
    return (min(start, status) if start else None), status


def _link_spec(link: LinkDoc, document: ScheduleDocument, kept: dict[str, TaskDoc],
               calendars: dict) -> LinkSpec:
    lag = link.lag
    if link.lag_kind == LAG_ELAPSED:
        lag = round(link.lag * document.project.minutes_per_day / 1440)
    elif link.lag_kind == LAG_PERCENT:
        lag = round((link.lag_percent or 0) / 100 * kept[link.predecessor_id].duration)
    lag_calendar = document.project.options.get("lag_calendar", "successor")
    if lag and lag_calendar != "successor":
        pred, succ = kept[link.predecessor_id], kept[link.successor_id]
        if lag_calendar == "24h" or _calendar_of(pred, document) != _calendar_of(succ, document):
            document.warn("lag_calendar", link.successor_id,
                          f"lag counted on the {lag_calendar} calendar in the file")
    return LinkSpec(link.predecessor_id, link.successor_id, link.type, lag)


def _calendar_of(task: TaskDoc, document: ScheduleDocument) -> str | None:
    return task.calendar_id or document.project.default_calendar_id
