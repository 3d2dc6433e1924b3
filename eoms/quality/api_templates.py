"""Inspection templates with their items, and the checkpoints that start inspections.

Note: no `from __future__ import annotations` here: django-ninja reads the annotations.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from eoms.core.access import VIEW, can
from eoms.core.api import LinkPagination, etag_of
from eoms.quality.api_schemas import CheckpointOut, TemplateOut
from eoms.quality.choices import Trigger
from eoms.quality.models import Checkpoint, InspectionTemplate

router = Router()


class TemplateFilters(Schema):
    active: bool | None = Field(None, description="true：只看启用的模板")


class CheckpointFilters(Schema):
    template: str | None = Field(None, max_length=40, description="检验模板编码")
    trigger: Trigger | None = None
    active: bool | None = None


def _templates(user: Any) -> Any:
    if not can(user, VIEW, InspectionTemplate):
        raise PermissionDenied()
    return InspectionTemplate.objects.for_user(user).prefetch_related("items")


@router.get("/templates", response=list[TemplateOut], url_name="quality_templates",
            operation_id="quality_templates_list", summary="检验模板（含检验项目）")
@paginate(LinkPagination)
def list_templates(request: HttpRequest, filters: Query[TemplateFilters]) -> Any:
    qs = _templates(request.user)
    if filters.active is not None:
        qs = qs.filter(active=filters.active)
    return qs.order_by("code", "pk")


@router.get("/templates/{int:pk}", response=TemplateOut, url_name="quality_template",
            operation_id="quality_template_get", summary="检验模板详情（含检验项目）")
def get_template(request: HttpRequest, pk: int, response: HttpResponse) -> Any:
    found = (InspectionTemplate.objects.for_user(request.user).prefetch_related("items")
             .filter(pk=pk).first())
    if found is None:
        raise Http404
    response["ETag"] = etag_of(found)
    return found


@router.get("/checkpoints", response=list[CheckpointOut], url_name="quality_checkpoints",
            operation_id="quality_checkpoints_list", summary="检验点：何时自动发起检验")
@paginate(LinkPagination)
def list_checkpoints(request: HttpRequest, filters: Query[CheckpointFilters]) -> Any:
    user = request.user
    if not can(user, VIEW, Checkpoint):
        raise PermissionDenied()
    qs = Checkpoint.objects.for_user(user).select_related("template", "project")
    if filters.template:
        qs = qs.filter(template__code__iexact=filters.template.strip())
    if filters.trigger:
        qs = qs.filter(trigger=filters.trigger)
    if filters.active is not None:
        qs = qs.filter(active=filters.active)
    return qs.order_by("trigger", "name", "pk")
