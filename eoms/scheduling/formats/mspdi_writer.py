"""Write a ScheduleDocument as Microsoft Project XML (MSPDI) that MS Project and
ProjectLibre open. Elements follow the order of Microsoft's mspdi schema.

The file keeps the document's dates as the scheduled dates (MS Project recalculates on
open); to export EOMS's own dates, set the tasks' ``file_*`` dates before writing.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from xml.etree.ElementTree import Element, SubElement, tostring

from eoms.scheduling.engine.model import Constraint, LinkType

from .common import minutes_to_iso
from .document import (
    LAG_ELAPSED,
    LAG_PERCENT,
    CalendarDoc,
    DayHours,
    LinkDoc,
    ScheduleDocument,
    TaskDoc,
)

NAMESPACE = "http://schemas.microsoft.com/project"
CONSTRAINT_CODES = {Constraint.ASAP: 0, Constraint.ALAP: 1, Constraint.MSO: 2,
                    Constraint.MFO: 3, Constraint.SNET: 4, Constraint.SNLT: 5,
                    Constraint.FNET: 6, Constraint.FNLT: 7}
LINK_CODES = {LinkType.FF: 0, LinkType.FS: 1, LinkType.SF: 2, LinkType.SS: 3}
WEEKDAY_TO_DAY_TYPE = {6: 1, 0: 2, 1: 3, 2: 4, 3: 5, 4: 6, 5: 7}
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0
FORMAT_MINUTES, FORMAT_DAYS, FORMAT_EMINUTES, FORMAT_EDAYS, FORMAT_PERCENT = 3, 7, 4, 8, 19


def write_mspdi(document: ScheduleDocument) -> bytes:
    calendar_uids = _uids([c.id for c in document.calendars])
    task_uids = _uids([t.external_id for t in document.tasks], first=1)
    root = Element("Project", xmlns=NAMESPACE)
    _write_header(root, document, calendar_uids)
    calendars = SubElement(root, "Calendars")
    for cal in document.calendars:
        _write_calendar(calendars, cal, calendar_uids)
    tasks = SubElement(root, "Tasks")
    _write_project_summary(tasks, document)
    by_successor: dict[str, list[LinkDoc]] = {}
    for link in document.links:
        by_successor.setdefault(link.successor_id, []).append(link)
    for row, (task, outline) in enumerate(_outline(document), start=1):
        _write_task(tasks, task, row, outline, document, task_uids, calendar_uids,
                    by_successor.get(task.external_id, []))
    body = tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body).encode()


def _uids(ids: list[str], first: int = 1) -> dict[str, int]:
    """Keep numeric ids (MSPDI UIDs) as they are; number anything else from ``first``."""
    if all(i.isdigit() for i in ids) and len(set(ids)) == len(ids) and "0" not in ids:
        return {i: int(i) for i in ids}
    return {i: n for n, i in enumerate(ids, start=first)}


def _add(parent: Element, name: str, value: object) -> Element:
    el = SubElement(parent, name)
    el.text = _format(value)
    return el


def _format(value: object) -> str:
    if isinstance(value, str):
        return _XML_UNSAFE.sub("", value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%dT00:00:00")
    return str(value)


def _clock(minutes: int) -> str:
    minutes %= 1440
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


def _write_header(root: Element, document: ScheduleDocument, calendar_uids: dict) -> None:
    project = document.project
    _add(root, "SaveVersion", 14)
    _add(root, "Name", project.name or "EOMS")
    _add(root, "Title", project.name or "EOMS")
    _add(root, "ScheduleFromStart", True)
    if project.start:
        _add(root, "StartDate", project.start)
    if project.finish:
        _add(root, "FinishDate", project.finish)
    _add(root, "CurrencyCode", "CNY")
    default = calendar_uids.get(project.default_calendar_id or "")
    if default is not None:
        _add(root, "CalendarUID", default)
    hours = document.resolve_calendar(None).usual_hours() or ((480, 1020),)
    _add(root, "DefaultStartTime", _clock(hours[0][0]))
    _add(root, "DefaultFinishTime", _clock(hours[-1][1]))
    _add(root, "MinutesPerDay", project.minutes_per_day)
    _add(root, "MinutesPerWeek", project.minutes_per_week)
    _add(root, "DaysPerMonth", 20)
    if project.status_date:
        _add(root, "StatusDate", project.status_date)


def _write_hours(parent: Element, hours: DayHours) -> None:
    _add(parent, "DayWorking", bool(hours))
    if hours:
        _write_times_only(parent, hours)


def _write_calendar(parent: Element, cal: CalendarDoc, uids: dict[str, int]) -> None:
    el = SubElement(parent, "Calendar")
    _add(el, "UID", uids[cal.id])
    _add(el, "Name", cal.name or cal.id)
    _add(el, "IsBaseCalendar", cal.parent_id is None)
    _add(el, "BaseCalendarUID", uids.get(cal.parent_id or "", -1))
    week_days = SubElement(el, "WeekDays")
    for weekday in (6, 0, 1, 2, 3, 4, 5):
        if weekday in cal.week:
            wd = SubElement(week_days, "WeekDay")
            _add(wd, "DayType", WEEKDAY_TO_DAY_TYPE[weekday])
            _write_hours(wd, cal.week[weekday])
    runs = _exception_runs(cal)
    for first, last, hours, _name in runs:  # the Project 2007 form
        wd = SubElement(week_days, "WeekDay")
        _add(wd, "DayType", 0)
        _add(wd, "DayWorking", bool(hours))
        period = SubElement(wd, "TimePeriod")
        _add(period, "FromDate", datetime.combine(first, datetime.min.time()))
        _add(period, "ToDate", datetime.combine(last, datetime.min.time()).replace(
            hour=23, minute=59))
        if hours:
            _write_times_only(wd, hours)
    if runs:
        exceptions = SubElement(el, "Exceptions")
        for first, last, hours, name in runs:  # the Project 2010+ form
            ex = SubElement(exceptions, "Exception")
            _add(ex, "EnteredByOccurrences", False)
            period = SubElement(ex, "TimePeriod")
            _add(period, "FromDate", datetime.combine(first, datetime.min.time()))
            _add(period, "ToDate", datetime.combine(last, datetime.min.time()).replace(
                hour=23, minute=59))
            _add(ex, "Occurrences", (last - first).days + 1)
            _add(ex, "Name", name)
            _add(ex, "Type", 1)
            _write_hours(ex, hours)


def _write_times_only(parent: Element, hours: DayHours) -> None:
    times = SubElement(parent, "WorkingTimes")
    for start, end in hours:
        wt = SubElement(times, "WorkingTime")
        _add(wt, "FromTime", _clock(start))
        _add(wt, "ToTime", _clock(end))


def _exception_runs(cal: CalendarDoc) -> list[tuple[date, date, DayHours, str]]:
    """Consecutive exception dates with the same hours and name, as (first, last, ...)."""
    runs: list[tuple[date, date, DayHours, str]] = []
    for ex in sorted(cal.exceptions, key=lambda e: e.day):
        if runs:
            first, last, hours, name = runs[-1]
            if (ex.day - last).days == 1 and ex.hours == hours and ex.name == name:
                runs[-1] = (first, ex.day, hours, name)
                continue
        runs.append((ex.day, ex.day, ex.hours, ex.name))
    return runs


def _outline(document: ScheduleDocument) -> list[tuple[TaskDoc, str]]:
    """Tasks in outline order (each parent followed by its subtree) with outline numbers."""
    ids = {t.external_id for t in document.tasks}
    kids: dict[str | None, list[TaskDoc]] = {}
    for task in document.tasks:
        parent = task.parent_id if task.parent_id in ids else None
        kids.setdefault(parent, []).append(task)
    result: list[tuple[TaskDoc, str]] = []
    seen: set[str] = set()

    def walk(parent: str | None, prefix: str) -> None:
        for n, task in enumerate(kids.get(parent, []), start=1):
            if task.external_id in seen:
                continue
            seen.add(task.external_id)
            number = f"{prefix}{n}"
            result.append((task, number))
            walk(task.external_id, number + ".")

    walk(None, "")
    return result


def _write_project_summary(parent: Element, document: ScheduleDocument) -> None:
    el = SubElement(parent, "Task")
    _add(el, "UID", 0)
    _add(el, "ID", 0)
    _add(el, "Name", document.project.name or "EOMS")
    _add(el, "Type", 1)
    _add(el, "IsNull", False)
    _add(el, "OutlineNumber", 0)
    _add(el, "OutlineLevel", 0)
    if document.project.start:
        _add(el, "Start", document.project.start)
    if document.project.finish:
        _add(el, "Finish", document.project.finish)
    _add(el, "Summary", True)


def _duration_format(minutes: int, per_day: int) -> int:
    return FORMAT_DAYS if per_day and minutes % per_day == 0 else FORMAT_MINUTES


def _write_task(parent: Element, task: TaskDoc, row: int, outline: str,
                document: ScheduleDocument, uids: dict[str, int],
                calendar_uids: dict[str, int], links: list[LinkDoc]) -> None:
    per_day = document.project.minutes_per_day
    el = SubElement(parent, "Task")
    _add(el, "UID", uids[task.external_id])
    _add(el, "ID", row)
    _add(el, "Name", task.name)
    _add(el, "Type", 1)
    _add(el, "IsNull", False)
    _add(el, "WBS", task.wbs or outline)
    _add(el, "OutlineNumber", outline)
    _add(el, "OutlineLevel", outline.count(".") + 1)
    _add(el, "Priority", 500)
    start = task.file_start or task.file_early_start or document.project.start
    finish = task.file_finish or task.file_early_finish or start
    if start:
        _add(el, "Start", start)
    if finish:
        _add(el, "Finish", finish)
    _add(el, "Duration", minutes_to_iso(task.duration))
    _add(el, "DurationFormat", _duration_format(task.duration, per_day))
    _add(el, "Estimated", False)
    _add(el, "Milestone", task.is_milestone)
    _add(el, "Summary", task.is_summary)
    for name, value in (("EarlyStart", task.file_early_start),
                        ("EarlyFinish", task.file_early_finish),
                        ("LateStart", task.file_late_start),
                        ("LateFinish", task.file_late_finish)):
        if value:
            _add(el, name, value)
    if task.file_total_float is not None:
        _add(el, "TotalSlack", task.file_total_float * 10)
    _add(el, "PercentComplete", round(task.percent_complete))
    if task.actual_start:
        _add(el, "ActualStart", task.actual_start)
    if task.actual_finish:
        _add(el, "ActualFinish", task.actual_finish)
    if task.remaining_duration is not None:
        _add(el, "RemainingDuration", minutes_to_iso(task.remaining_duration))
    _add(el, "ConstraintType", CONSTRAINT_CODES[task.constraint])
    _add(el, "CalendarUID", calendar_uids.get(task.calendar_id or "", -1))
    if task.constraint_date and task.constraint not in (Constraint.ASAP, Constraint.ALAP):
        _add(el, "ConstraintDate", task.constraint_date)
    if task.leveling_delay:
        _add(el, "LevelingDelay", task.leveling_delay * 10)
        _add(el, "LevelingDelayFormat", FORMAT_EDAYS)
    if task.notes:
        _add(el, "Notes", task.notes)
    for link in links:
        if link.predecessor_id in uids:
            _write_link(el, link, uids, per_day)
    if task.baseline_start or task.baseline_finish or task.baseline_duration is not None:
        baseline = SubElement(el, "Baseline")
        _add(baseline, "Number", 0)
        if task.baseline_start:
            _add(baseline, "Start", task.baseline_start)
        if task.baseline_finish:
            _add(baseline, "Finish", task.baseline_finish)
        if task.baseline_duration is not None:
            _add(baseline, "Duration", minutes_to_iso(task.baseline_duration))
            _add(baseline, "DurationFormat", _duration_format(task.baseline_duration, per_day))


def _write_link(parent: Element, link: LinkDoc, uids: dict[str, int], per_day: int) -> None:
    el = SubElement(parent, "PredecessorLink")
    _add(el, "PredecessorUID", uids[link.predecessor_id])
    _add(el, "Type", LINK_CODES[link.type])
    _add(el, "CrossProject", False)
    if link.lag_kind == LAG_PERCENT:
        _add(el, "LinkLag", round(link.lag_percent or 0))
        _add(el, "LagFormat", FORMAT_PERCENT)
    elif link.lag_kind == LAG_ELAPSED:
        _add(el, "LinkLag", link.lag * 10)
        _add(el, "LagFormat", FORMAT_EDAYS if link.lag % 1440 == 0 else FORMAT_EMINUTES)
    else:
        _add(el, "LinkLag", link.lag * 10)
        _add(el, "LagFormat", _duration_format(link.lag, per_day))
