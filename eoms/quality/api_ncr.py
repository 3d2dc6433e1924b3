"""Non-conformance records (不合格项): the list, one NCR, closing it (refused, with the
reason, before its re-inspection passed).

Note: no `from __future__ import annotations` here: django-ninja reads the annotations.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from eoms.core.access import VIEW, can
from eoms.core.api import LinkPagination, etag_of
from eoms.quality import services_ncr
from eoms.quality.api_common import call
from eoms.quality.api_schemas import NcrOut, NoteIn
from eoms.quality.choices import NcrStatus, Severity
from eoms.quality.models import NonConformance
from eoms.quality.policies import CLOSE
from eoms.scheduling.api_common import optional_if_match

router = Router()
RELATED = ("inspection", "order", "task", "item", "responsible_crew", "closed_by")


class NcrFilters(Schema):
    status: NcrStatus | None = None
    severity: Severity | None = None
    order: str | None = Field(None, max_length=40, description="订单编号或 id")
    task: int | None = Field(None, description="任务 id")
    inspection: int | None = Field(None, description="检验 id")


def find_ncr(user: Any, pk: int, action: str = VIEW) -> NonConformance:
    found = NonConformance.objects.for_user(user).select_related(*RELATED).filter(pk=pk).first()
    if found is None:
        raise Http404
    if action != VIEW and not can(user, action, found):
        raise PermissionDenied(action)
    return found


@router.get("/ncrs", response=list[NcrOut], url_name="quality_ncrs",
            operation_id="quality_ncrs_list", summary="不合格项列表（按角色限定范围）")
@paginate(LinkPagination)
def list_ncrs(request: HttpRequest, filters: Query[NcrFilters]) -> Any:
    user = request.user
    if not can(user, VIEW, NonConformance):
        raise PermissionDenied()
    qs = NonConformance.objects.for_user(user).select_related(*RELATED)
    for name in ("status", "severity"):
        if getattr(filters, name):
            qs = qs.filter(**{name: getattr(filters, name)})
    if filters.order:
        key = filters.order.strip()
        qs = qs.filter(order_id=int(key)) if key.isdigit() else qs.filter(
            order__code__iexact=key)
    if filters.task is not None:
        qs = qs.filter(task_id=filters.task)
    if filters.inspection is not None:
        qs = qs.filter(inspection_id=filters.inspection)
    return qs.order_by("-created_at", "-pk")


@router.get("/ncrs/{int:pk}", response=NcrOut, url_name="quality_ncr",
            operation_id="quality_ncr_get", summary="不合格项详情")
def get_ncr(request: HttpRequest, pk: int, response: HttpResponse) -> Any:
    found = find_ncr(request.user, pk)
    response["ETag"] = etag_of(found)
    return found


@router.post("/ncrs/{int:pk}/close", response=NcrOut, operation_id="quality_ncr_close",
             summary="关闭不合格项（复检合格后；If-Match 可选）")
def close_ncr(request: HttpRequest, pk: int, payload: NoteIn, response: HttpResponse) -> Any:
    user = request.user
    ncr = find_ncr(user, pk, CLOSE)
    version = optional_if_match(request, ncr)
    call(lambda: services_ncr.close_ncr(ncr, actor=user, note=payload.note,
                                        expected_version=version))
    fresh = find_ncr(user, pk)
    response["ETag"] = etag_of(fresh)
    return fresh
