"""The route walker's view of field work: one file per page family, gathered here, and
the world's field work (made again when a rollback removed it)."""

from __future__ import annotations

from typing import Any

from django.db import models

from eoms.fieldwork.models import CheckIn
from eoms.testing import (
    routes_fw_api,
    routes_fw_checkin,
    routes_fw_devices,
    routes_fw_log,
    routes_fw_photos,
    routes_fw_supervisor,
)
from eoms.testing.fieldwork_world import build_fieldwork

FAMILIES = (routes_fw_checkin, routes_fw_photos, routes_fw_supervisor, routes_fw_log,
            routes_fw_devices, routes_fw_api)


def world_fieldwork(w: Any) -> Any:
    """The world's field work (build_fieldwork on the walker's schedule)."""
    from eoms.testing.routes_scheduling import world_schedule  # routes → here

    found = w.__dict__.get("_walker_fieldwork")
    if found is None or not CheckIn.objects.filter(pk=found.checkin.pk).exists():
        found = w.__dict__["_walker_fieldwork"] = build_fieldwork(w, world_schedule(w))
    return found


def targets() -> list[tuple[str, Any]]:
    from eoms.testing.routes import Target  # routes imports this module

    return [entry for family in FAMILIES for entry in family.targets(Target)]


MAKERS: dict[type[models.Model], Any] = {
    model: maker for family in FAMILIES for model, maker in family.MAKERS.items()}
