"""The route walker's view of the exchange pages (eoms/scheduling/urls_exchange.py), read by
eoms/testing/routes_scheduling.py: upload a schedule file, read an import report, download
an order's schedule as MS Project XML."""

from __future__ import annotations

import itertools
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from eoms.core.access import ADD, EXPORT, VIEW
from eoms.core.context import Channel, acting
from eoms.orders.models import Order
from eoms.scheduling.models import Schedule, ScheduleImport

_serial = itertools.count(1)

# The smallest MS Project file the import takes: one two-day task.
TINY_MSPDI = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Project xmlns="http://schemas.microsoft.com/project"><Name>巡检进度计划</Name>
<StartDate>2026-03-02T08:00:00</StartDate><Tasks><Task><UID>1</UID><ID>1</ID>
<Name>巡检导入任务</Name><Start>2026-03-02T08:00:00</Start><Finish>2026-03-03T17:00:00</Finish>
<Duration>PT16H0M0S</Duration></Task></Tasks></Project>""".encode()


def _plan(w: Any) -> Any:
    from eoms.testing.routes_scheduling import world_schedule  # that module imports this one

    return world_schedule(w)


def _import_report(w: Any) -> ScheduleImport:
    """A report on the world's order (its readers see it, no one else)."""
    order = _plan(w).order
    with acting(Channel.TEST):
        return ScheduleImport.objects.create(
            order=order, filename=f"巡检导入进度计划{next(_serial):05d}.xml",
            source_format="mspdi", task_count=1, matched=1)


def _upload(w: Any, n: int) -> dict[str, Any]:
    return {"file": SimpleUploadedFile(f"巡检进度计划{n:05d}.xml", TINY_MSPDI,
                                       content_type="application/xml"),
            "project": w.project.pk}


def targets(target: Any) -> list[tuple[str, Any]]:
    return [
        # A new order in world.project: those who may not place orders there get the
        # form back with the reason, writing nothing.
        ("scheduling:schedule_import", target(
            model=ScheduleImport, obj=_import_report, action=ADD, methods=("GET", "POST"),
            acts_on=lambda w, _obj: Order(customer=w.customer, project=w.project),
            body=_upload)),
        # "import" in the name would read as ADD: reading a report is VIEW.
        ("scheduling:import_report", target(model=ScheduleImport, obj=_import_report,
                                            action=VIEW)),
        ("scheduling:export_mspdi", target(
            model=Schedule, obj=lambda w: _plan(w).schedule, action=EXPORT,
            kwargs=lambda s: {"order_pk": s.order_id})),
    ]


MAKERS: dict[type[models.Model], Any] = {}
