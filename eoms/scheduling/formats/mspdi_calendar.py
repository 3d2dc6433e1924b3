"""MSPDI calendars: weekdays, old-style (WeekDay DayType=0) and Project 2010+ exceptions."""

from __future__ import annotations

from datetime import date
from xml.etree.ElementTree import Element

from .common import child, children, clock_minutes, day_range, text, to_bool, to_datetime, to_int
from .document import STANDARD_HOURS, CalendarDoc, CalendarException, DayHours, ScheduleDocument
from .recurrence import Recurrence, expand

# MSPDI DayType 1 = Sunday ... 7 = Saturday; the document counts Monday = 0.
MSPDI_DAY_TO_WEEKDAY = {1: 6, 2: 0, 3: 1, 4: 2, 5: 3, 6: 4, 7: 5}


def read_calendars(root: Element, document: ScheduleDocument) -> None:
    container = child(root, "Calendars")
    if container is None:
        return
    for el in children(container, "Calendar"):
        uid = text(el, "UID")
        if not uid:
            document.warn("bad_value", None, "a calendar without UID")
            continue
        base = text(el, "BaseCalendarUID")
        cal = CalendarDoc(
            id=uid,
            name=text(el, "Name"),
            parent_id=base if base not in ("", "-1", "0", uid) else None,
            is_base=to_bool(text(el, "IsBaseCalendar", "1")),
        )
        old_exceptions = _read_week_days(el, cal)
        new_exceptions = _read_exceptions(el, cal.id, document)
        # Project 2010+ writes both forms; the <Exceptions> one keeps the recurrence rules.
        cal.exceptions = new_exceptions if child(el, "Exceptions") is not None else old_exceptions
        work_weeks = child(el, "WorkWeeks")
        if work_weeks is not None and children(work_weeks, "WorkWeek"):
            document.warn("calendar_detail", None,
                          f"calendar {uid}: alternative work weeks are not read")
        document.calendars.append(cal)
    known = {c.id for c in document.calendars}
    for cal in document.calendars:
        if cal.parent_id is not None and cal.parent_id not in known:
            document.warn("unknown_calendar", None,
                          f"calendar {cal.id}: base calendar {cal.parent_id} is missing")
            cal.parent_id = None


def working_times(el: Element | None) -> DayHours:
    """The <WorkingTimes> of a weekday or exception as sorted (from, to) minute pairs."""
    block = child(el, "WorkingTimes") if el is not None else None
    if block is None:
        return ()
    hours = []
    for wt in children(block, "WorkingTime"):
        start, end = clock_minutes(text(wt, "FromTime")), clock_minutes(text(wt, "ToTime"))
        if start is None or end is None:
            continue
        if end <= start:
            end = 1440  # ends at midnight
        hours.append((start, end))
    return tuple(sorted(hours))


def _day_hours(el: Element) -> DayHours:
    if not to_bool(text(el, "DayWorking")):
        return ()
    return working_times(el) or STANDARD_HOURS


def _read_week_days(el: Element, cal: CalendarDoc) -> list[CalendarException]:
    exceptions: list[CalendarException] = []
    block = child(el, "WeekDays")
    if block is None:
        return exceptions
    for wd in children(block, "WeekDay"):
        day_type = to_int(text(wd, "DayType"), -1)
        if day_type in MSPDI_DAY_TO_WEEKDAY:
            cal.week[MSPDI_DAY_TO_WEEKDAY[day_type]] = _day_hours(wd)
        elif day_type == 0:
            period = child(wd, "TimePeriod")
            first, last = (to_datetime(text(period, "FromDate")),
                           to_datetime(text(period, "ToDate")))
            if first is None or last is None:
                continue
            hours = _day_hours(wd)
            exceptions.extend(CalendarException(d, hours) for d in
                              day_range(first.date(), last.date()))
    return exceptions


def _read_exceptions(el: Element, calendar_id: str,
                     document: ScheduleDocument) -> list[CalendarException]:
    block = child(el, "Exceptions")
    if block is None:
        return []
    result: list[CalendarException] = []
    for ex in children(block, "Exception"):
        period = child(ex, "TimePeriod")
        first, last = to_datetime(text(period, "FromDate")), to_datetime(text(period, "ToDate"))
        if first is None or last is None:
            document.warn("bad_value", None, f"calendar {calendar_id}: exception without dates")
            continue
        rule = Recurrence(
            type=to_int(text(ex, "Type"), 1) or 1,
            first=first.date(),
            last=last.date(),
            occurrences=(to_int(text(ex, "Occurrences"))
                         if to_bool(text(ex, "EnteredByOccurrences")) else None),
            period=to_int(text(ex, "Period"), 1) or 1,
            days_of_week=to_int(text(ex, "DaysOfWeek"), 0) or 0,
            month_item=to_int(text(ex, "MonthItem"), 0) or 0,
            month_position=to_int(text(ex, "MonthPosition"), 0) or 0,
            month=to_int(text(ex, "Month"), 0) or 0,
            month_day=to_int(text(ex, "MonthDay"), 1) or 1,
        )
        hours = _day_hours(ex)
        name = text(ex, "Name")
        result.extend(CalendarException(d, hours, name) for d in expand(rule))
    return _latest_per_day(result)


def _latest_per_day(exceptions: list[CalendarException]) -> list[CalendarException]:
    by_day: dict[date, CalendarException] = {}
    for e in exceptions:
        by_day[e.day] = e
    return sorted(by_day.values(), key=lambda e: e.day)
