"""CRM sync API (/api/v1/orders/crm): customers and orders upserted by the CRM's ids.

- `PUT /orders/crm/orders/{crm_id}`: create (201) or update (200) the order the CRM knows
  as `crm_id`. The body is that of `POST /orders` (customer by code, or by the CRM's id as
  `customer_crm_id`; `parent_crm_id` makes it a change or extension order) plus `submit`
  (default true: a new order is submitted, so the assignment rules route it). The answer
  is the order with `sync_status`: created, updated or unchanged. Sending the same payload
  again changes nothing: no new version, no audit entry.
- `POST /orders/crm/orders/bulk` `{records: [{crm_id, …}]}` (at most 500): each record is
  upserted on its own, so a bad one does not hold back the good ones. The answer lists per
  record `{crm_id, status: created|updated|unchanged|error, code, errors}`.
- `POST /orders/crm/customers/bulk` likewise for customers (the fields of
  `PUT /masterdata/customers/by-crm-id/{crm_id}`, which upserts one customer).

Note: no `from __future__ import annotations` here: django-ninja reads the annotations.
"""

from collections.abc import Callable
from typing import Any

import pydantic
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from eoms.core.access import ADD, CHANGE, can
from eoms.core.api import ApiError, etag_of, pydantic_errors
from eoms.masterdata import services as md_services
from eoms.masterdata.api import CustomerUpsertIn
from eoms.masterdata.models import Customer
from eoms.orders import services_crm
from eoms.orders.api_schemas import (
    RELATED,
    OrderDetailOut,
    OrderIn,
    order_data,
    service_error,
)
from eoms.orders.models import Order

router = Router(tags=["orders-crm"])
MAX_RECORDS = 500


class CrmOrderIn(OrderIn):
    customer_crm_id: str | None = Field(None, min_length=1, max_length=80,
                                        description="客户在 CRM 中的编号（代替客户编码）")
    submit: bool = Field(True, description="新订单立即提交，由分派规则分派")


class CrmOrderRecord(CrmOrderIn):
    crm_id: str = Field(..., min_length=1, max_length=80)


class CrmCustomerRecord(CustomerUpsertIn):
    crm_id: str = Field(..., min_length=1, max_length=80)


class CrmOrderOut(OrderDetailOut):
    sync_status: str = Field(description="created、updated 或 unchanged")


class BulkIn(Schema):
    records: list[dict[str, Any]] = Field(..., min_length=1, max_length=MAX_RECORDS)


class RecordResult(Schema):
    crm_id: str | None
    status: str
    code: str | None = None
    errors: list[dict[str, str]] = []


class BulkOut(Schema):
    created: int
    updated: int
    unchanged: int
    errors: int
    results: list[RecordResult]


def _existing_order(user: Any, crm_id: str) -> Order | None:
    """The order with this CRM id, checked: 404 if the caller may not see it, 403 if he may
    not change it."""
    found = Order.objects.filter(crm_id=crm_id).first()
    if found is None:
        return None
    if not Order.objects.for_user(user).filter(pk=found.pk).exists():
        raise Http404
    if not can(user, CHANGE, found):
        raise PermissionDenied()
    return found


def _upsert_order(user: Any, crm_id: str, payload: CrmOrderIn) -> tuple[Order, str]:
    crm_id = crm_id.strip()
    existing = _existing_order(user, crm_id)
    if existing is None and not can(user, ADD, Order):
        raise PermissionDenied()
    values = payload.model_dump(exclude_unset=True, exclude={"crm_id"})
    data, lines = order_data(user, values, creating=existing is None)
    try:
        with transaction.atomic():
            return services_crm.upsert_order(crm_id, actor=user, data=data, lines=lines,
                                             order_type=payload.order_type,
                                             submit=payload.submit)
    except ValidationError as exc:
        raise service_error(exc)


def _record_result(crm_id: Any, run: Callable[[], tuple[Any, str]]) -> dict[str, Any]:
    """One bulk record in its own savepoint: its errors never touch the others."""
    try:
        with transaction.atomic():
            obj, status = run()
    except ApiError as exc:
        return {"crm_id": crm_id, "status": services_crm.ERROR,
                "errors": exc.errors or [{"field": "body", "message": exc.detail or exc.title}]}
    except Http404:
        return {"crm_id": crm_id, "status": services_crm.ERROR, "errors": [
            {"field": "crm_id", "message": _("找不到该记录，或您无权查看。")}]}
    except PermissionDenied:
        return {"crm_id": crm_id, "status": services_crm.ERROR, "errors": [
            {"field": "body", "message": _("您无权新建或修改这条记录。")}]}
    except ValidationError as exc:
        return {"crm_id": crm_id, "status": services_crm.ERROR,
                "errors": service_error(exc).errors or [{"field": "body",
                                                        "message": " ".join(exc.messages)}]}
    return {"crm_id": crm_id, "status": status, "code": obj.code, "errors": []}


def _bound(upsert: Callable[[str, Any], tuple[Any, str]],
           payload: Any) -> Callable[[], tuple[Any, str]]:
    return lambda: upsert(payload.crm_id, payload)


def _bulk(records: list[dict[str, Any]], schema: type[pydantic.BaseModel],
          upsert: Callable[[str, Any], tuple[Any, str]]) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for index, record in enumerate(records):
        crm_id = record.get("crm_id") if isinstance(record, dict) else None
        key = str(crm_id).strip() if isinstance(crm_id, str) else None
        if key and key in seen:
            results.append({"crm_id": crm_id, "status": services_crm.ERROR, "errors": [{
                "field": "crm_id", "message": _("与第 %(n)s 条记录的 CRM 编号重复。")
                % {"n": seen[key] + 1}}]})
            continue
        if key:
            seen[key] = index
        try:
            payload = schema.model_validate(record)
        except pydantic.ValidationError as exc:
            results.append({"crm_id": crm_id if isinstance(crm_id, str) else None,
                            "status": services_crm.ERROR,
                            "errors": pydantic_errors(exc.errors())})
            continue
        results.append(_record_result(crm_id, _bound(upsert, payload)))
    counts = {s: sum(1 for r in results if r["status"] == s)
              for s in (services_crm.CREATED, services_crm.UPDATED, services_crm.UNCHANGED,
                        services_crm.ERROR)}
    return {"created": counts["created"], "updated": counts["updated"],
            "unchanged": counts["unchanged"], "errors": counts["error"], "results": results}


@router.post("/orders/bulk", response=BulkOut, operation_id="orders_crm_bulk",
             summary="批量按 CRM 编号新建或更新订单（每条单独处理，最多 500 条）")
def bulk_orders(request: HttpRequest, payload: BulkIn) -> Any:
    user = request.user
    if not can(user, ADD, Order):
        raise PermissionDenied()
    return _bulk(payload.records, CrmOrderRecord,
                 lambda crm_id, record: _upsert_order(user, crm_id, record))


# After /orders/bulk: its path would match {crm_id} (ninja tries paths in order).
@router.put("/orders/{crm_id}", response={200: CrmOrderOut, 201: CrmOrderOut},
            url_name="orders_crm_upsert", operation_id="orders_crm_upsert",
            summary="按 CRM 编号新建或更新订单（幂等）")
def upsert_order(request: HttpRequest, crm_id: str, payload: CrmOrderIn,
                 response: HttpResponse) -> Any:
    order, status = _upsert_order(request.user, crm_id, payload)
    fresh = Order.objects.select_related(*RELATED).prefetch_related("lines__material").get(
        pk=order.pk)
    fresh.sync_status = status  # type: ignore[attr-defined]
    response["ETag"] = etag_of(fresh)
    return Status(201 if status == services_crm.CREATED else 200, fresh)


def _upsert_customer(user: Any, crm_id: str, record: CrmCustomerRecord) -> tuple[Customer, str]:
    crm_id = crm_id.strip()
    existing = Customer.objects.filter(crm_id=crm_id).first()
    if existing is not None and not Customer.objects.for_user(user).filter(
            pk=existing.pk).exists():
        raise Http404
    data = record.model_dump(exclude={"allow_duplicate", "crm_id"})
    try:
        customer, created = md_services.upsert_customer_by_crm_id(
            crm_id, actor=user, data=data, allow_duplicate=record.allow_duplicate)
    except md_services.DuplicateWarning as exc:
        raise ApiError(409, _("可能重复"), errors=[
            {"field": "name", "message": m} for m in exc.message_dict.get("name", [])])
    if created:
        return customer, services_crm.CREATED
    changed = existing is not None and customer.version != existing.version
    return customer, services_crm.UPDATED if changed else services_crm.UNCHANGED


@router.post("/customers/bulk", response=BulkOut, operation_id="orders_crm_customers_bulk",
             summary="批量按 CRM 编号新建或更新客户（每条单独处理，最多 500 条）")
def bulk_customers(request: HttpRequest, payload: BulkIn) -> Any:
    user = request.user
    if not (can(user, ADD, Customer) and can(user, CHANGE, Customer)):
        raise PermissionDenied()
    return _bulk(payload.records, CrmCustomerRecord,
                 lambda crm_id, record: _upsert_customer(user, crm_id, record))
