"""Run the engine over an order's tasks and write back what changed.

One read of tasks, links and calendars; one engine run; one bulk update of the rows
whose computed values changed (WBS codes, dates, floats, critical flag, roll-ups).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from eoms.orders.models import Order
from eoms.scheduling import calendars
from eoms.scheduling.choices import Constraint
from eoms.scheduling.engine import cpm
from eoms.scheduling.engine.model import (
    CalendarSpec,
    LinkSpec,
    LinkType,
    ScheduleResult,
    ScheduleSpec,
    TaskSpec,
)
from eoms.scheduling.engine.model import Constraint as EngineConstraint
from eoms.scheduling.models import COMPUTED_FIELDS, Schedule, Task, TaskLink, WorkCalendar

FINISH_CONSTRAINTS = {Constraint.FNET, Constraint.FNLT, Constraint.MFO}


@dataclass
class Network:
    """An order's schedule as the engine sees it, with the rows it came from."""

    schedule: Schedule
    tasks: list[Task]
    links: list[TaskLink]
    spec: ScheduleSpec
    calendar_rows: dict[Any, WorkCalendar | None] = field(default_factory=dict)


def _day_start(spec: CalendarSpec, day: date) -> datetime:
    return datetime.combine(day, spec.intervals[0][0] if spec.intervals else time(8))


def _day_end(spec: CalendarSpec, day: date) -> datetime:
    return datetime.combine(day, spec.intervals[-1][1] if spec.intervals else time(17))


def _crew_calendars(tasks: list[Task]) -> dict[int, WorkCalendar]:
    crew_ids = {t.crew_id for t in tasks if t.crew_id}
    if not crew_ids:
        return {}
    rows = WorkCalendar.objects.filter(crew_id__in=crew_ids).prefetch_related("exceptions")
    return {row.crew_id: row for row in rows if row.crew_id is not None}


def _task_spec(task: Task, cal: CalendarSpec, calendar_key: Any) -> TaskSpec:
    constraint_date = None
    if task.constraint_date and task.constraint not in (Constraint.ASAP, Constraint.ALAP):
        at_end = task.constraint in FINISH_CONSTRAINTS
        constraint_date = (_day_end if at_end else _day_start)(cal, task.constraint_date)
    return TaskSpec(
        key=task.pk, duration=0 if task.milestone and not task.duration else task.duration,
        parent=task.parent_id, calendar=calendar_key,
        constraint=EngineConstraint(task.constraint), constraint_date=constraint_date,
        actual_start=_day_start(cal, task.actual_start) if task.actual_start else None,
        actual_finish=_day_end(cal, task.actual_finish) if task.actual_finish else None,
        percent_complete=float(task.percent_complete), milestone=bool(task.milestone))


def build_network(order: Order) -> Network:
    schedule = Schedule.objects.select_related("calendar").get(order=order)
    tasks = list(Task.objects.filter(order=order).order_by("position", "pk"))
    # A fixed link order (by task positions, not row ids) makes ties between equally
    # driving links break the same way on every database and after an export/import.
    links = list(TaskLink.objects.filter(successor__order=order).order_by(
        "predecessor__position", "successor__position", "link_type", "pk"))
    default_row = schedule.calendar or calendars.project_calendar(order.project_id)
    if default_row is not None and schedule.calendar is not None:
        default_row = (WorkCalendar.objects.prefetch_related("exceptions")
                       .get(pk=default_row.pk))
    rows: dict[Any, WorkCalendar | None] = {"default": default_row}
    specs: dict[Any, CalendarSpec] = {"default": calendars.to_spec(default_row)}
    crews = _crew_calendars(tasks)
    explicit = {t.calendar_id for t in tasks if t.calendar_id}
    for row in WorkCalendar.objects.filter(pk__in=explicit).prefetch_related("exceptions"):
        rows[row.pk] = row
    for row in [*crews.values(), *(r for r in rows.values() if r is not None)]:
        if row.pk not in specs:
            rows[row.pk] = row
            specs[row.pk] = calendars.to_spec(row)
    task_specs = []
    for task in tasks:
        key = task.calendar_id or (crews[task.crew_id].pk if task.crew_id in crews else "default")
        task_specs.append(_task_spec(task, specs[key], key))
    link_specs = [LinkSpec(predecessor=link.predecessor_id, successor=link.successor_id,
                           type=LinkType(link.link_type), lag=link.lag) for link in links]
    specs_by_key = {k: CalendarSpec(**{**v.__dict__, "key": k}) for k, v in specs.items()}
    start = _day_start(specs["default"], schedule.start)
    status = _day_start(specs["default"], schedule.status_date) if schedule.status_date else None
    spec = ScheduleSpec(start=start, calendars=specs_by_key, default_calendar="default",
                        tasks=task_specs, links=link_specs, status_date=status)
    return Network(schedule, tasks, links, spec, rows)


def _wbs_codes(tasks: list[Task]) -> dict[int, str]:
    children: dict[int | None, list[Task]] = defaultdict(list)
    for task in tasks:
        children[task.parent_id].append(task)
    codes: dict[int, str] = {}
    stack: list[tuple[int | None, str]] = [(None, "")]
    while stack:
        parent, prefix = stack.pop()
        for number, task in enumerate(children.get(parent, []), start=1):
            codes[task.pk] = f"{prefix}{number}"
            stack.append((task.pk, f"{prefix}{number}."))
    return codes


def _rollups(tasks: list[Task]) -> dict[int, tuple[int, Decimal]]:
    """(percent complete weighted by duration, summed planned cost) per task."""
    by_parent: dict[int | None, list[Task]] = defaultdict(list)
    for task in tasks:
        by_parent[task.parent_id].append(task)
    out: dict[int, tuple[int, Decimal, int]] = {}

    def visit(task: Task) -> tuple[int, Decimal, int]:
        kids = by_parent.get(task.pk)
        if not kids:
            out[task.pk] = (task.percent_complete, task.planned_cost, task.duration)
            return out[task.pk]
        parts = [visit(kid) for kid in kids]
        weight = sum(p[2] for p in parts)
        percent = (round(sum(p[0] * p[2] for p in parts) / weight) if weight
                   else round(sum(p[0] for p in parts) / len(parts)))
        out[task.pk] = (percent, sum((p[1] for p in parts), Decimal(0)), weight)
        return out[task.pk]

    for root in by_parent.get(None, []):
        visit(root)
    return {pk: (v[0], v[1]) for pk, v in out.items()}


def _computed(task: Task, result: ScheduleResult, wbs: dict[int, str],
              rollups: dict[int, tuple[int, Decimal]]) -> dict[str, Any]:
    row = result.tasks[task.pk]
    percent, cost = rollups.get(task.pk, (task.percent_complete, task.planned_cost))
    return {
        "early_start": row.early_start.date(), "early_finish": row.early_finish.date(),
        "late_start": row.late_start.date(), "late_finish": row.late_finish.date(),
        "total_float": row.total_float, "free_float": row.free_float,
        "critical": row.critical, "is_summary": row.is_summary, "wbs": wbs.get(task.pk, ""),
        "rollup_percent": percent, "rollup_cost": cost,
    }


def _write_computed(tasks: list[Task]) -> None:
    """One prepared UPDATE run for every changed row (bulk_update's CASE expressions are
    two orders of magnitude slower at thousands of rows)."""
    by_name = {f.name: f for f in Task._meta.concrete_fields}
    fields = [by_name[name] for name in COMPUTED_FIELDS]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    # Identifiers come from the model's metadata; every value is a parameter.
    sql = f"UPDATE {quote(Task._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"  # noqa: S608
    rows = [[f.get_db_prep_save(getattr(task, f.attname), connection) for f in fields]
            + [task.pk] for task in tasks]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def recompute(order: Order) -> ScheduleResult:
    """Schedule the order again and store what changed. Raises the engine's CycleError
    or ScheduleError when the network cannot be scheduled (callers refuse the change)."""
    network = build_network(order)
    result = cpm.schedule(network.spec)
    wbs = _wbs_codes(network.tasks)
    rollups = _rollups(network.tasks)
    changed = []
    for task in network.tasks:
        values = _computed(task, result, wbs, rollups)
        if any(getattr(task, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(task, name, value)
            changed.append(task)
    if changed:
        _write_computed(changed)
    warnings = [[str(key) if key is not None else None, code]
                for key, code in result.warnings]
    warnings += [[None, f"calendar_no_data:{year}"]
                 for year in _years_without_data(network, result)]
    Schedule.objects.filter(pk=network.schedule.pk).update(
        finish=result.finish.date() if network.tasks else None,
        computed_at=timezone.now(), warnings=warnings)
    return result


def _years_without_data(network: Network, result: ScheduleResult) -> list[int]:
    if not result.tasks:
        return []
    first = min(r.early_start for r in result.tasks.values()).date()
    last = max(r.late_finish for r in result.tasks.values()).date()
    years: set[int] = set()
    for row in network.calendar_rows.values():
        if row is not None:
            years.update(calendars.years_without_data(row, first, last))
    return sorted(years)
