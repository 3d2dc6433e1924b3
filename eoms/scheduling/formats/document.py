"""The neutral schedule document every reader returns and every writer takes.

Plain data, no Django. Times of day are minutes after midnight (0..1440, so a shift that
ends at midnight ends at 1440). Durations, lags and float are working minutes unless a
field says otherwise. Datetimes are naive, local to the project, as the file gives them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from eoms.scheduling.engine.model import Constraint, LinkType

Interval = tuple[int, int]  # (from, to) minutes after midnight, to <= 1440
DayHours = tuple[Interval, ...]  # empty: not a working day

SOURCE_MSPDI = "mspdi"
SOURCE_XER = "xer"
SOURCE_P6XML = "p6xml"

LAG_WORKING = "working"
LAG_ELAPSED = "elapsed"
LAG_PERCENT = "percent"


@dataclass
class FormatWarning:
    """Something a reader skipped or could only approximate.

    Codes: ``null_task``, ``external_link``, ``elapsed_lag``, ``percent_lag``,
    ``elapsed_duration``, ``unsupported_constraint``, ``unknown_link_target``,
    ``unknown_calendar``, ``calendar_detail``, ``duplicate_link``, ``bad_value`` ...
    """

    code: str
    external_id: str | None = None
    detail: str = ""


@dataclass
class CalendarException:
    day: date
    hours: DayHours = ()  # empty: a non-working day; else the working time of that day
    name: str = ""

    @property
    def working(self) -> bool:
        return bool(self.hours)


@dataclass
class CalendarDoc:
    """A calendar as the file defines it.

    ``week`` maps a weekday (Monday = 0) to its working hours; a weekday missing from it
    takes the base (parent) calendar's hours. Exceptions override the week for one date,
    and a calendar's own exceptions override its parent's.
    """

    id: str
    name: str = ""
    parent_id: str | None = None
    week: dict[int, DayHours] = field(default_factory=dict)
    exceptions: list[CalendarException] = field(default_factory=list)
    is_base: bool = True


@dataclass
class ResolvedCalendar:
    """A calendar with its inheritance applied: seven weekdays, exceptions by date."""

    id: str
    name: str
    week: dict[int, DayHours]
    exceptions: dict[date, DayHours]

    def hours_on(self, day: date) -> DayHours:
        if day in self.exceptions:
            return self.exceptions[day]
        return self.week.get(day.weekday(), ())

    def minutes_on(self, day: date) -> int:
        return sum(end - start for start, end in self.hours_on(day))

    def usual_hours(self) -> DayHours:
        """The working hours most working weekdays share (ties: the earliest weekday)."""
        days = [self.week[d] for d in range(7) if self.week.get(d)]
        if not days:
            return ()
        counts = Counter(days)
        best = max(counts.values())
        return next(hours for hours in days if counts[hours] == best)


@dataclass
class ProjectInfo:
    name: str = ""
    external_id: str = ""  # MSPDI GUID/UID, P6 project id or short name
    start: datetime | None = None
    finish: datetime | None = None
    status_date: datetime | None = None  # MSPDI StatusDate, P6 data date
    minutes_per_day: int = 480
    minutes_per_week: int = 2400
    default_calendar_id: str | None = None
    source_format: str = ""
    encoding: str = ""  # the text encoding the reader decided on (XER only)
    # Scheduling options as the file states them, e.g. lag_calendar = predecessor |
    # successor | 24h | project, retained_logic = Y/N, progress_override = Y/N.
    options: dict[str, str] = field(default_factory=dict)


@dataclass
class TaskDoc:
    external_id: str  # MSPDI UID, P6 activity code, "WBS:<code path>" for P6 WBS nodes
    name: str = ""
    wbs: str = ""  # WBS code or outline number as the file shows it
    parent_id: str | None = None
    is_summary: bool = False
    is_milestone: bool = False
    duration: int = 0  # working minutes (planned / at completion)
    remaining_duration: int | None = None  # working minutes left, when the file says
    constraint: Constraint = Constraint.ASAP
    constraint_date: datetime | None = None
    actual_start: datetime | None = None
    actual_finish: datetime | None = None
    percent_complete: float = 0.0  # 0..100
    calendar_id: str | None = None  # None: the project's default calendar
    # The file's own computed dates, kept for comparison with EOMS.
    file_start: datetime | None = None
    file_finish: datetime | None = None
    file_early_start: datetime | None = None
    file_early_finish: datetime | None = None
    file_late_start: datetime | None = None
    file_late_finish: datetime | None = None
    file_total_float: int | None = None  # working minutes
    baseline_start: datetime | None = None
    baseline_finish: datetime | None = None
    baseline_duration: int | None = None
    leveling_delay: int = 0  # MSPDI LevelingDelay, minutes (tenths dropped)
    notes: str = ""

    @property
    def has_actuals(self) -> bool:
        return self.actual_start is not None or self.actual_finish is not None

    @property
    def compare_start(self) -> datetime | None:
        """The file's CPM early start, or its scheduled start when it has none."""
        return self.file_early_start or self.file_start

    @property
    def compare_finish(self) -> datetime | None:
        return self.file_early_finish or self.file_finish


@dataclass
class LinkDoc:
    predecessor_id: str
    successor_id: str
    type: LinkType = LinkType.FS
    lag: int = 0  # minutes: working minutes, or elapsed minutes when lag_kind is elapsed
    lag_kind: str = LAG_WORKING  # working | elapsed | percent
    lag_percent: float | None = None  # percent of the predecessor's duration

    @property
    def supported(self) -> bool:
        return self.lag_kind == LAG_WORKING


@dataclass
class ScheduleDocument:
    project: ProjectInfo = field(default_factory=ProjectInfo)
    calendars: list[CalendarDoc] = field(default_factory=list)
    tasks: list[TaskDoc] = field(default_factory=list)
    links: list[LinkDoc] = field(default_factory=list)
    warnings: list[FormatWarning] = field(default_factory=list)

    def warn(self, code: str, external_id: str | None = None, detail: str = "") -> None:
        self.warnings.append(FormatWarning(code, external_id, detail))

    def task(self, external_id: str) -> TaskDoc | None:
        return self.task_map().get(external_id)

    def task_map(self) -> dict[str, TaskDoc]:
        return {t.external_id: t for t in self.tasks}

    def calendar(self, calendar_id: str | None) -> CalendarDoc | None:
        return next((c for c in self.calendars if c.id == calendar_id), None)

    def warning_codes(self, external_id: str) -> set[str]:
        return {w.code for w in self.warnings if w.external_id == external_id}

    def resolve_calendar(self, calendar_id: str | None) -> ResolvedCalendar:
        """The calendar with its base calendars applied; the default one for ``None``,
        a standard Monday-Friday 8-12 13-17 week when the file has no such calendar."""
        cal = self.calendar(calendar_id or self.project.default_calendar_id)
        if cal is None:
            return ResolvedCalendar("", "", dict(STANDARD_WEEK), {})
        chain: list[CalendarDoc] = []
        while cal is not None and cal not in chain:
            chain.append(cal)
            cal = self.calendar(cal.parent_id) if cal.parent_id else None
        week: dict[int, DayHours] = {}
        exceptions: dict[date, DayHours] = {}
        for link in reversed(chain):  # base first, so the derived calendar wins
            week.update(link.week)
            exceptions.update({e.day: e.hours for e in link.exceptions})
        for day in range(7):
            week.setdefault(day, STANDARD_WEEK[day])
        return ResolvedCalendar(chain[0].id, chain[0].name, week, exceptions)


STANDARD_HOURS: DayHours = ((480, 720), (780, 1020))
STANDARD_WEEK: dict[int, DayHours] = {d: STANDARD_HOURS if d < 5 else () for d in range(7)}


def children_of(document: ScheduleDocument) -> dict[str, list[str]]:
    """Parent external id -> its children's ids, in document order."""
    children: dict[str, list[str]] = {}
    for task in document.tasks:
        if task.parent_id is not None:
            children.setdefault(task.parent_id, []).append(task.external_id)
    return children


def format_minutes(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
