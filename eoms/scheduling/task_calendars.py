"""The work calendar of many tasks at once, in two queries (calendars and their exceptions).

A task works on its own calendar, else its crew's, else its schedule's, else its project's,
else the company default — the same order as the recompute (recompute.build_network).
Callers pass tasks loaded with `select_related("order__schedule")`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q

from eoms.scheduling import calendars
from eoms.scheduling.engine.model import CalendarSpec
from eoms.scheduling.models import Task, WorkCalendar

DEFAULT_MINUTES_PER_DAY = 480


def _schedule_calendar_id(task: Task) -> int | None:
    try:
        return task.order.schedule.calendar_id  # type: ignore[attr-defined, no-any-return]
    except ObjectDoesNotExist:
        return None


def _rows(tasks: list[Task]) -> list[WorkCalendar]:
    ids = {t.calendar_id for t in tasks if t.calendar_id}
    ids |= {pk for pk in (_schedule_calendar_id(t) for t in tasks) if pk}
    crews = {t.crew_id for t in tasks if t.crew_id}
    projects = {t.order.project_id for t in tasks}
    wanted = (Q(pk__in=ids) | Q(crew_id__in=crews) | Q(project_id__in=projects, crew=None)
              | Q(is_default=True))
    return list(WorkCalendar.objects.filter(wanted).prefetch_related("exceptions"))


def calendars_for(tasks: Iterable[Task]) -> dict[int, WorkCalendar | None]:
    """task pk → the calendar it works on (None: no calendar set up anywhere)."""
    tasks = list(tasks)
    if not tasks:
        return {}
    rows = _rows(tasks)
    by_pk = {row.pk: row for row in rows}
    by_crew = {row.crew_id: row for row in rows if row.crew_id}
    by_project = {row.project_id: row for row in rows if row.project_id and not row.crew_id}
    default = next((row for row in rows if row.is_default), None)
    found: dict[int, WorkCalendar | None] = {}
    for task in tasks:
        schedule_calendar = _schedule_calendar_id(task)
        found[task.pk] = (by_pk.get(task.calendar_id or 0) or by_crew.get(task.crew_id or 0)
                          or by_pk.get(schedule_calendar or 0)
                          or by_project.get(task.order.project_id) or default)
    return found


class SpecCache:
    """Engine calendars made once per calendar row (None: the statutory default)."""

    def __init__(self) -> None:
        self._specs: dict[Any, CalendarSpec] = {}

    def spec(self, row: WorkCalendar | None) -> CalendarSpec:
        key = row.pk if row is not None else None
        if key not in self._specs:
            self._specs[key] = calendars.to_spec(row)
        return self._specs[key]


def minutes_per_day(row: WorkCalendar | None) -> int:
    return row.minutes_per_day if row is not None else DEFAULT_MINUTES_PER_DAY


def float_days(task: Task, row: WorkCalendar | None) -> float:
    """The task's total float in working days of its calendar (one decimal)."""
    return round(task.total_float / minutes_per_day(row), 1)


def format_days(value: float) -> str:
    return f"{value:g}"
