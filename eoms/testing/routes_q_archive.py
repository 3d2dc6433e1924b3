"""The route walker's view of the quality archive: a delivered order of world.project
(customer world.customer, so world.client sees it and world.outsider does not) with one
archived version, made again when a rollback removed it. The list page and the new
version are keyed on the order, the download and the API on the archive."""

from __future__ import annotations

from typing import Any

from django.db import models

from eoms.core.access import ADD
from eoms.core.context import Channel, acting
from eoms.orders.choices import OrderStatus
from eoms.orders.models import Order
from eoms.quality import services_archive
from eoms.quality.models import QualityArchive
from eoms.testing.orders_world import draft_order

API = "/api/v1/quality"


def world_archive(w: Any) -> QualityArchive:
    found = w.__dict__.get("_walker_archive")
    if found is not None and QualityArchive.objects.filter(pk=found.pk).exists():
        return found
    with acting(Channel.TEST):
        order = draft_order(w, title="B2 车库地坪施工")
        # The walker needs a delivered order, not the path to one (tests/quality has it).
        Order.objects.filter(pk=order.pk).update(status=OrderStatus.DELIVERED)
        found = services_archive.archive_report(order, actor=w.manager, reason="巡检归档")
    w.__dict__["_walker_archive"] = found
    return found


def targets(target: Any) -> list[tuple[str, Any]]:
    by_order = {"kwargs": lambda a: {"pk": a.order_id}}
    return [
        ("quality:archive_list", target(model=QualityArchive, obj=world_archive, **by_order)),
        ("quality:archive_new", target(
            model=QualityArchive, obj=world_archive, action=ADD,
            acts_on=lambda w, a: QualityArchive(order=a.order),
            body=lambda w, n: {"reason": f"巡检更正{n:05d}"}, **by_order)),
        ("quality:archive_download", target(model=QualityArchive, obj=world_archive)),
        (f"GET {API}/archives", target(model=QualityArchive, obj=world_archive)),
        (f"GET {API}/archives/{{pk}}", target(model=QualityArchive, obj=world_archive)),
        (f"GET {API}/archives/{{pk}}/pdf", target(model=QualityArchive, obj=world_archive)),
    ]


MAKERS: dict[type[models.Model], Any] = {}
