"""Work calendars in the database → the engine's CalendarSpec.

Chinese statutory holidays and 调休 make-up working days come from `chinese-calendar`
at compute time (so a newer release extends every calendar). Its data ends with a year
(2026 for 1.11): later years fall back to the working weekdays plus the exceptions an
administrator enters, and the schedule carries a visible warning instead of failing.
"""

from __future__ import annotations

from datetime import date, time
from functools import lru_cache

import chinese_calendar
from django.utils.translation import gettext_lazy as _

from eoms.scheduling.choices import ExceptionKind, ExceptionSource
from eoms.scheduling.engine.model import CalendarSpec
from eoms.scheduling.models import WorkCalendar

STATUTORY_FIRST_YEAR = min(chinese_calendar.holidays).year
STATUTORY_LAST_YEAR = max(chinese_calendar.holidays).year

HOLIDAY_NAMES = {
    "New Year's Day": _("元旦"),
    "Spring Festival": _("春节"),
    "Tomb-sweeping Day": _("清明节"),
    "Labour Day": _("劳动节"),
    "Dragon Boat Festival": _("端午节"),
    "National Day": _("国庆节"),
    "Mid-autumn Festival": _("中秋节"),
    "Anti-Fascist 70th Day": _("抗战胜利纪念日"),
}


def holiday_name(english: str) -> str:
    return str(HOLIDAY_NAMES.get(english, english))


@lru_cache(maxsize=1)
def _statutory() -> tuple[frozenset[date], frozenset[date]]:
    """(holidays that fall on weekdays or weekends, make-up working days)."""
    return frozenset(chinese_calendar.holidays), frozenset(chinese_calendar.workdays)


def statutory_days(year: int) -> list[tuple[date, str, str]]:
    """(date, kind, holiday name) for one year, in date order; [] beyond the data."""
    rows = [(d, ExceptionKind.HOLIDAY.value, holiday_name(str(n)))
            for d, n in chinese_calendar.holidays.items() if d.year == year]
    rows += [(d, ExceptionKind.WORKDAY.value, holiday_name(str(n)))
             for d, n in chinese_calendar.workdays.items() if d.year == year]
    return sorted(rows)


def _intervals(calendar: WorkCalendar) -> tuple[tuple[time, time], ...]:
    def parse(text: str) -> time:  # "24:00" ends the day: the engine reads it as 00:00
        return time(0) if text == "24:00" else time.fromisoformat(text)

    return tuple((parse(a), parse(b)) for a, b in calendar.intervals)


def to_spec(calendar: WorkCalendar | None) -> CalendarSpec:
    """The engine's view of a calendar; None (no calendar set up anywhere) is Monday to
    Friday with the statutory holidays."""
    if calendar is None:
        off, on = _statutory()
        return CalendarSpec(key=None, holidays=off, extra_workdays=on,
                            known_until=date(STATUTORY_LAST_YEAR, 12, 31))
    holidays: set[date] = set()
    workdays: set[date] = set()
    if calendar.statutory_holidays:
        statutory_off, statutory_on = _statutory()
        holidays |= statutory_off
        workdays |= statutory_on
    for row in calendar.exceptions.all():
        if row.kind == ExceptionKind.HOLIDAY:
            holidays.add(row.date)
            workdays.discard(row.date)
        else:
            workdays.add(row.date)
            holidays.discard(row.date)
    return CalendarSpec(
        key=calendar.pk, weekdays=frozenset(calendar.weekdays), holidays=frozenset(holidays),
        extra_workdays=frozenset(workdays), intervals=_intervals(calendar),
        known_until=_known_until(calendar))


def _known_until(calendar: WorkCalendar) -> date | None:
    """The last day whose holidays are known: the statutory data's end, or a later year
    for which the administrator entered company holidays himself."""
    if not calendar.statutory_holidays:
        return None
    last = STATUTORY_LAST_YEAR
    entered = {row.date.year for row in calendar.exceptions.all()
               if row.source == ExceptionSource.COMPANY and row.kind == ExceptionKind.HOLIDAY}
    while last + 1 in entered:
        last += 1
    return date(last, 12, 31)


def years_without_data(calendar: WorkCalendar, first: date, last: date) -> list[int]:
    """The years between two dates whose statutory holidays the calendar does not know."""
    known = _known_until(calendar)
    if known is None:
        return []
    return [y for y in range(first.year, last.year + 1) if y > known.year]


def company_default() -> WorkCalendar | None:
    return WorkCalendar.objects.filter(is_default=True).prefetch_related("exceptions").first()


def project_calendar(project_id: int | None) -> WorkCalendar | None:
    if project_id is None:
        return company_default()
    found = (WorkCalendar.objects.filter(project_id=project_id, crew=None)
             .prefetch_related("exceptions").first())
    return found or company_default()


def is_working_day(spec: CalendarSpec, day: date) -> bool:
    if day in spec.extra_workdays:
        return True
    return day.weekday() in spec.weekdays and day not in spec.holidays


def working_days_inclusive(spec: CalendarSpec, first: date, last: date) -> int:
    """Working days from first to last, both counted (0 when last < first)."""
    from datetime import timedelta

    count, day = 0, first
    while day <= last:
        count += is_working_day(spec, day)
        day += timedelta(days=1)
    return count
