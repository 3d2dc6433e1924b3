"""The route walker's view of scheduling: one file per page family, gathered here, and
the world's schedule (made again when a rollback removed it)."""

from __future__ import annotations

from typing import Any

from django.db import models

from eoms.scheduling.models import Task
from eoms.testing import (
    routes_sched_api,
    routes_sched_calendar,
    routes_sched_exchange,
    routes_sched_feed,
    routes_sched_gantt,
    routes_sched_pages,
)
from eoms.testing.scheduling_world import build_schedule

FAMILIES = (routes_sched_pages, routes_sched_calendar, routes_sched_gantt,
            routes_sched_exchange, routes_sched_api, routes_sched_feed)


def world_schedule(w: Any) -> Any:
    """The world's schedule (build_schedule on the walker's orders)."""
    from eoms.testing.routes_orders import world_orders  # routes_orders → routes → here

    found = w.__dict__.get("_walker_schedule")
    if found is None or not Task.objects.filter(pk=found.pour.pk).exists():
        found = w.__dict__["_walker_schedule"] = build_schedule(w, world_orders(w))
    return found


def targets() -> list[tuple[str, Any]]:
    from eoms.testing.routes import Target  # routes imports this module

    return [entry for family in FAMILIES for entry in family.targets(Target)]


MAKERS: dict[type[models.Model], Any] = {
    model: maker for family in FAMILIES for model, maker in family.MAKERS.items()}
