"""Working time on a file's own (resolved) calendar, for comparing dates.

Two instants are *the same* when no working time lies between them: Friday 17:00 and
Monday 08:00 on a Monday-Friday calendar, the way MS Project and P6 write a finish and
the next start differently.

An import compares thousands of dates that may lie years apart, so whole days are not
walked one by one: each calendar gets a table of cumulative working minutes per day
(prefix sums over a range of dates that grows in both directions as calls need it), and a
span of days is a difference of two entries, an offset a bisection. Only the first and the
last day are looked at interval by interval, exactly as a day-by-day walk does (same
rounding of seconds, same interval order), so the results are the walk's, including its
limit of ``MAX_DAYS`` days. A calendar is taken to be unchanged once it is used here (as
``ScheduleDocument.resolve_calendar`` makes them); its table lives as long as it does.
"""

from __future__ import annotations

import weakref
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .document import ResolvedCalendar

MAX_DAYS = 366 * 60
MINUTE = timedelta(minutes=1)
FIRST_ORDINAL, LAST_ORDINAL = date.min.toordinal(), date.max.toordinal()
INITIAL_DAYS = 366  # a new table covers about a year on each side of the first date asked
SEARCH_DAYS = 64  # an offset is looked for this far first, then four times as far, ...


def working_minutes_between(a: datetime, b: datetime, cal: ResolvedCalendar) -> int:
    """Working minutes from ``a`` to ``b`` (negative when ``b`` is before ``a``)."""
    if b < a:
        return -working_minutes_between(b, a, cal)
    first, last = a.date(), b.date()
    if (last - first).days >= MAX_DAYS:  # the walk counts MAX_DAYS days, not more
        last = first + timedelta(days=MAX_DAYS)
        b = datetime.combine(last, time())
    if first == last:
        return _worked_on(first, a, b, cal)
    whole = 0
    if (last - first).days > 1:
        whole = _table(cal).minutes(cal, first + timedelta(days=1), last - timedelta(days=1))
    return _worked_on(first, a, b, cal) + whole + _worked_on(last, a, b, cal)


def add_working(moment: datetime, minutes: int, cal: ResolvedCalendar) -> datetime | None:
    """The instant ``minutes`` of working time after (before, if negative) ``moment``;
    None when the calendar has no working time within reach (``MAX_DAYS`` days)."""
    if minutes == 0:
        return moment
    day = moment.date()
    if minutes > 0:
        found, left = _scan_forward(day, moment, minutes, cal)
        if found is not None:
            return found
        hit = _table(cal).day_reaching(cal, day + timedelta(days=1), left,
                                       _shifted(day, MAX_DAYS - 1))
        return _scan_forward(hit[0], moment, hit[1], cal)[0] if hit else None
    found, left = _scan_backward(day, moment, -minutes, cal)
    if found is not None:
        return found
    hit = _table(cal).day_reaching_back(cal, day - timedelta(days=1), left,
                                        _shifted(day, 1 - MAX_DAYS))
    return _scan_backward(hit[0], moment, hit[1], cal)[0] if hit else None


# --- one day, interval by interval ---------------------------------------------------------

def _worked_on(day: date, a: datetime, b: datetime, cal: ResolvedCalendar) -> int:
    """Whole working minutes of ``day`` between ``a`` and ``b`` (each interval rounded
    down on its own)."""
    midnight = datetime.combine(day, time())
    total = 0
    for start, end in cal.hours_on(day):
        lo = max(a, midnight + timedelta(minutes=start))
        hi = min(b, midnight + timedelta(minutes=end))
        if hi > lo:
            total += (hi - lo) // MINUTE
    return total


def _scan_forward(day: date, moment: datetime, left: int,
                  cal: ResolvedCalendar) -> tuple[datetime | None, int]:
    """The instant ``left`` working minutes after ``moment`` if it is on ``day``, else
    None and the minutes still to go after the day."""
    midnight = datetime.combine(day, time())
    for start, end in cal.hours_on(day):
        lo = max(midnight + timedelta(minutes=start), moment)
        available = (midnight + timedelta(minutes=end) - lo).total_seconds() / 60
        if available > 0 and left <= available:
            return lo + timedelta(minutes=left), 0
        left -= max(0, int(available))
    return None, left


def _scan_backward(day: date, moment: datetime, left: int,
                   cal: ResolvedCalendar) -> tuple[datetime | None, int]:
    midnight = datetime.combine(day, time())
    for start, end in reversed(cal.hours_on(day)):
        hi = min(midnight + timedelta(minutes=end), moment)
        available = (hi - midnight - timedelta(minutes=start)).total_seconds() / 60
        if available > 0 and left <= available:
            return hi - timedelta(minutes=left), 0
        left -= max(0, int(available))
    return None, left


# --- whole days: cumulative working minutes ------------------------------------------------

def _shifted(day: date, days: int) -> date:
    """``day`` moved by ``days``, stopping at the first and last date there is."""
    return date.fromordinal(min(max(day.toordinal() + days, FIRST_ORDINAL), LAST_ORDINAL))


def _day_minutes(cal: ResolvedCalendar, ordinal: int) -> int:
    return sum(max(0, end - start) for start, end in cal.hours_on(date.fromordinal(ordinal)))


@dataclass(frozen=True)
class _Span:
    """``cum[k]``: working minutes of the days ``origin .. origin + k - 1`` (ordinals)."""

    origin: int
    cum: list[int]

    @property
    def end(self) -> int:  # the first day after the covered ones
        return self.origin + len(self.cum) - 1

    def index(self, day: date) -> int:
        return day.toordinal() - self.origin


class _DayTable:
    """A calendar's cumulative working minutes per day. A span is replaced, never changed,
    so a call that reads the span it got is not disturbed by another thread growing it."""

    def __init__(self) -> None:
        self.span: _Span | None = None

    def cover(self, cal: ResolvedCalendar, first: date, last: date) -> _Span:
        """A span that includes the days ``first .. last``; grown (at least doubled) when
        the current one does not."""
        lo, hi = first.toordinal(), last.toordinal() + 1
        span = self.span
        if span is not None and span.origin <= lo and hi <= span.end:
            return span
        if span is None:
            new_lo, new_hi, old = lo - INITIAL_DAYS, hi + INITIAL_DAYS, None
        else:
            size = span.end - span.origin
            new_lo = min(lo, span.origin - size) if lo < span.origin else span.origin
            new_hi = max(hi, span.end + size) if hi > span.end else span.end
            old = span
        new_lo, new_hi = max(new_lo, FIRST_ORDINAL), min(new_hi, LAST_ORDINAL)
        self.span = span = _grown(cal, new_lo, new_hi, old)
        return span

    def minutes(self, cal: ResolvedCalendar, first: date, last: date) -> int:
        """Working minutes of the days ``first .. last``, both included."""
        span = self.cover(cal, first, last)
        return span.cum[span.index(last) + 1] - span.cum[span.index(first)]

    def day_reaching(self, cal: ResolvedCalendar, first: date, left: int,
                     limit: date) -> tuple[date, int] | None:
        """The first day from ``first`` (up to ``limit``) by whose end ``left`` working
        minutes have passed, and how many of them are left at its start."""
        reach = SEARCH_DAYS
        while True:
            last = min(limit, _shifted(first, reach))
            span = self.cover(cal, first, last)
            i, stop = span.index(first), span.index(last) + 1
            j = bisect_left(span.cum, span.cum[i] + left, i + 1, stop + 1)
            if j <= stop:
                return date.fromordinal(span.origin + j - 1), left - (span.cum[j - 1] - span.cum[i])
            if last >= limit:
                return None
            reach *= 4

    def day_reaching_back(self, cal: ResolvedCalendar, last: date, left: int,
                          limit: date) -> tuple[date, int] | None:
        """The latest day from ``last`` back (down to ``limit``) from whose start ``left``
        working minutes reach to the end of ``last``, and how many are left at its end."""
        reach = SEARCH_DAYS
        while True:
            first = max(limit, _shifted(last, -reach))
            span = self.cover(cal, first, last)
            i, stop = span.index(first), span.index(last) + 1
            j = bisect_right(span.cum, span.cum[stop] - left, i, stop) - 1
            if j >= i:
                return date.fromordinal(span.origin + j), left - (span.cum[stop] - span.cum[j + 1])
            if first <= limit:
                return None
            reach *= 4


def _grown(cal: ResolvedCalendar, lo: int, hi: int, old: _Span | None) -> _Span:
    """The span of days ``lo .. hi - 1``, reusing the sums of ``old`` (inside it)."""
    cum = [0]
    keep_from, keep_to = (old.origin, old.end) if old is not None else (hi, hi)
    for ordinal in range(lo, keep_from):
        cum.append(cum[-1] + _day_minutes(cal, ordinal))
    if old is not None:
        shift = cum[-1]
        cum.extend(shift + total for total in old.cum[1:])
    for ordinal in range(keep_to, hi):
        cum.append(cum[-1] + _day_minutes(cal, ordinal))
    return _Span(lo, cum)


_tables: dict[int, tuple[weakref.ref[ResolvedCalendar], _DayTable]] = {}


def _table(cal: ResolvedCalendar) -> _DayTable:
    """The calendar's table, made on first use and dropped with the calendar (calendars
    are unhashable dataclasses, hence by id, checked against a weak reference)."""
    key = id(cal)
    entry = _tables.get(key)
    if entry is None or entry[0]() is not cal:
        entry = (weakref.ref(cal), _DayTable())
        _tables[key] = entry
        weakref.finalize(cal, _tables.pop, key, None)
    return entry[1]
