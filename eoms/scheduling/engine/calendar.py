"""Working-time arithmetic on a :class:`~.model.CalendarSpec`.

An *offset* is a count of working minutes since the start of the working time of the
``origin`` date (negative before it). Every instant has exactly one offset: the working time
elapsed up to it, so a Saturday noon has the same offset as Friday 17:00 and Monday 08:00.
Going back from an offset needs to know what the instant is for:

* :meth:`WorkingTime.as_start` gives the instant the next working minute begins
  (offset ``k * minutes_per_day`` is 08:00 of working day ``k``);
* :meth:`WorkingTime.as_finish` gives the instant the previous working minute ends
  (the same offset is 17:00 of working day ``k - 1``).

So snapping a start forward to working time is ``as_start(to_offset(dt))`` and snapping a
finish backward is ``as_finish(to_offset(dt))``.

Inside the class time is also kept as *absolute minutes*: minutes since midnight of the
origin date, calendar-independent, used to carry an instant from one calendar to another.

Working days are precomputed lazily in both directions from the origin and extended on
demand, so a date decades away costs one extension, never an error.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from .model import CalendarSpec, ScheduleError

DAY_MINUTES = 1440
_FIRST_EXTENSION = 32


def _minute_of(t: time, *, is_end: bool) -> int:
    minutes = t.hour * 60 + t.minute
    return DAY_MINUTES if is_end and minutes == 0 else minutes  # an end at 00:00 means 24:00


def _working_bounds(spec: CalendarSpec) -> list[tuple[int, int]]:
    bounds = [(_minute_of(a, is_end=False), _minute_of(b, is_end=True)) for a, b in spec.intervals]
    previous_end = 0
    for start, end in sorted(bounds):
        if start >= end or start < previous_end:
            raise ScheduleError("bad_calendar", spec.key)
        previous_end = end
    if not bounds or not spec.weekdays or not spec.weekdays <= set(range(7)):
        raise ScheduleError("bad_calendar", spec.key)
    return sorted(bounds)


class WorkingTime:
    """Offsets, dates and working days of one calendar, counted from ``origin``."""

    def __init__(self, spec: CalendarSpec, origin: date, horizon_days: int = 0):
        self.spec = spec
        self.origin = origin
        self.known_until = spec.known_until
        self._origin_dt = datetime.combine(origin, time())
        bounds = _working_bounds(spec)
        self.minutes_per_day = sum(end - start for start, end in bounds)
        self._elapsed_at = self._elapsed_table(bounds)
        self._start_minute, self._finish_minute = self._minute_tables(bounds)
        # Day d (days since origin) is working: _work_fwd[d] (d >= 0) / _work_back[-d - 1].
        # _before_fwd[d]: working days in [origin, d); _before_back[j]: minus those in [d, origin).
        # Working day of ordinal k: _days_fwd[k] (k >= 0) / _days_back[-k - 1].
        self._work_fwd: list[bool] = []
        self._work_back: list[bool] = []
        self._before_fwd: list[int] = [0]
        self._before_back: list[int] = []
        self._days_fwd: list[int] = []
        self._days_back: list[int] = []
        self._start_cache: dict[int, datetime] = {}
        self._finish_cache: dict[int, datetime] = {}
        # Days (from the origin) a datetime can reach, a week short of the ends for safety.
        self._lowest_day = (date.min - origin).days + 7
        self._highest_day = (date.max - origin).days - 7
        self._extend_forward(max(horizon_days, _FIRST_EXTENSION))

    # --- tables -------------------------------------------------------------------------

    def _elapsed_table(self, bounds: list[tuple[int, int]]) -> list[int]:
        """Working minutes of a working day elapsed at each minute 0..1440 of it."""
        table: list[int] = []
        elapsed = 0
        for start, end in bounds:
            table.extend([elapsed] * (start - len(table)))  # the break before the interval
            table.extend(range(elapsed, elapsed + end - start))
            elapsed += end - start
        table.extend([elapsed] * (DAY_MINUTES + 1 - len(table)))
        return table

    def _minute_tables(self, bounds: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
        """Minute of the day where working minute r begins, and where minute r - 1 ends."""
        starts: list[int] = []
        finishes: list[int] = [bounds[0][0]]
        for start, end in bounds:
            starts.extend(range(start, end))
            finishes.extend(range(start + 1, end + 1))
        return starts, finishes

    def is_working_day(self, day: date) -> bool:
        spec = self.spec
        if day in spec.extra_workdays:
            return True
        return day.weekday() in spec.weekdays and day not in spec.holidays

    def _extend_forward(self, days: int) -> None:
        first = len(self._work_fwd)
        before = self._before_fwd[-1]
        for d in range(first, min(first + days, self._highest_day + 1)):
            working = self.is_working_day(self.origin + timedelta(days=d))
            self._work_fwd.append(working)
            if working:
                self._days_fwd.append(d)
                before += 1
            self._before_fwd.append(before)

    def _extend_backward(self, days: int) -> None:
        first = len(self._work_back)
        before = self._before_back[-1] if self._before_back else 0
        for j in range(first, min(first + days, -self._lowest_day)):
            d = -j - 1
            working = self.is_working_day(self.origin + timedelta(days=d))
            self._work_back.append(working)
            if working:
                self._days_back.append(d)
                before -= 1
            self._before_back.append(before)

    def _grow_forward(self) -> None:
        """Double the days known after the origin; none left: out of datetime's range."""
        known = len(self._work_fwd)
        self._extend_forward(known)
        if len(self._work_fwd) == known:
            raise ScheduleError("date_out_of_range", self.spec.key)

    def _grow_backward(self) -> None:
        known = len(self._work_back)
        self._extend_backward(max(known, _FIRST_EXTENSION))
        if len(self._work_back) == known:
            raise ScheduleError("date_out_of_range", self.spec.key)

    def _days_before(self, d: int) -> int:
        """Working days in [origin, d) (negative: minus those in [d, origin))."""
        if not self._lowest_day < d < self._highest_day:
            raise ScheduleError("date_out_of_range", self.spec.key)
        if d >= 0:
            while d >= len(self._work_fwd):
                self._grow_forward()
            return self._before_fwd[d]
        j = -d - 1
        while j >= len(self._work_back):
            self._grow_backward()
        return self._before_back[j]

    def _is_working(self, d: int) -> bool:
        self._days_before(d)  # makes sure the day is in the tables
        return self._work_fwd[d] if d >= 0 else self._work_back[-d - 1]

    def _day_of_ordinal(self, k: int) -> int:
        if not self._lowest_day < k < self._highest_day:  # a working day a day at least
            raise ScheduleError("date_out_of_range", self.spec.key)
        if k >= 0:
            while k >= len(self._days_fwd):
                self._grow_forward()
            return self._days_fwd[k]
        j = -k - 1
        while j >= len(self._days_back):
            self._grow_backward()
        return self._days_back[j]

    # --- absolute minutes ---------------------------------------------------------------

    def offset_of_abs(self, minutes: int) -> int:
        d, minute = divmod(minutes, DAY_MINUTES)
        ordinal = self._days_before(d)
        if self._is_working(d):
            return ordinal * self.minutes_per_day + self._elapsed_at[minute]
        return ordinal * self.minutes_per_day

    def abs_of_start(self, offset: int) -> int:
        k, r = divmod(offset, self.minutes_per_day)
        return self._day_of_ordinal(k) * DAY_MINUTES + self._start_minute[r]

    def abs_of_finish(self, offset: int) -> int:
        k, r = divmod(offset, self.minutes_per_day)
        if r == 0:
            k -= 1
            r = self.minutes_per_day
        return self._day_of_ordinal(k) * DAY_MINUTES + self._finish_minute[r]

    # --- datetimes ----------------------------------------------------------------------

    def datetime_of_abs(self, minutes: int) -> datetime:
        return self._origin_dt + timedelta(minutes=minutes)

    def abs_of(self, moment: datetime) -> int:
        days = (moment.date() - self.origin).days
        return days * DAY_MINUTES + moment.hour * 60 + moment.minute

    def to_offset(self, moment: datetime) -> int:
        """Working minutes from the origin's working start to ``moment`` (seconds dropped)."""
        return self.offset_of_abs(self.abs_of(moment))

    def as_start(self, offset: int) -> datetime:
        """The instant work at ``offset`` begins: a day boundary is the next morning."""
        cached = self._start_cache.get(offset)
        if cached is None:
            cached = self.datetime_of_abs(self.abs_of_start(offset))
            self._start_cache[offset] = cached
        return cached

    def as_finish(self, offset: int) -> datetime:
        """The instant work up to ``offset`` ends: a day boundary is the previous evening."""
        cached = self._finish_cache.get(offset)
        if cached is None:
            cached = self.datetime_of_abs(self.abs_of_finish(offset))
            self._finish_cache[offset] = cached
        return cached

    def as_starts(self, offsets: list[int]) -> list[datetime]:
        """``as_start`` of many offsets, converting each distinct offset once."""
        return list(map(self.start_table().__getitem__, offsets))

    def as_finishes(self, offsets: list[int]) -> list[datetime]:
        return list(map(self.finish_table().__getitem__, offsets))

    def start_table(self) -> dict[int, datetime]:
        """A dict offset -> ``as_start(offset)`` that fills itself on first lookup."""
        return _Memo(self.as_start)

    def finish_table(self) -> dict[int, datetime]:
        return _Memo(self.as_finish)

    def snap_start(self, moment: datetime) -> datetime:
        return self.as_start(self.to_offset(moment))

    def snap_finish(self, moment: datetime) -> datetime:
        return self.as_finish(self.to_offset(moment))

    def is_beyond_known(self, moment: datetime) -> bool:
        return self.known_until is not None and moment.date() > self.known_until

    def day_start(self, day: date) -> datetime:
        """When work begins on ``day`` (a start date given as a plain date)."""
        return datetime.combine(day, time()) + timedelta(minutes=self._start_minute[0])

    def day_end(self, day: date) -> datetime:
        """When work ends on ``day`` (a finish date given as a plain date)."""
        return datetime.combine(day, time()) + timedelta(minutes=self._finish_minute[-1])

    # --- dates --------------------------------------------------------------------------

    def working_days_between(self, first: date, last: date) -> int:
        """Working days in [first, last): ``last`` excluded, negative when last < first.

        Inclusive counting (a task from Monday to Friday takes 5 days) is
        ``working_days_between(first, last + timedelta(days=1))``.
        """
        return self._days_before((last - self.origin).days) - self._days_before(
            (first - self.origin).days
        )

    def add_working_days(self, day: date, n: int) -> date:
        """The working day ``n`` working days after ``day`` (before it when n < 0).

        ``n == 0`` gives ``day`` itself when it is a working day, else the next working
        day. From a day off, +1 is the first working day after it and -1 the last before.
        """
        d = (day - self.origin).days
        ordinal = self._days_before(d)  # ordinal of the first working day on or after day
        if n > 0 and not self._is_working(d):
            n -= 1
        target = self._day_of_ordinal(ordinal + n)
        return self.origin + timedelta(days=target)

    def next_working_day(self, day: date) -> date:
        return self.add_working_days(day, 0)


class _Memo(dict[int, datetime]):
    """Looking a key up computes and keeps it: a C-speed cache for ``map``."""

    def __init__(self, compute: Callable[[int], datetime]):
        super().__init__()
        self._compute = compute

    def __missing__(self, offset: int) -> datetime:
        value = self[offset] = self._compute(offset)
        return value
