"""Inspections: the list (scoped by role), one inspection with its items, results and
photos, recording results (JSON), adding photos (multipart), completing and ordering a
re-inspection. Each change is one service call (eoms.quality.services); a refusal is
problem+json naming the item (`item_<id>`) and writes nothing.

Note: no `from __future__ import annotations` here: django-ninja reads the annotations.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from eoms.core.access import CHANGE, VIEW, can
from eoms.core.api import LinkPagination, etag_of, require_if_match
from eoms.fieldwork.api_checkins import read_body, validated
from eoms.quality import services
from eoms.quality.api_common import call
from eoms.quality.api_schemas import (
    CompleteIn,
    InspectionDetailOut,
    InspectionOut,
    PhotosIn,
    ResultsIn,
)
from eoms.quality.choices import InspectionStatus
from eoms.quality.models import Inspection
from eoms.quality.policies import REINSPECT
from eoms.scheduling.api_common import invalid_field, optional_if_match

router = Router()
PHOTOS = "photos"
RELATED = ("order__project", "task", "template", "inspector", "completed_by")
DETAIL_PREFETCH = ("template__items", "results", "photos__taken_by", "ncrs")


class InspectionFilters(Schema):
    status: InspectionStatus | None = None
    mine: bool | None = Field(None, description="true：只看分派给我的")
    order: str | None = Field(None, max_length=40, description="订单编号或 id")
    task: int | None = Field(None, description="任务 id")


def find_inspection(user: Any, pk: int, action: str = VIEW) -> Inspection:
    """An inspection the user sees (else 404) and may `action` (else 403)."""
    found = (Inspection.objects.for_user(user).select_related(*RELATED)
             .prefetch_related(*DETAIL_PREFETCH).filter(pk=pk).first())
    if found is None:
        raise Http404
    if action != VIEW and not can(user, action, found):
        raise PermissionDenied(action)
    return found


def answer(inspection: Inspection, response: HttpResponse, *,
           created: bool = False) -> Inspection:
    """The inspection as it is now, with its ETag (and Location when made)."""
    fresh = (Inspection.objects.select_related(*RELATED).prefetch_related(*DETAIL_PREFETCH)
             .get(pk=inspection.pk))
    response["ETag"] = etag_of(fresh)
    if created:
        response["Location"] = reverse("api:quality_inspection", args=[fresh.pk])
    return fresh


def _photos_body() -> dict[str, Any]:
    form = {"type": "object", "required": ["item", PHOTOS], "properties": {
        "item": {"type": "string", "description": "影像资料项目（id 或 item_<id>）"},
        PHOTOS: {"type": "array", "items": {"type": "string", "format": "binary"},
                 "description": "照片（JPEG、PNG、HEIC、WebP），可多张"}}}
    return {"requestBody": {"required": True,
                            "content": {"multipart/form-data": {"schema": form}}}}


@router.get("/inspections", response=list[InspectionOut], url_name="quality_inspections",
            operation_id="quality_inspections_list", summary="质量检验列表（按角色限定范围）")
@paginate(LinkPagination)
def list_inspections(request: HttpRequest, filters: Query[InspectionFilters]) -> Any:
    user = request.user
    if not can(user, VIEW, Inspection):
        raise PermissionDenied()
    qs = Inspection.objects.for_user(user).select_related(*RELATED)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.mine is not None:
        qs = qs.filter(inspector=user) if filters.mine else qs.filter(~Q(inspector=user))
    if filters.order:
        key = filters.order.strip()
        qs = qs.filter(order_id=int(key)) if key.isdigit() else qs.filter(
            order__code__iexact=key)
    if filters.task is not None:
        qs = qs.filter(task_id=filters.task)
    return qs.order_by("-created_at", "-pk")


@router.get("/inspections/{int:pk}", response=InspectionDetailOut,
            url_name="quality_inspection", operation_id="quality_inspection_get",
            summary="质量检验详情：检验项目、结果和影像资料")
def get_inspection(request: HttpRequest, pk: int, response: HttpResponse) -> Any:
    found = find_inspection(request.user, pk)
    response["ETag"] = etag_of(found)
    return found


@router.post("/inspections/{int:pk}/results", response=InspectionDetailOut,
             operation_id="quality_inspection_results",
             summary="填写检验结果（JSON；需要 If-Match）")
def record_results(request: HttpRequest, pk: int, payload: ResultsIn,
                   response: HttpResponse) -> Any:
    user = request.user
    inspection = find_inspection(user, pk, CHANGE)
    version = require_if_match(request, inspection)
    if not payload.values and payload.note is None:
        raise invalid_field("values", _("请填写至少一个检验项目的结果或检验意见。"))
    saved = call(lambda: services.record_results(
        inspection, actor=user, values=payload.values, note=payload.note,
        expected_version=version))
    return answer(saved, response)


@router.post("/inspections/{int:pk}/photos", response={201: InspectionDetailOut},
             operation_id="quality_inspection_photos",
             summary="上传影像资料（multipart/form-data：item 和 photos，可多张）",
             openapi_extra=_photos_body())
def add_photos(request: HttpRequest, pk: int, response: HttpResponse) -> Any:
    user = request.user
    inspection = find_inspection(user, pk, CHANGE)
    version = optional_if_match(request, inspection)
    data, files = read_body(request, PHOTOS)
    payload = validated(PhotosIn, data)
    if not files:
        raise invalid_field(PHOTOS, _("请在 photos 字段中上传至少一张照片。"))
    saved = call(lambda: services.record_results(
        inspection, actor=user, values={}, photos={payload.item: files},
        expected_version=version))
    return Status(201, answer(saved, response))


@router.post("/inspections/{int:pk}/complete", response=InspectionDetailOut,
             operation_id="quality_inspection_complete",
             summary="完成检验：全部合格为合格，否则不合格并开具不合格项（需要 If-Match）")
def complete(request: HttpRequest, pk: int, payload: CompleteIn,
             response: HttpResponse) -> Any:
    user = request.user
    inspection = find_inspection(user, pk, CHANGE)
    version = require_if_match(request, inspection)
    saved = call(lambda: services.complete_inspection(
        inspection, actor=user, note=payload.note, expected_version=version))
    return answer(saved, response)


@router.post("/inspections/{int:pk}/reinspect", response={201: InspectionDetailOut},
             operation_id="quality_inspection_reinspect",
             summary="安排复检（不合格的检验；If-Match 可选）")
def reinspect(request: HttpRequest, pk: int, response: HttpResponse) -> Any:
    user = request.user
    inspection = find_inspection(user, pk, REINSPECT)
    version = optional_if_match(request, inspection)
    again = call(lambda: services.reinspect(inspection, actor=user, expected_version=version))
    return Status(201, answer(again, response, created=True))
