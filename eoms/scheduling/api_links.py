"""Task links (dependencies): FS/SS/FF/SF with a lag or lead in working days. A link that
would close a loop is refused with 422 naming the loop's tasks.

Note: no `from __future__ import annotations` here: django-ninja reads the annotations.
"""

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Status
from ninja.pagination import paginate

from eoms.core.access import ADD, CHANGE, DELETE, can
from eoms.core.api import LinkPagination, etag_of, require_if_match
from eoms.scheduling import services
from eoms.scheduling.api_common import Resolver, call, find_task, optional_if_match
from eoms.scheduling.api_schemas import LinkIn, LinkOut, LinkPatch
from eoms.scheduling.models import TaskLink
from eoms.scheduling.policies import PLAN

router = Router()
RELATED = ("predecessor", "successor__order__project", "successor__order__schedule__calendar",
           "successor__calendar", "successor__crew")
PREFETCH = ("successor__order__project__calendars", "successor__crew__calendars")


def _links(user: Any) -> Any:
    return TaskLink.objects.for_user(user).select_related(*RELATED).prefetch_related(*PREFETCH)


def _find(user: Any, pk: int) -> TaskLink:
    link = _links(user).filter(pk=pk).first()
    if link is None:
        raise Http404
    return link


def _answer(link: TaskLink, response: HttpResponse, *, created: bool = False) -> TaskLink:
    fresh = (TaskLink.objects.select_related(*RELATED).prefetch_related(*PREFETCH)
             .get(pk=link.pk))
    response["ETag"] = etag_of(fresh)
    if created:
        response["Location"] = reverse("api:scheduling_link_detail", args=[fresh.pk])
    return fresh


@router.get("/tasks/{int:pk}/links", response=list[LinkOut], url_name="scheduling_task_links",
            operation_id="scheduling_task_links", summary="任务的前置与后续关系")
@paginate(LinkPagination)
def list_task_links(request: HttpRequest, pk: int) -> Any:
    task = find_task(request.user, pk)
    return (_links(request.user).filter(Q(predecessor=task) | Q(successor=task))
            .order_by("pk"))


@router.get("/links/{int:pk}", response=LinkOut, url_name="scheduling_link_detail",
            operation_id="scheduling_link_get", summary="任务关系详情")
def get_link(request: HttpRequest, pk: int, response: HttpResponse) -> Any:
    link = _find(request.user, pk)
    response["ETag"] = etag_of(link)
    return link


@router.post("/links", response={201: LinkOut}, operation_id="scheduling_link_create",
             summary="添加任务关系（形成循环时拒绝并列出循环）")
def create_link(request: HttpRequest, payload: LinkIn, response: HttpResponse) -> Any:
    user = request.user
    if not can(user, ADD, TaskLink):
        raise PermissionDenied()
    resolver = Resolver(user)
    predecessor = resolver.task("predecessor", payload.predecessor)
    successor = resolver.task("successor", payload.successor)
    resolver.done()
    if not can(user, PLAN, successor):
        raise PermissionDenied()
    link = call(lambda: services.add_link(
        predecessor, successor, actor=user, link_type=payload.type.value,  # type: ignore[arg-type]
        lag_days=payload.lag_days))
    return Status(201, _answer(link, response, created=True))


def _lag_days(link: TaskLink) -> Decimal:
    """The stored lag in the days services.update_link converts back (exact)."""
    per_day = services.minutes_per_day(link.successor, link.successor.order)
    return Decimal(link.lag) / Decimal(per_day)


@router.patch("/links/{int:pk}", response=LinkOut, operation_id="scheduling_link_update",
              summary="修改关系类型或延隔（需要 If-Match）")
def update_link(request: HttpRequest, pk: int, payload: LinkPatch,
                response: HttpResponse) -> Any:
    user = request.user
    link = _find(user, pk)
    if not can(user, CHANGE, link):
        raise PermissionDenied()
    version = require_if_match(request, link)
    link_type = payload.type.value if payload.type is not None else link.link_type
    lag = payload.lag_days if payload.lag_days is not None else _lag_days(link)
    saved = call(lambda: services.update_link(link, actor=user, link_type=link_type,
                                              lag_days=lag, expected_version=version))
    return _answer(saved, response)


@router.delete("/links/{int:pk}", response={204: None}, operation_id="scheduling_link_delete",
               summary="删除任务关系")
def delete_link(request: HttpRequest, pk: int) -> Any:
    user = request.user
    link = _find(user, pk)
    if not can(user, DELETE, link):
        raise PermissionDenied()
    optional_if_match(request, link)
    call(lambda: services.delete_link(link, actor=user))
    return Status(204, None)
