"""Working time on a file's calendar (formats/worktime.py): the table of cumulative minutes
gives exactly what walking the calendar day by day gives.

The reference below is that walk, as the module first had it. Random calendars (working
hours per weekday, including odd ones: overlapping, unsorted, empty intervals; exceptions
that close a day or change its hours) and random instants (seconds and microseconds too)
are asked both ways; one calendar object is asked many times, so that its table grows
backwards and forwards between calls.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eoms.scheduling.formats.document import STANDARD_WEEK, ResolvedCalendar
from eoms.scheduling.formats.worktime import MAX_DAYS, add_working, working_minutes_between

# --- the reference: the day-by-day walk -----------------------------------------------------


def slow_between(a: datetime, b: datetime, cal: ResolvedCalendar) -> int:
    if b < a:
        return -slow_between(b, a, cal)
    total = 0
    day = a.date()
    for _ in range(MAX_DAYS):
        if day > b.date():
            break
        midnight = datetime.combine(day, time())
        for start, end in cal.hours_on(day):
            lo = max(a, midnight + timedelta(minutes=start))
            hi = min(b, midnight + timedelta(minutes=end))
            if hi > lo:
                total += int((hi - lo).total_seconds() // 60)
        day += timedelta(days=1)
    return total


def slow_add(moment: datetime, minutes: int, cal: ResolvedCalendar) -> datetime | None:
    if minutes == 0:
        return moment
    forward = minutes > 0
    left = abs(minutes)
    day = moment.date()
    step = timedelta(days=1 if forward else -1)
    for _ in range(MAX_DAYS):
        midnight = datetime.combine(day, time())
        hours = cal.hours_on(day) if forward else tuple(reversed(cal.hours_on(day)))
        for start, end in hours:
            lo, hi = midnight + timedelta(minutes=start), midnight + timedelta(minutes=end)
            if forward:
                lo = max(lo, moment)
                available = (hi - lo).total_seconds() / 60
                if available > 0 and left <= available:
                    return lo + timedelta(minutes=left)
            else:
                hi = min(hi, moment)
                available = (hi - lo).total_seconds() / 60
                if available > 0 and left <= available:
                    return hi - timedelta(minutes=left)
            left -= max(0, int(available))
        day += step
    return None


# --- random calendars and instants ----------------------------------------------------------

FIRST, LAST = date(2023, 1, 1), date(2028, 12, 31)
minute_of_day = st.integers(0, 1440)
STANDARD_CUTS = st.sampled_from([0, 480, 720, 780, 1020, 1440])  # day and interval bounds


@st.composite
def day_hours(draw) -> tuple[tuple[int, int], ...]:
    if draw(st.integers(0, 9)) == 0:  # odd: any pairs, in any order, overlapping or empty
        return tuple(draw(st.lists(st.tuples(minute_of_day, minute_of_day), max_size=3)))
    cuts = sorted(draw(st.sets(minute_of_day, max_size=6)))
    cuts = cuts[: len(cuts) // 2 * 2]
    return tuple(zip(cuts[::2], cuts[1::2], strict=True))


@st.composite
def calendars(draw) -> ResolvedCalendar:
    week = {d: draw(day_hours()) for d in range(7)}
    if draw(st.booleans()):
        week = dict(STANDARD_WEEK)
    exceptions = draw(st.dictionaries(st.dates(FIRST, LAST), day_hours(), max_size=40))
    return ResolvedCalendar("c", "c", week, exceptions)


@st.composite
def instants(draw) -> datetime:
    day = draw(st.dates(FIRST, LAST))
    minute = draw(st.one_of(minute_of_day, STANDARD_CUTS))
    moment = datetime.combine(day, time()) + timedelta(minutes=minute)
    if draw(st.integers(0, 4)) == 0:
        moment += timedelta(seconds=draw(st.integers(0, 59)),
                            microseconds=draw(st.integers(0, 999_999)))
    return moment


offsets = st.one_of(st.integers(-3000, 3000), st.integers(-400_000, 400_000),
                    st.integers(-300, 300).map(lambda k: k * 240))  # ends at a bound


# --- the fast version against the walk ------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(calendars(), st.lists(st.tuples(instants(), instants()), min_size=1, max_size=12))
def test_minutes_between_equal_the_day_by_day_walk(cal, pairs):
    for a, b in pairs:
        assert working_minutes_between(a, b, cal) == slow_between(a, b, cal), (a, b)


@settings(max_examples=150, deadline=None)
@given(calendars(), st.lists(st.tuples(instants(), offsets), min_size=1, max_size=12))
def test_adding_working_minutes_equals_the_day_by_day_walk(cal, asks):
    for moment, minutes in asks:
        assert add_working(moment, minutes, cal) == slow_add(moment, minutes, cal), (
            moment, minutes)


@settings(max_examples=60, deadline=None)
@given(calendars(), instants(), st.integers(-20_000, 20_000))
def test_adding_then_measuring_comes_back(cal, moment, minutes):
    target = add_working(moment, minutes, cal)
    if target is not None:
        assert working_minutes_between(moment, target, cal) == slow_between(moment, target, cal)


# --- the edges of the walk ------------------------------------------------------------------

STANDARD = ResolvedCalendar("std", "std", dict(STANDARD_WEEK), {})


def test_an_offset_that_ends_a_day_gives_its_end_not_the_next_start():
    monday = datetime(2026, 1, 5, 8)
    assert add_working(monday, 5 * 480, STANDARD) == datetime(2026, 1, 9, 17)
    assert add_working(monday + timedelta(days=7), -5 * 480, STANDARD) == monday
    assert add_working(datetime(2026, 1, 9, 17), -20 * 480, STANDARD) == datetime(
        2025, 12, 15, 8)


def test_a_weekend_and_a_holiday_are_no_working_time():
    cal = ResolvedCalendar("c", "c", dict(STANDARD_WEEK), {date(2026, 1, 5): ()})
    friday_end, tuesday_start = datetime(2026, 1, 2, 17), datetime(2026, 1, 6, 8)
    assert working_minutes_between(friday_end, tuesday_start, cal) == 0
    assert working_minutes_between(datetime(2026, 1, 2, 16, 30), datetime(2026, 1, 6, 9), cal) == 90
    assert add_working(friday_end, 60, cal) == datetime(2026, 1, 6, 9)
    assert add_working(tuesday_start, -60, cal) == datetime(2026, 1, 2, 16)


@pytest.mark.parametrize(("a", "b"), [
    (datetime(1990, 3, 1, 9), datetime(2070, 6, 1, 10)),  # more than MAX_DAYS apart
    (datetime(2070, 6, 1, 10), datetime(1990, 3, 1, 9)),
    (datetime(2026, 1, 5, 8), datetime(2026, 1, 5, 8) + timedelta(days=MAX_DAYS)),
])
def test_the_walks_limit_of_days_is_kept(a, b):
    assert working_minutes_between(a, b, STANDARD) == slow_between(a, b, STANDARD)


@pytest.mark.parametrize("minutes", [1, -1, 10**9, -(10**9)])
def test_a_calendar_without_working_time_gives_none(minutes):
    idle = ResolvedCalendar("idle", "idle", {d: () for d in range(7)}, {})
    assert add_working(datetime(2026, 1, 5, 8), minutes, idle) is None
    assert add_working(datetime(2026, 1, 5, 8), 10**9, STANDARD) is None  # beyond MAX_DAYS
    assert working_minutes_between(datetime(2020, 1, 1), datetime(2030, 1, 1), idle) == 0


def test_one_calendar_grows_its_table_both_ways():
    cal = ResolvedCalendar("std", "std", dict(STANDARD_WEEK), {date(2031, 5, 1): ()})
    base = datetime(2026, 1, 5, 8)
    for years in (0, 3, -4, 9, -12, 25):
        far = base + timedelta(days=365 * years, hours=3)
        assert working_minutes_between(base, far, cal) == slow_between(base, far, cal)
        for minutes in (7_000, -7_000, 900_000, -900_000):
            assert add_working(far, minutes, cal) == slow_add(far, minutes, cal)


def test_each_calendar_has_its_own_table():
    short = ResolvedCalendar("s", "s", {d: ((480, 600),) for d in range(7)}, {})
    a, b = datetime(2026, 1, 5, 8), datetime(2026, 3, 5, 8)
    assert working_minutes_between(a, b, STANDARD) == slow_between(a, b, STANDARD)
    assert working_minutes_between(a, b, short) == 59 * 120
    assert add_working(a, 121, short) == datetime(2026, 1, 6, 8, 1)
    assert add_working(a, 121, STANDARD) == datetime(2026, 1, 5, 10, 1)
