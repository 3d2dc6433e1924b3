"""The engine's inputs and outputs: plain data, no Django.

Time inside the engine is *working time*: an integer count of working minutes on a
calendar. Durations and lags are working minutes; dates cross the boundary as
``datetime`` (naive, local to the project) and are converted by :mod:`.calendar`.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import NamedTuple

Key = Hashable

DEFAULT_INTERVALS: tuple[tuple[time, time], ...] = ((time(8), time(12)), (time(13), time(17)))


class LinkType(StrEnum):
    FS = "FS"
    SS = "SS"
    FF = "FF"
    SF = "SF"


class Constraint(StrEnum):
    ASAP = "ASAP"  # as soon as possible
    ALAP = "ALAP"  # as late as possible
    SNET = "SNET"  # start no earlier than
    SNLT = "SNLT"  # start no later than
    FNET = "FNET"  # finish no earlier than
    FNLT = "FNLT"  # finish no later than
    MSO = "MSO"  # must start on
    MFO = "MFO"  # must finish on


@dataclass(frozen=True)
class CalendarSpec:
    """A working calendar.

    A date is a working day when it is in ``extra_workdays`` (调休 make-up days), or its
    weekday (Monday = 0) is in ``weekdays`` and it is not in ``holidays``.
    Every working day has the same working ``intervals``.
    ``known_until``: the last date whose statutory holidays are known (None: unlimited).
    """

    key: Key
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    holidays: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()
    intervals: tuple[tuple[time, time], ...] = DEFAULT_INTERVALS
    known_until: date | None = None


@dataclass
class TaskSpec:
    key: Key
    duration: int = 0  # working minutes; ignored for summary tasks
    parent: Key | None = None  # WBS parent; a task with children is a summary task
    calendar: Key | None = None  # None: the schedule's default calendar
    constraint: Constraint = Constraint.ASAP
    constraint_date: datetime | None = None
    actual_start: datetime | None = None
    actual_finish: datetime | None = None
    percent_complete: float = 0.0  # 0..100
    milestone: bool = False  # shown as a diamond; duration is 0 unless given


class LinkSpec(NamedTuple):
    """A tuple, so that the engine reads 20k links with one ``zip(*links)``."""

    predecessor: Key
    successor: Key
    type: LinkType = LinkType.FS
    lag: int = 0  # working minutes, negative = lead; counted on the successor's calendar


@dataclass
class ScheduleSpec:
    start: datetime  # project start: nothing starts before it unless it has actuals
    calendars: dict[Key, CalendarSpec]
    default_calendar: Key
    tasks: list[TaskSpec]
    links: list[LinkSpec] = field(default_factory=list)
    status_date: datetime | None = None  # remaining work of started tasks begins here
    # a project deadline for the backward pass; without one the late dates end at the early finish
    finish: datetime | None = None


class TaskResult(NamedTuple):
    """A tuple: the engine makes ten thousand of them at C speed (see .results)."""

    key: Key
    early_start: datetime
    early_finish: datetime
    late_start: datetime
    late_finish: datetime
    total_float: int  # working minutes on the task's calendar; negative = behind
    free_float: int
    critical: bool
    is_summary: bool = False


@dataclass
class ScheduleResult:
    tasks: Mapping[Key, TaskResult]
    critical_path: list[Key]  # ordered, predecessor first
    finish: datetime
    warnings: list[tuple[Key | None, str]] = field(default_factory=list)  # (task, code)


class CycleError(ValueError):
    """The links close a loop; ``cycle`` lists the task keys in order, first repeated last."""

    def __init__(self, cycle: list[Key]):
        super().__init__(" → ".join(str(k) for k in cycle))
        self.cycle = cycle


class ScheduleError(ValueError):
    """The input cannot be scheduled (unknown task in a link, bad calendar ...)."""

    def __init__(self, code: str, key: Key | None = None):
        super().__init__(f"{code}: {key}" if key is not None else code)
        self.code = code
        self.key = key
