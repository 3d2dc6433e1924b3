"""Orders REST API (/api/v1/orders).

- `GET /orders`: the orders the caller may see, `?page=&page_size=`; filters `status`,
  `type`, `priority`, `owner` (username), `customer` and `project` (codes), `overdue`
  (true/false), `q` (code, title, CRM id); `ordering` on id, code, status, priority,
  promised_date, order_type (`-` for descending).
- `GET /orders/{id}`: one order with its lines and the statuses the caller may move it to;
  the `ETag` is its version.
- `POST /orders`: a new order (201 + Location). Customer, project and site are named by
  code, lines as `{material: code, quantity, unit?, needed_by?}`; `parent_code` or
  `parent_crm_id` names the order it changes; the type (new/change/extension) is recognised
  unless `order_type` says; `"submit": true` submits it (the assignment rules route it).
  Accepts `Idempotency-Key`.
- `PATCH /orders/{id}`: needs `If-Match` (428 without, 412 when stale); `lines` replaces them.
- `POST /orders/{id}/transition` `{to, reason}`: 409 with `allowed` (the statuses that may
  follow) for a transition the workflow has not, 403 for a role that may not, 422 without
  a needed reason.
- `POST /orders/{id}/assign` `{owner, reason}`; `POST /orders/{id}/extension`
  `{approve, reason}`; `GET|POST /orders/{id}/comments`.
- CRM sync under `/orders/crm/` (eoms/orders/api_crm.py).

Every bad input answers problem+json naming the field, and nothing is written.

Note: no `from __future__ import annotations` here: django-ninja reads the annotations.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from eoms.core.access import ADD, CHANGE, VIEW, can
from eoms.core.api import ApiError, LinkPagination, etag_of, ordered, require_if_match
from eoms.orders import services
from eoms.orders.api_crm import router as crm_router
from eoms.orders.api_schemas import (
    RELATED,
    AssignIn,
    CommentIn,
    CommentOut,
    ExtensionIn,
    OrderDetailOut,
    OrderIn,
    OrderOut,
    OrderPatch,
    TransitionIn,
    detail_queryset,
    find_user,
    order_data,
    service_error,
)
from eoms.orders.choices import OrderStatus, OrderType, Priority, Source
from eoms.orders.filtering import filter_orders
from eoms.orders.models import Order, OrderComment
from eoms.orders.policies import ASSIGN, COMMENT

router = Router(tags=["orders"])
ORDERING = {"id", "code", "status", "priority", "promised_date", "order_type"}  # indexed


class OrderFilters(Schema):
    q: str | None = Field(None, max_length=100, description="按编号、标题、CRM 编号搜索")
    ordering: str | None = Field(None, max_length=40, description="如 promised_date 或 -id")
    status: OrderStatus | None = None
    type: OrderType | None = None
    priority: Priority | None = None
    owner: str | None = Field(None, max_length=150, description="负责人用户名")
    customer: str | None = Field(None, max_length=40, description="客户编码")
    project: str | None = Field(None, max_length=40, description="项目编码")
    overdue: bool | None = Field(None, description="true：只看逾期；false：不含逾期")


def find_order(user: Any, pk: int) -> Order:
    order = detail_queryset(user).filter(pk=pk).first()
    if order is None:
        raise Http404
    return order


def _answer(order: Order, response: HttpResponse, *, created: bool = False) -> Order:
    """The order as it is now, with its ETag (and Location for a new one)."""
    fresh = Order.objects.select_related(*RELATED).prefetch_related("lines__material").get(
        pk=order.pk)
    response["ETag"] = etag_of(fresh)
    if created:
        response["Location"] = reverse("api:orders_detail", args=[fresh.pk])
    return fresh


def call(work: Callable[[], Any]) -> Any:
    """Run service calls in one transaction; a refusal becomes problem+json."""
    try:
        with transaction.atomic():
            return work()
    except services.InvalidTransition as exc:
        raise ApiError(409, _("不允许的状态变更"), " ".join(exc.messages), allowed=exc.allowed)
    except ValidationError as exc:
        raise service_error(exc)


@router.get("", response=list[OrderOut], url_name="orders_list", operation_id="orders_list",
            summary="订单列表")
@paginate(LinkPagination)
def list_orders(request: HttpRequest, filters: Query[OrderFilters]):  # type: ignore[type-arg]
    if not can(request.user, VIEW, Order):
        raise PermissionDenied()
    scoped = Order.objects.for_user(request.user).select_related(*RELATED)
    qs = filter_orders(scoped, q=filters.q, status=filters.status, order_type=filters.type,
                       priority=filters.priority, owner=filters.owner,
                       customer=filters.customer, project=filters.project,
                       overdue=filters.overdue)
    return ordered(qs, filters.ordering, ORDERING, "-id")


@router.get("/{int:pk}", response=OrderDetailOut, url_name="orders_detail",
            operation_id="orders_get", summary="订单详情")
def get_order(request: HttpRequest, pk: int, response: HttpResponse) -> Any:
    order = find_order(request.user, pk)
    response["ETag"] = etag_of(order)
    return order


@router.post("", response={201: OrderDetailOut}, operation_id="orders_create",
             summary="新建订单（按编码引用客户、项目、工地和物料）")
def create_order(request: HttpRequest, payload: OrderIn, response: HttpResponse) -> Any:
    user = request.user
    if not can(user, ADD, Order):
        raise PermissionDenied()
    data, lines = order_data(user, payload.model_dump(exclude_unset=True), creating=True)

    def work() -> Order:
        order = services.create_order(actor=user, data=data, lines=lines or [],
                                      source=Source.API, order_type=payload.order_type)
        if payload.submit:
            order = services.transition(order, OrderStatus.SUBMITTED, actor=user)
        return order

    return Status(201, _answer(call(work), response, created=True))


@router.patch("/{int:pk}", response=OrderDetailOut, operation_id="orders_update",
              summary="修改订单（需要 If-Match）")
def update_order(request: HttpRequest, pk: int, payload: OrderPatch,
                 response: HttpResponse) -> Any:
    user = request.user
    order = find_order(user, pk)
    if not can(user, CHANGE, order):
        raise PermissionDenied()
    version = require_if_match(request, order)
    data, lines = order_data(user, payload.model_dump(exclude_unset=True), creating=False)
    saved = call(lambda: services.update_order(order, actor=user, data=data,
                                               expected_version=version, lines=lines))
    return _answer(saved, response)


def _optional_if_match(request: HttpRequest, order: Order) -> None:
    if request.headers.get("If-Match"):
        require_if_match(request, order)


@router.post("/{int:pk}/transition", response=OrderDetailOut,
             operation_id="orders_transition", summary="变更订单状态")
def transition_order(request: HttpRequest, pk: int, payload: TransitionIn,
                     response: HttpResponse) -> Any:
    order = find_order(request.user, pk)
    _optional_if_match(request, order)
    saved = call(lambda: services.transition(order, payload.to, actor=request.user,
                                             reason=payload.reason))
    return _answer(saved, response)


@router.post("/{int:pk}/assign", response=OrderDetailOut, operation_id="orders_assign",
             summary="人工分派或改派（需要原因）")
def assign_order(request: HttpRequest, pk: int, payload: AssignIn,
                 response: HttpResponse) -> Any:
    order = find_order(request.user, pk)
    if not can(request.user, ASSIGN, order):
        raise PermissionDenied()
    _optional_if_match(request, order)
    owner = find_user(payload.owner)
    saved = call(lambda: services.assign_order(order, actor=request.user, to=owner,
                                               reason=payload.reason))
    return _answer(saved, response)


@router.post("/{int:pk}/extension", response=OrderDetailOut, operation_id="orders_extension",
             summary="批准或驳回延期申请")
def decide_extension(request: HttpRequest, pk: int, payload: ExtensionIn,
                     response: HttpResponse) -> Any:
    order = find_order(request.user, pk)
    if not can(request.user, ASSIGN, order):
        raise PermissionDenied()
    _optional_if_match(request, order)
    saved = call(lambda: services.decide_extension(order, actor=request.user,
                                                   approve=payload.approve,
                                                   reason=payload.reason))
    return _answer(saved, response)


@router.get("/{int:pk}/comments", response=list[CommentOut], url_name="orders_comments",
            operation_id="orders_comments", summary="订单备注")
@paginate(LinkPagination)
def list_comments(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    order = find_order(request.user, pk)
    return (OrderComment.objects.for_user(request.user).filter(order=order)
            .select_related("created_by").order_by("created_at", "pk"))


@router.post("/{int:pk}/comments", response={201: CommentOut},
             operation_id="orders_comment_add", summary="添加备注")
def add_comment(request: HttpRequest, pk: int, payload: CommentIn) -> Any:
    order = find_order(request.user, pk)
    if not can(request.user, COMMENT, order):
        raise PermissionDenied()
    comment = call(lambda: services.add_comment(order, actor=request.user, text=payload.text))
    return Status(201, comment)


router.add_router("/crm", crm_router)
