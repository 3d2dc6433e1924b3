"""The route walker's view of the Gantt chart (eoms/scheduling/urls_gantt.py), read by
eoms/testing/routes_scheduling.py.

A chart is decided by the tasks it shows: whoever sees the world's "底板浇筑" (pour) sees
its order's and its project's chart (the worker owns it; customers read no tasks, so for
them there is no chart: 404). The picker lists projects. A move is planning (PLAN) on
"深化设计" (design, the first task, no predecessor): a week later, a working Monday.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from eoms.masterdata.models import Project
from eoms.scheduling.models import Task
from eoms.scheduling.policies import PLAN

MOVED_START = "2026-03-09"


def _plan(w: Any) -> Any:
    from eoms.testing.routes_scheduling import world_schedule  # that module imports this one

    return world_schedule(w)


def _pour(w: Any) -> Task:
    return _plan(w).pour


def _design(w: Any) -> Task:
    return _plan(w).design


def _order_of(task: Any) -> dict[str, Any]:
    return {"order_pk": task.order_id}


def _project_of(task: Any) -> dict[str, Any]:
    return {"project_pk": task.order.project_id}


def targets(target: Any) -> list[tuple[str, Any]]:
    return [
        ("scheduling:gantt_projects", target(model=Project)),
        ("scheduling:gantt_order", target(model=Task, obj=_pour, kwargs=_order_of)),
        ("scheduling:gantt_order_data", target(model=Task, obj=_pour, kwargs=_order_of)),
        ("scheduling:gantt_project", target(model=Task, obj=_pour, kwargs=_project_of)),
        ("scheduling:gantt_project_data", target(model=Task, obj=_pour, kwargs=_project_of)),
        ("scheduling:gantt_move", target(model=Task, obj=_design, action=PLAN,
                                         body=lambda w, n: {"start": MOVED_START})),
    ]


# The picker lists projects (routes.MAKERS has them); the charts take a path parameter,
# so their query counts are pinned in tests/scheduling/test_sch_gantt_queries.py.
MAKERS: dict[type[models.Model], Any] = {}
