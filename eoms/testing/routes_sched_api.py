"""The route walker's view of the scheduling API (read by eoms/testing/routes_scheduling.py):
which model decides each operation and which object of the world's schedule fills it,
plus bulk makers of tasks and calendars for the query-count test."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from django.db import models

from eoms.core.context import Channel, acting
from eoms.masterdata.models import Project, ProjectMember
from eoms.scheduling import services_plan
from eoms.scheduling.models import (
    Baseline,
    CalendarException,
    Schedule,
    Task,
    TaskLink,
    WorkCalendar,
)
from eoms.scheduling.policies import PLAN, PROGRESS

API = "/api/v1/scheduling"
_serial = itertools.count(1)


def _plan(w: Any) -> Any:
    from eoms.testing.routes_scheduling import world_schedule  # it imports this module

    return world_schedule(w)


def _order_kwargs(obj: Any) -> dict[str, Any]:
    return {"order": obj.order_id}


def _baseline(w: Any) -> Baseline:
    plan = _plan(w)
    with acting(Channel.TEST):
        return services_plan.save_baseline(plan.order, actor=w.manager,
                                           name=f"巡检基线{next(_serial):05d}")


def _exception(w: Any) -> CalendarException:
    plan = _plan(w)
    with acting(Channel.TEST):
        return services_plan.set_exception(plan.calendar, actor=w.manager,
                                           day=date(2026, 6, 16), kind="holiday",
                                           name="巡检休息日")


def _pour_link(w: Any) -> TaskLink:
    plan = _plan(w)
    return TaskLink.objects.get(predecessor=plan.pour, successor=plan.cure)


def _task_targets(target: Any) -> list[tuple[str, Any]]:
    pour = lambda w: _plan(w).pour  # noqa: E731
    return [
        (f"GET {API}/tasks", target(model=Task, obj=lambda w: _plan(w).other_task)),
        (f"POST {API}/tasks", target(
            model=Task, acts_on=lambda w, o: Task(order=_plan(w).order),
            body=lambda w, n: {"order": _plan(w).order.code, "name": f"巡检新任务{n:05d}",
                               "duration_days": 2})),
        (f"GET {API}/tasks/{{pk}}", target(model=Task, obj=pour)),
        (f"PATCH {API}/tasks/{{pk}}", target(model=Task, obj=lambda w: _plan(w).handover,
                                             body=lambda w, n: {"notes": f"巡检修改{n:05d}"})),
        (f"DELETE {API}/tasks/{{pk}}", target(model=Task, obj=lambda w: _plan(w).handover)),
        (f"POST {API}/tasks/{{pk}}/progress", target(
            model=Task, obj=pour, action=PROGRESS,
            body=lambda w, n: {"percent": 10 + n % 80})),
        (f"POST {API}/tasks/{{pk}}/move", target(
            model=Task, obj=lambda w: _plan(w).design, action=PLAN,
            body=lambda w, n: {"start": "2026-03-09"})),
        (f"GET {API}/tasks/{{pk}}/links", target(model=Task, obj=pour)),
        (f"POST {API}/links", target(
            model=TaskLink,
            acts_on=lambda w, o: TaskLink(predecessor=_plan(w).design,
                                          successor=_plan(w).handover),
            body=lambda w, n: {"predecessor": _plan(w).design.pk,
                               "successor": _plan(w).handover.pk, "type": "FS",
                               "lag_days": n % 3})),
        (f"PATCH {API}/links/{{pk}}", target(model=TaskLink, obj=_pour_link,
                                             body=lambda w, n: {"lag_days": 2 + n % 3})),
        (f"* {API}/links/{{pk}}", target(model=TaskLink, obj=_pour_link)),
    ]


def _order_targets(target: Any) -> list[tuple[str, Any]]:
    schedule = lambda w: _plan(w).schedule  # noqa: E731
    return [
        (f"PATCH {API}/orders/{{order}}/schedule", target(
            model=Schedule, obj=schedule, kwargs=_order_kwargs,
            body=lambda w, n: {"status_date": str(date(2026, 3, 2) + timedelta(n % 20))})),
        (f"POST {API}/orders/{{order}}/baselines", target(
            model=Baseline, obj=schedule, kwargs=_order_kwargs, action="add",
            acts_on=lambda w, s: Baseline(order=s.order),
            body=lambda w, n: {"name": f"巡检新基线{n:05d}"})),
        (f"GET {API}/orders/{{order}}/baselines", target(model=Baseline, obj=schedule,
                                                         kwargs=_order_kwargs)),
        (f"* {API}/orders/{{order}}/*", target(model=Schedule, obj=schedule,
                                               kwargs=_order_kwargs)),
        (f"* {API}/baselines/{{pk}}", target(model=Baseline, obj=_baseline)),
    ]


def _calendarless_project(w: Any) -> Project:
    """A project like the world's (same manager, customer and members), with no calendar."""
    with acting(Channel.TEST):
        project, made = Project.objects.get_or_create(
            code="PRJ-T003", defaults={"name": "浦东厂房二期", "customer": w.customer,
                                       "manager": w.pm, "city": "上海"})
        if made:
            for member in w.project.memberships.all():
                ProjectMember.objects.create(project=project, user=member.user)
    return project


def _calendar_targets(target: Any) -> list[tuple[str, Any]]:
    calendar = lambda w: _plan(w).calendar  # noqa: E731
    return [
        (f"GET {API}/calendars", target(model=WorkCalendar, obj=calendar)),
        # A project may have one calendar and the world's has one (its schedule's): a
        # second project of the same manager and members has none yet.
        (f"POST {API}/calendars", target(
            model=WorkCalendar,
            acts_on=lambda w, o: WorkCalendar(project=_calendarless_project(w)),
            body=lambda w, n: {"name": f"巡检日历{n:05d}",
                               "project": _calendarless_project(w).code})),
        (f"PATCH {API}/calendars/{{pk}}", target(
            model=WorkCalendar, obj=calendar, body=lambda w, n: {"name": f"巡检改名{n:05d}"})),
        (f"DELETE {API}/calendars/{{pk}}", target(model=WorkCalendar, obj=calendar,
                                                  fresh=calendar)),
        (f"PUT {API}/calendars/{{pk}}/exceptions/{{date}}", target(
            model=WorkCalendar, obj=calendar,
            kwargs=lambda c: {"pk": c.pk, "date": "2026-06-15"},
            body=lambda w, n: {"kind": "holiday", "name": f"巡检休息{n:05d}"})),
        (f"DELETE {API}/calendars/{{pk}}/exceptions/{{date}}", target(
            model=CalendarException, obj=_exception,
            kwargs=lambda e: {"pk": e.calendar_id, "date": e.date.isoformat()})),
        (f"* {API}/calendars/{{pk}}*", target(model=WorkCalendar, obj=calendar)),
    ]


def targets(target: Any) -> list[tuple[str, Any]]:
    return [*_task_targets(target), *_order_targets(target), *_calendar_targets(target)]


# --- bulk rows for the query-count test ------------------------------------------------------

def _tasks(world: Any, n: int, user: Any) -> list[models.Model]:
    """Tasks of the world's order owned by the world's worker (so he sees them too), at
    the head of the plan so that the first page shows them. ASCII names: the query-count
    test looks for them in the raw answer, where JSON escapes Chinese characters."""
    order = _plan(world).order
    return list(Task.objects.bulk_create([Task(
        order=order, name=f"BULK-TASK-{i:05d}", position=0, owner=world.worker,
        duration=480) for i in (next(_serial) for _ in range(n))]))


def _calendars(world: Any, n: int, user: Any) -> list[models.Model]:
    return list(WorkCalendar.objects.bulk_create([WorkCalendar(
        code=f"CAL-Q{i:05d}", name=f"批量日历{i:05d}") for i in (next(_serial)
                                                              for _ in range(n))]))


MAKERS: dict[type[models.Model], Any] = {Task: _tasks, WorkCalendar: _calendars}
