"""The route walker's view of materials: the pages and API routes with what each role may
do, the world's material receiving (made again when a rollback removed it), and bulk
rows for the query-count test.

Two kinds of write cannot be made with the walker's bodies, so their expected answer is
given and they are tested fully in tests/materials:
- receiving (page and POST /deliveries) needs certificate files: the page answers its
  form with errors (200), the API refuses JSON with 422 naming each missing certificate;
- POST /decode needs an image: refused with 422 naming `image`.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from django.db import models

from eoms.core.access import ADD, VIEW, can
from eoms.materials.models import BatchUsage, Delivery, ReceivedBatch
from eoms.testing.materials_world import build_materials

API = "/api/v1/materials"
_serial = itertools.count(1)


def world_materials(w: Any) -> Any:
    from eoms.testing.routes_scheduling import world_schedule  # routes → here

    found = w.__dict__.get("_walker_materials")
    if found is None or not ReceivedBatch.objects.filter(pk=found.batch.pk).exists():
        found = w.__dict__["_walker_materials"] = build_materials(w, world_schedule(w))
    return found


def _batch(w: Any) -> ReceivedBatch:
    return world_materials(w).batch


def _other_batch(w: Any) -> ReceivedBatch:
    return world_materials(w).other_batch


def _usage_here(w: Any, batch: Any) -> BatchUsage:
    return BatchUsage(batch=batch or _batch(w), task=world_materials(w).plan.pour)


def _usage_body(w: Any, n: int) -> dict[str, Any]:
    return {"task": world_materials(w).plan.pour.pk, "location": f"巡检部位{n:05d}",
            "quantity": "0.001"}


def _refused_write(model: Any, action: str = ADD) -> Any:
    """Permitted users are refused for want of files (INVALID); others 403."""

    def expect(user: Any, w: Any, obj: Any) -> str:
        from eoms.testing.routes import FORBIDDEN, INVALID, LOGIN

        if user is None:
            return LOGIN
        return INVALID if can(user, action, model) else FORBIDDEN

    return expect


def _decode_expect(user: Any, w: Any, obj: Any) -> str:
    from eoms.materials.api import may_scan
    from eoms.testing.routes import FORBIDDEN, INVALID, LOGIN

    if user is None:
        return LOGIN
    return INVALID if may_scan(user) else FORBIDDEN


def _scan_expect(user: Any, w: Any, obj: Any) -> str:
    from eoms.testing.routes import FORBIDDEN, LOGIN, OK

    if user is None:
        return LOGIN
    return OK if can(user, VIEW, ReceivedBatch) else FORBIDDEN


def _by_code(batch: Any) -> dict[str, Any]:
    return {"code": batch.label_code}


def _pages(target: Any) -> list[tuple[str, Any]]:
    batch_page = {"model": ReceivedBatch, "obj": _batch, "kwargs": _by_code}
    return [
        # The page answers a POST without certificate files with its form's errors.
        ("materials:receive", target(model=Delivery, action=ADD, audited=False,
                                     methods=("GET", "POST"))),
        ("materials:delivery_list", target(model=Delivery,
                                           obj=lambda w: world_materials(w).other_delivery)),
        ("materials:delivery_*", target(model=Delivery,
                                        obj=lambda w: world_materials(w).delivery)),
        ("materials:batch_list", target(model=ReceivedBatch, obj=_other_batch)),
        # Not a list (nothing to count queries of): who may look batches up.
        ("materials:scan", target(expect=_scan_expect)),
        ("materials:batch_use", target(**batch_page, action=ADD, acts_on=_usage_here,
                                       form=True, body=_usage_body)),
        ("materials:label_open", target(**batch_page)),
        ("materials:batch_*", target(**batch_page)),
    ]


def _api(target: Any) -> list[tuple[str, Any]]:
    delivery = lambda w: world_materials(w).delivery  # noqa: E731
    return [
        (f"GET {API}/deliveries", target(model=Delivery,
                                         obj=lambda w: world_materials(w).other_delivery)),
        (f"POST {API}/deliveries", target(
            model=Delivery, expect=_refused_write(Delivery), audited=False,
            body=lambda w, n: {"order": world_materials(w).plan.order.code,
                               "supplier": w.supplier.code, "lines": [
                                   {"order_line": world_materials(w).line.pk,
                                    "batch_number": f"XJ{n:05d}", "quantity": "0.001",
                                    "certificate_number": f"HG{n:05d}"}]})),
        (f"GET {API}/deliveries/{{pk}}", target(model=Delivery, obj=delivery)),
        (f"GET {API}/batches", target(model=ReceivedBatch, obj=_other_batch)),
        (f"GET {API}/batches/{{pk}}", target(model=ReceivedBatch, obj=_batch)),
        (f"POST {API}/batches/{{pk}}/usages", target(
            model=ReceivedBatch, obj=_batch, action=ADD, acts_on=_usage_here,
            body=_usage_body)),
        (f"GET {API}/usages", target(model=BatchUsage,
                                     obj=lambda w: world_materials(w).other_usage)),
        (f"POST {API}/decode", target(expect=_decode_expect, audited=False)),
    ]


def targets() -> list[tuple[str, Any]]:
    from eoms.testing.routes import Target  # routes imports this module

    return [*_pages(Target), *_api(Target)]


# --- bulk rows for the query-count test ------------------------------------------------------

def _deliveries(world: Any, n: int, user: Any) -> list[models.Model]:
    mat = world_materials(world)
    return list(Delivery.objects.bulk_create([Delivery(
        code=f"JC-Q{next(_serial):06d}", order=mat.plan.order, supplier=world.supplier,
        delivered_on=mat.delivery.delivered_on, received_by=world.buyer) for _ in range(n)]))


def _batches(world: Any, n: int, user: Any) -> list[models.Model]:
    mat = world_materials(world)
    rows = []
    for _ in range(n):
        i = next(_serial)
        rows.append(ReceivedBatch(
            delivery=mat.delivery, order_line=mat.line, material=mat.line.material,
            supplier=world.supplier, batch_number=f"BULK-{i:06d}", quantity=Decimal("0.001"),
            unit=mat.line.unit, certificate_number=f"HG-BULK-{i:06d}",
            certificate_file=mat.batch.certificate_file.name, certificate_type="application/pdf",
            label_code=f"MB-9999-{i:06d}"))
    return list(ReceivedBatch.objects.bulk_create(rows))


def _usages(world: Any, n: int, user: Any) -> list[models.Model]:
    mat = world_materials(world)
    return list(BatchUsage.objects.bulk_create([BatchUsage(
        batch=mat.batch, task=mat.plan.pour, location=f"批量部位{next(_serial):05d}",
        quantity=Decimal("0.001"), used_on=mat.delivery.delivered_on, recorded_by=world.worker)
        for _ in range(n)]))


MAKERS: dict[type[models.Model], Any] = {Delivery: _deliveries, ReceivedBatch: _batches,
                                         BatchUsage: _usages}
