"""The route walker's view of the schedule pages (eoms/scheduling/urls_pages.py), read by
eoms/testing/routes_scheduling.py: the target of each route and bulk tasks for the
query-count test (tasks of the world's order owned by world.worker, so the administrator,
the project manager and the worker all see them)."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from django.db import models

from eoms.core.access import ADD, CHANGE, DELETE
from eoms.scheduling.models import Schedule, Task, TaskLink
from eoms.scheduling.policies import PLAN, PROGRESS

_serial = itertools.count(1)
FORM = ("GET", "POST")


def _plan(w: Any) -> Any:
    from eoms.testing.routes_scheduling import world_schedule  # that module imports this one

    return world_schedule(w)


def _schedule(w: Any) -> Any:
    return _plan(w).schedule


def _order_kwargs(schedule: Any) -> dict[str, Any]:
    return {"order_pk": schedule.order_id}


def _pour_cure(w: Any) -> TaskLink:
    plan = _plan(w)
    return TaskLink.objects.get(predecessor=plan.pour, successor=plan.cure)


def _status_date(w: Any, n: int) -> dict[str, Any]:
    plan = _plan(w)
    day = plan.schedule.start + timedelta(days=n % 200 + 1)
    return {"status_date": day.isoformat()}


def targets(target: Any) -> list[tuple[str, Any]]:
    plan = _plan
    on_order: dict[str, Any] = {"model": Schedule, "obj": _schedule, "kwargs": _order_kwargs}
    return [
        ("scheduling:order_schedule", target(**on_order)),
        ("scheduling:schedule_settings", target(action=CHANGE, form=True, body=_status_date,
                                                **on_order)),
        ("scheduling:schedule_recompute", target(
            action=PLAN, **on_order,
            acts_on=lambda w, s: Task(order=s.order))),
        ("scheduling:task_create", target(
            model=Task, obj=lambda w: plan(w).order, action=ADD, form=True,
            kwargs=lambda o: {"order_pk": o.pk}, acts_on=lambda w, o: Task(order=o),
            body=lambda w, n: {"name": f"巡检新建任务{n:05d}", "duration_days": "2"})),
        ("scheduling:task_list", target(model=Task, obj=lambda w: plan(w).other_task)),
        ("scheduling:task_export", target(model=Task, obj=lambda w: plan(w).other_task)),
        ("scheduling:task_detail", target(model=Task, obj=lambda w: plan(w).pour)),
        ("scheduling:task_edit", target(model=Task, obj=lambda w: plan(w).pour, action=CHANGE,
                                        form=True,
                                        body=lambda w, n: {"notes": f"巡检修改{n:05d}"})),
        ("scheduling:task_delete", target(model=Task, obj=lambda w: plan(w).pour,
                                          action=DELETE)),
        ("scheduling:task_progress", target(
            model=Task, obj=lambda w: plan(w).pour, action=PROGRESS,
            body=lambda w, n: {"progress-percent_complete": str(n % 99 + 1)})),
        ("scheduling:link_add", target(
            model=TaskLink, obj=lambda w: plan(w).pour, action=ADD,
            acts_on=lambda w, t: TaskLink(predecessor=plan(w).design, successor=t),
            body=lambda w, n: {"link-predecessor": plan(w).design.pk, "link-link_type": "FS",
                               "link-lag_days": "0"})),
        ("scheduling:link_edit", target(
            model=TaskLink, obj=_pour_cure, action=CHANGE,
            body=lambda w, n: _edit_link(w, n))),
        ("scheduling:link_delete", target(model=TaskLink, obj=_pour_cure, action=DELETE)),
    ]


def _edit_link(w: Any, n: int) -> dict[str, Any]:
    link = _pour_cure(w)
    return {f"edit{link.pk}-link_type": "SS", f"edit{link.pk}-lag_days": str(n % 5 + 2)}


# --- bulk rows for the query-count test ----------------------------------------------------

def _bulk_tasks(world: Any, n: int, user: Any) -> list[models.Model]:
    """Leaf tasks of the world's order owned by the worker, not yet scheduled."""
    order = _plan(world).order
    return list(Task.objects.bulk_create([Task(
        order=order, name=f"批量工序{i:05d}", owner=world.worker, position=10000 + i,
        duration=480) for i in (next(_serial) for _ in range(n))]))


MAKERS: dict[type[models.Model], Any] = {Task: _bulk_tasks}
