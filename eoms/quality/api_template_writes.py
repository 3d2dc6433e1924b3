"""Keeping templates and checkpoints through the API (management and QC inspectors).

- `POST /templates` `{code, name, standard_kind, standard_ref, description, active,
  items: [{kind, label, guidance, required, unit, nominal, tolerance_minus,
  tolerance_plus, min_photos}]}`;
- `PATCH /templates/{id}` (If-Match): the fields given; `items`, when given, becomes the
  template's items in that order (an entry with `id` changes that item, one without adds
  one, items left out are removed);
- `POST /templates/{id}/copy` `{code, name}`; `DELETE /templates/{id}` (409 with the
  count when inspections used it: deactivate it with PATCH `{active: false}`);
- `POST /checkpoints` `{name, template (code), trigger, work_type, concealed_only,
  milestone, order_type, project (code), active}`; `PATCH /checkpoints/{id}` (If-Match).

A refusal is problem+json naming the field (`items.<index>.<field>` for an item), and
nothing is written. The operations join api_templates' router: ninja answers a path
from the first router that has it, so reads and writes of one path share a router.

Note: no `from __future__ import annotations` here: django-ninja reads the annotations.
"""

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Status

from eoms.core.access import ADD, CHANGE, DELETE, can
from eoms.core.api import etag_of, require_if_match
from eoms.masterdata.models import Project
from eoms.quality import services_checkpoints, services_templates
from eoms.quality.api_common import call
from eoms.quality.api_schemas import CheckpointOut, In, TemplateOut
from eoms.quality.api_templates import router
from eoms.quality.models import Checkpoint, InspectionTemplate
from eoms.scheduling.api_common import invalid_field


class ItemIn(In):
    id: int | None = Field(None, description="已有检验项目的 id；不填为新增")
    kind: str = Field(..., description="pass_fail / measurement / photo / text / signature")
    label: str = Field(..., max_length=120)
    guidance: str = Field("", max_length=300)
    required: bool = True
    unit: str = Field("", max_length=20)
    nominal: Decimal | None = None
    tolerance_minus: Decimal | None = None
    tolerance_plus: Decimal | None = None
    min_photos: int = Field(0, ge=0, le=100)


class TemplateIn(In):
    code: str = Field(..., max_length=40)
    name: str = Field(..., max_length=100)
    standard_kind: str
    standard_ref: str = Field("", max_length=200)
    description: str = ""
    active: bool = True
    items: list[ItemIn] = []


class TemplatePatch(In):
    code: str | None = Field(None, max_length=40)
    name: str | None = Field(None, max_length=100)
    standard_kind: str | None = None
    standard_ref: str | None = Field(None, max_length=200)
    description: str | None = None
    active: bool | None = None
    items: list[ItemIn] | None = None


class CopyIn(In):
    code: str = Field(..., max_length=40, description="新模板的编码")
    name: str = Field("", max_length=100, description="新模板的名称；不填沿用原名")


class CheckpointIn(In):
    name: str = Field(..., max_length=100)
    template: str = Field(..., max_length=40, description="检验模板编码")
    trigger: str
    work_type: str = ""
    concealed_only: bool = False
    milestone: str = ""
    order_type: str = ""
    project: str | None = Field(None, max_length=40, description="项目编码；空为所有项目")
    active: bool = True


class CheckpointPatch(In):
    name: str | None = Field(None, max_length=100)
    template: str | None = Field(None, max_length=40)
    trigger: str | None = None
    work_type: str | None = None
    concealed_only: bool | None = None
    milestone: str | None = None
    order_type: str | None = None
    project: str | None = Field(None, max_length=40)
    active: bool | None = None


def _template(user: Any, pk: int) -> InspectionTemplate:
    found = InspectionTemplate.objects.for_user(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _answer_template(template: InspectionTemplate, response: HttpResponse) -> Any:
    fresh = InspectionTemplate.objects.prefetch_related("items").get(pk=template.pk)
    response["ETag"] = etag_of(fresh)
    return fresh


def _split(payload: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    items = payload.pop("items", None)
    return payload, items


@router.post("/templates", response={201: TemplateOut}, operation_id="quality_template_create",
             summary="新建检验模板（含检验项目）")
def create_template(request: HttpRequest, payload: TemplateIn, response: HttpResponse) -> Any:
    user = request.user
    if not can(user, ADD, InspectionTemplate):
        raise PermissionDenied()
    data, items = _split(payload.model_dump())
    made = call(lambda: services_templates.create_template(actor=user, data=data,
                                                           items=items or []))
    return Status(201, _answer_template(made, response))


@router.patch("/templates/{int:pk}", response=TemplateOut,
              operation_id="quality_template_update",
              summary="修改检验模板（需要 If-Match；items 给出时即为全部检验项目及顺序）")
def update_template(request: HttpRequest, pk: int, payload: TemplatePatch,
                    response: HttpResponse) -> Any:
    user = request.user
    template = _template(user, pk)
    if not can(user, CHANGE, template):
        raise PermissionDenied()
    version = require_if_match(request, template)
    data, items = _split(payload.model_dump(exclude_unset=True))
    saved = call(lambda: services_templates.update_template(
        template, actor=user, data=data, items=items, expected_version=version))
    return _answer_template(saved, response)


@router.post("/templates/{int:pk}/copy", response={201: TemplateOut},
             operation_id="quality_template_copy", summary="复制检验模板（新编码）")
def copy_template(request: HttpRequest, pk: int, payload: CopyIn,
                  response: HttpResponse) -> Any:
    user = request.user
    template = _template(user, pk)
    if not can(user, ADD, InspectionTemplate):
        raise PermissionDenied()
    made = call(lambda: services_templates.copy_template(
        template, actor=user, code=payload.code, name=payload.name))
    return Status(201, _answer_template(made, response))


@router.delete("/templates/{int:pk}", response={204: None},
               operation_id="quality_template_delete",
               summary="删除未使用过的检验模板（已使用的请停用）")
def delete_template(request: HttpRequest, pk: int) -> Any:
    user = request.user
    template = _template(user, pk)
    if not can(user, DELETE, template):
        raise PermissionDenied()
    call(lambda: services_templates.delete_template(template, actor=user))
    return Status(204, None)


def _checkpoint_data(user: Any, payload: dict[str, Any]) -> dict[str, Any]:
    """Codes turned into the objects they name (only those the user sees)."""
    if "template" in payload:
        code = (payload["template"] or "").strip()
        payload["template"] = InspectionTemplate.objects.for_user(user).filter(
            code__iexact=code).first()
        if payload["template"] is None:
            raise invalid_field("template", _("没有编码为“%(c)s”的检验模板。") % {"c": code})
    if "project" in payload:
        code = (payload["project"] or "").strip()
        payload["project"] = None
        if code:
            payload["project"] = Project.objects.for_user(user).filter(
                code__iexact=code).first()
            if payload["project"] is None:
                raise invalid_field("project", _("没有编码为“%(c)s”的项目。") % {"c": code})
    return payload


def _answer_checkpoint(checkpoint: Checkpoint, response: HttpResponse) -> Any:
    fresh = Checkpoint.objects.select_related("template", "project").get(pk=checkpoint.pk)
    response["ETag"] = etag_of(fresh)
    return fresh


@router.post("/checkpoints", response={201: CheckpointOut},
             operation_id="quality_checkpoint_create", summary="新建检验点")
def create_checkpoint(request: HttpRequest, payload: CheckpointIn,
                      response: HttpResponse) -> Any:
    user = request.user
    if not can(user, ADD, Checkpoint):
        raise PermissionDenied()
    data = _checkpoint_data(user, payload.model_dump())
    made = call(lambda: services_checkpoints.create_checkpoint(actor=user, data=data))
    return Status(201, _answer_checkpoint(made, response))


@router.patch("/checkpoints/{int:pk}", response=CheckpointOut,
              operation_id="quality_checkpoint_update",
              summary="修改检验点（需要 If-Match；active=false 即停用）")
def update_checkpoint(request: HttpRequest, pk: int, payload: CheckpointPatch,
                      response: HttpResponse) -> Any:
    user = request.user
    checkpoint = Checkpoint.objects.for_user(user).filter(pk=pk).first()
    if checkpoint is None:
        raise Http404
    if not can(user, CHANGE, checkpoint):
        raise PermissionDenied()
    version = require_if_match(request, checkpoint)
    data = _checkpoint_data(user, payload.model_dump(exclude_unset=True))
    saved = call(lambda: services_checkpoints.update_checkpoint(
        checkpoint, actor=user, data=data, expected_version=version))
    return _answer_checkpoint(saved, response)
