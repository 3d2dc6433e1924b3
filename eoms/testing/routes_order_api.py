"""The route walker's view of the orders API, the CRM sync API, the order import pages and
the export with lines (read by eoms/testing/routes_orders.py)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from eoms.core.access import ADD, VIEW, can
from eoms.core.context import Channel, acting
from eoms.core.import_store import StoredImport
from eoms.masterdata.models import Customer
from eoms.orders import services
from eoms.orders.choices import OrderStatus
from eoms.orders.imports import OrderImporter
from eoms.orders.models import Order
from eoms.orders.policies import ASSIGN, COMMENT, TRANSITION

_serial = itertools.count(1)
API = "/api/v1/orders"


def _orders(w: Any) -> Any:
    from eoms.testing.routes_orders import world_orders  # that module imports this one

    return world_orders(w)


def _new_order(w: Any, **data: Any) -> Order:
    _orders(w)
    with acting(Channel.TEST):
        return services.create_order(actor=w.manager, data={
            "title": f"巡检接口订单{next(_serial):05d}", "customer": w.customer,
            "project": w.project, "budget_amount": Decimal("1000"), **data})


def _crm_order(w: Any) -> Order:
    return _new_order(w, crm_id=f"CRM-Q{next(_serial):05d}")


def _extension(w: Any) -> Order:
    parent = _orders(w).order
    return _new_order(w, parent_code=parent.code, budget_amount=Decimal("0"),
                      promised_date=parent.promised_date + timedelta(days=7))


def _api_body(w: Any, n: int) -> dict[str, Any]:
    # No lines: a customer's user may not read the material list, so he names none.
    return {"title": f"巡检接口新建订单{n:05d}", "project": w.project.code,
            "budget_amount": "1000"}


def _transition_expect(user: Any, world: Any, order: Any) -> str:
    """Assigned → in progress: the workflow's roles (management and the owner) only."""
    from eoms.testing import routes

    if user is None:
        return routes.LOGIN
    if not routes.may(user, VIEW, order):
        return routes.HIDDEN
    allowed = can(user, TRANSITION, order) and OrderStatus.IN_PROGRESS in \
        services.allowed_transitions(order, user)
    return routes.OK if allowed else routes.REFUSED


def _bulk_expect(user: Any, world: Any, obj: Any) -> str:
    """Who may add orders gets per-record results (a record outside his projects comes back
    as an error in a 200 answer); the others 403."""
    from eoms.testing import routes

    if user is None:
        return routes.LOGIN
    return routes.OK if can(user, ADD, Order) else routes.FORBIDDEN


def _api_targets(target: Any) -> list[tuple[str, Any]]:
    order = lambda w: _orders(w).order  # noqa: E731
    return [
        (f"GET {API}", target(model=Order, obj=lambda w: _orders(w).other_order)),
        (f"POST {API}", target(model=Order, body=_api_body,
                               acts_on=lambda w, o: Order(customer=w.customer,
                                                          project=w.project))),
        (f"GET {API}/{{pk}}", target(model=Order, obj=order)),
        (f"PATCH {API}/{{pk}}", target(model=Order, obj=_new_order,
                                       body=lambda w, n: {"title": f"巡检接口修改{n:05d}"})),
        (f"POST {API}/{{pk}}/transition", target(
            model=Order, obj=order, expect=_transition_expect,
            body=lambda w, n: {"to": OrderStatus.IN_PROGRESS})),
        (f"POST {API}/{{pk}}/assign", target(
            model=Order, obj=order, action=ASSIGN,
            body=lambda w, n: {"owner": w.other_pm.username, "reason": f"巡检改派{n:05d}"})),
        (f"POST {API}/{{pk}}/extension", target(model=Order, obj=_extension, action=ASSIGN,
                                                body=lambda w, n: {"approve": True})),
        (f"GET {API}/{{pk}}/comments", target(model=Order, obj=order)),
        (f"POST {API}/{{pk}}/comments", target(model=Order, obj=order, action=COMMENT,
                                               body=lambda w, n: {"text": f"巡检备注{n:05d}"})),
        (f"PUT {API}/crm/orders/{{crm_id}}", target(
            model=Order, obj=_crm_order, kwargs=lambda o: {"crm_id": o.crm_id},
            body=lambda w, n: {**_api_body(w, n), "title": f"巡检 CRM 修改{n:05d}"})),
        # Per-record results: what the records do is tested in tests/orders/test_ord_crm_*.
        (f"POST {API}/crm/orders/bulk", target(
            model=Order, expect=_bulk_expect, audited=False,
            body=lambda w, n: {"records": [{**_api_body(w, n), "crm_id": f"CRM-B{n:05d}"}]})),
        (f"POST {API}/crm/customers/bulk", target(
            model=Customer, body=lambda w, n: {"records": [
                {"crm_id": f"CRM-C{n:05d}", "name": f"巡检同步客户{n:05d}"}]})),
    ]


# --- import pages ---------------------------------------------------------------------------

def _import_expect(user: Any, world: Any, stored: Any) -> str:
    """Importing orders needs the add right; an upload is its uploader's alone."""
    from eoms.testing import routes

    if user is None:
        return routes.LOGIN
    if not can(user, ADD, Order):
        return routes.FORBIDDEN
    return routes.OK if stored is None or user.pk == stored.user_id else routes.HIDDEN


_uploads: dict[int, StoredImport] = {}


def _upload(w: Any) -> StoredImport:
    """The manager's upload of the import template, checked (its example names codes the
    world lacks, so it cannot be confirmed): one kept while it exists."""
    stored = _uploads.get(w.manager.pk)
    if stored is not None and stored.report("preview") is not None:
        return stored
    stored = StoredImport.create(w.manager, OrderImporter(w.manager).template(), kind="order",
                                 filename="巡检.xlsx", rows=1)
    with acting(Channel.TEST):
        stored.process(OrderImporter, w.manager, dry_run=True)
    _uploads[w.manager.pk] = stored
    return stored


def _page_targets(target: Any) -> list[tuple[str, Any]]:
    token: Callable[[Any], dict[str, Any]] = lambda s: {"token": s.token}  # noqa: E731
    return [
        ("orders:order_import*", target(model=Order, obj=_upload, expect=_import_expect,
                                        audited=False, kwargs=token)),
        ("orders:export_lines", target(model=Order, obj=lambda w: _orders(w).other_order)),
    ]


def api_targets(target: Any) -> list[tuple[str, Any]]:
    return [*_api_targets(target), *_page_targets(target)]
