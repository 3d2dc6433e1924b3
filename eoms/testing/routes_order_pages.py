"""The route walker's view of the staff order pages (eoms/orders/urls_pages.py), read by
eoms/testing/routes_orders.py: targets of each route and bulk makers for the query-count
test (orders in world.project, one status; a user's saved filters)."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from eoms.core.access import ADD, CHANGE, DELETE
from eoms.core.context import Channel, acting
from eoms.orders import attachments, services
from eoms.orders.choices import OrderStatus
from eoms.orders.models import Order, OrderAttachment, SavedFilter
from eoms.orders.policies import ASSIGN, COMMENT, TRANSITION

_serial = itertools.count(1)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _orders(w: Any) -> Any:
    from eoms.testing.routes_orders import world_orders  # that module imports this one

    return world_orders(w)


def _draft(w: Any) -> Order:
    """A draft in world.project: editable by its project's people and its customer."""
    _orders(w)
    with acting(Channel.TEST):
        return services.create_order(actor=w.manager, data={
            "title": f"巡检草稿订单{next(_serial):05d}", "customer": w.customer,
            "project": w.project, "budget_amount": Decimal("1000")})


def _extension(w: Any) -> Order:
    """A pending extension of the world's order (managers approve or reject it)."""
    parent = _orders(w).order
    with acting(Channel.TEST):
        return services.create_order(actor=w.manager, data={
            "title": f"巡检延期订单{next(_serial):05d}", "customer": w.customer,
            "project": w.project, "parent_code": parent.code,
            "promised_date": parent.promised_date + timedelta(days=7)})


def _attachment(w: Any) -> OrderAttachment:
    order = _orders(w).order
    with acting(Channel.TEST):
        return attachments.add_attachment(order, actor=w.manager, uploaded_file=(
            SimpleUploadedFile(f"巡检附件{next(_serial):05d}.pdf", PDF)))


def _pm_filter(w: Any) -> SavedFilter:
    with acting(Channel.TEST):
        return SavedFilter.objects.create(user=w.pm, name=f"巡检筛选{next(_serial):05d}",
                                          query="status=assigned")


def _upload(w: Any, n: int) -> dict[str, Any]:
    return {"file": SimpleUploadedFile(f"巡检上传{n:05d}.pdf", PDF)}


def page_targets(target: Any) -> list[tuple[str, Any]]:
    form = ("GET", "POST")
    order = lambda w: _orders(w).order  # noqa: E731
    other = lambda w: _orders(w).other_order  # noqa: E731
    return [
        ("orders:list", target(model=Order, obj=other)),
        ("orders:board", target(model=Order, obj=other)),
        ("orders:export", target(model=Order, obj=other)),
        ("orders:create", target(model=Order, action=ADD, form=True, methods=form,
                                 acts_on=lambda w, _obj: Order(customer=w.customer,
                                                               project=w.project),
                                 body=lambda w, n: {
                                     "title": f"巡检新建订单{n:05d}", "customer": w.customer.pk,
                                     "project": w.project.pk, "budget_amount": "1000"})),
        ("orders:edit", target(model=Order, obj=_draft, action=CHANGE, form=True,
                               methods=form,
                               body=lambda w, n: {"title": f"巡检修改订单{n:05d}"})),
        ("orders:detail", target(model=Order, obj=order)),
        # A status change the user's role may not make is answered with a message on the
        # order page (302), writing nothing; so a success need not leave an audit entry.
        ("orders:transition", target(model=Order, obj=order, action=TRANSITION,
                                     audited=False,
                                     body=lambda w, n: {"target": OrderStatus.IN_PROGRESS})),
        ("orders:assign", target(model=Order, obj=order, action=ASSIGN,
                                 body=lambda w, n: {"owner": w.other_pm.pk,
                                                    "reason": f"巡检改派{n:05d}"})),
        ("orders:extension", target(model=Order, obj=_extension, action=ASSIGN,
                                    body=lambda w, n: {"decision": "approve"})),
        ("orders:comment", target(model=Order, obj=order, action=COMMENT,
                                  body=lambda w, n: {"text": f"巡检备注{n:05d}"})),
        ("orders:attach", target(model=Order, obj=order, action=COMMENT, body=_upload)),
        ("orders:attachment", target(model=OrderAttachment, obj=_attachment)),
        ("orders:save_filter", target(model=SavedFilter, action=ADD,
                                      body=lambda w, n: {"name": f"巡检筛选{n:05d}",
                                                         "query": "status=assigned"})),
        ("orders:delete_filter", target(model=SavedFilter, obj=_pm_filter, action=DELETE)),
    ]


# --- bulk rows for the query-count test ----------------------------------------------------

def _bulk_orders(world: Any, n: int, user: Any) -> list[models.Model]:
    """Submitted orders of world.project (one board column), without lines."""
    return list(Order.objects.bulk_create([Order(
        code=f"ORD-Q{i:06d}", title=f"批量订单{i:05d}", customer=world.customer,
        project=world.project, status=OrderStatus.SUBMITTED)
        for i in (next(_serial) for _ in range(n))]))


def _saved_filters(world: Any, n: int, user: Any) -> list[models.Model]:
    return list(SavedFilter.objects.bulk_create([SavedFilter(
        user=user, name=f"批量筛选{i:05d}", query="overdue=1")
        for i in (next(_serial) for _ in range(n))]))


MAKERS: dict[type[models.Model], Any] = {Order: _bulk_orders, SavedFilter: _saved_filters}
