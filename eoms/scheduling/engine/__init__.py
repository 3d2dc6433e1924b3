"""Pure-Python CPM and working-time arithmetic (no Django, stdlib only)."""

from .calendar import WorkingTime
from .cpm import find_cycle_if_added, schedule
from .model import (
    CalendarSpec,
    Constraint,
    CycleError,
    LinkSpec,
    LinkType,
    ScheduleError,
    ScheduleResult,
    ScheduleSpec,
    TaskResult,
    TaskSpec,
)

__all__ = [
    "CalendarSpec",
    "Constraint",
    "CycleError",
    "LinkSpec",
    "LinkType",
    "ScheduleError",
    "ScheduleResult",
    "ScheduleSpec",
    "TaskResult",
    "TaskSpec",
    "WorkingTime",
    "find_cycle_if_added",
    "schedule",
]
