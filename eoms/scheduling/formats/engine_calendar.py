"""File calendars as engine calendars.

The engine gives every working day the same hours. A file calendar whose hours differ per
weekday gets its most common hours; :func:`calendar_losses` names the weekdays and dates
that this misrepresents, so a comparison can tell a calendar difference from a bug.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from eoms.scheduling.engine.model import CalendarSpec

from .document import STANDARD_HOURS, DayHours, ResolvedCalendar, format_minutes


@dataclass
class CalendarLosses:
    """What the engine's one-hours-for-all-days calendar gets wrong."""

    usual: DayHours = ()
    weekdays: set[int] = field(default_factory=set)  # working, with other hours
    dates: set[date] = field(default_factory=set)  # exceptions with other hours

    @property
    def any(self) -> bool:
        return bool(self.weekdays or self.dates)

    def touches(self, first: date, last: date) -> bool:
        if any(first <= d <= last for d in self.dates):
            return True
        days = min((last - first).days + 1, 7)
        return any((first + timedelta(days=i)).weekday() in self.weekdays for i in range(days))


def calendar_losses(cal: ResolvedCalendar) -> CalendarLosses:
    usual = cal.usual_hours() or STANDARD_HOURS
    working = {d for d in range(7) if cal.week.get(d)}
    return CalendarLosses(
        usual=usual,
        weekdays={d for d in working if cal.week[d] != usual},
        dates={day for day, hours in cal.exceptions.items() if hours and hours != usual},
    )


def _clock(minutes: int) -> time:
    return time((minutes // 60) % 24, minutes % 60)  # 24:00 -> 00:00, the engine's midnight


def calendar_spec(cal: ResolvedCalendar, key: str | None = None) -> tuple[CalendarSpec, str]:
    """The engine calendar closest to ``cal`` and, when it is not exact, why (else '')."""
    losses = calendar_losses(cal)
    weekdays = frozenset(d for d in range(7) if cal.week.get(d))
    notes = []
    if not weekdays:
        weekdays = frozenset(range(5))
        notes.append("no working weekday; Monday-Friday used")
    if losses.weekdays:
        days = ",".join(str(d) for d in sorted(losses.weekdays))
        usual = " ".join(f"{format_minutes(s)}-{format_minutes(e)}" for s, e in losses.usual)
        notes.append(f"weekdays {days} have other hours than {usual}")
    if losses.dates:
        notes.append(f"{len(losses.dates)} exception dates with other hours")
    spec = CalendarSpec(
        key=key if key is not None else cal.id,
        weekdays=weekdays,
        holidays=frozenset(d for d, h in cal.exceptions.items()
                           if not h and d.weekday() in weekdays),
        extra_workdays=frozenset(d for d, h in cal.exceptions.items()
                                 if h and d.weekday() not in weekdays),
        intervals=tuple((_clock(s), _clock(e)) for s, e in losses.usual),
    )
    return spec, "; ".join(notes)
