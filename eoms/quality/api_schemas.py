"""What the quality API reads and answers. Related records are named by code (order,
template, crew, project) and id, people by username; photos and signatures are URLs of
the access-checked pages that serve them (never public media URLs).

Note: no `from __future__ import annotations` here: django-ninja reads the annotations.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse
from ninja import Field, Schema
from pydantic import ConfigDict

from eoms.quality import answers, gates
from eoms.quality.choices import InspectionStatus, ItemKind, NcrStatus, Severity
from eoms.quality.models import (
    Checkpoint,
    Inspection,
    InspectionPhoto,
    InspectionResult,
    InspectionTemplate,
    NonConformance,
    TemplateItem,
)


class In(Schema):
    model_config = ConfigDict(extra="forbid")


def _username(user: Any) -> str | None:
    return None if user is None else user.username


def _code(related: Any) -> str | None:
    return None if related is None else related.code


# --- templates and checkpoints ---------------------------------------------------------------

class TemplateItemOut(Schema):
    id: int
    key: str = Field(..., description="填写结果时的键：item_<id>")
    position: int
    kind: str
    kind_label: str
    label: str
    guidance: str
    required: bool
    unit: str
    nominal: Decimal | None = None
    tolerance_minus: Decimal | None = None
    tolerance_plus: Decimal | None = None
    tolerance: str = Field(..., description="允许偏差的文字说明")
    min_photos: int
    photos_needed: int = Field(..., description="完成检验前至少需要的照片数")

    @staticmethod
    def resolve_key(obj: TemplateItem) -> str:
        return answers.key(obj)

    @staticmethod
    def resolve_kind_label(obj: TemplateItem) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_tolerance(obj: TemplateItem) -> str:
        return answers.tolerance_text(obj)

    @staticmethod
    def resolve_photos_needed(obj: TemplateItem) -> int:
        return answers.photos_needed(obj) if obj.kind == ItemKind.PHOTO else 0


class TemplateOut(Schema):
    id: int
    code: str
    name: str
    standard_kind: str
    standard_kind_label: str
    standard_ref: str
    description: str
    active: bool
    items: list[TemplateItemOut]

    @staticmethod
    def resolve_standard_kind_label(obj: InspectionTemplate) -> str:
        return str(obj.get_standard_kind_display())

    @staticmethod
    def resolve_items(obj: InspectionTemplate) -> list[TemplateItem]:
        return list(obj.items.all())


class CheckpointOut(Schema):
    id: int
    name: str
    template: str = Field(..., description="检验模板编码")
    template_id: int
    trigger: str
    trigger_label: str
    work_type: str
    concealed_only: bool
    milestone: str
    order_type: str
    project: str | None = Field(None, description="项目编码；空为所有项目")
    active: bool

    @staticmethod
    def resolve_template(obj: Checkpoint) -> str:
        return obj.template.code

    @staticmethod
    def resolve_trigger_label(obj: Checkpoint) -> str:
        return str(obj.get_trigger_display())

    @staticmethod
    def resolve_project(obj: Checkpoint) -> str | None:
        return _code(obj.project)


# --- inspections -----------------------------------------------------------------------------

class Gps(Schema):
    latitude: float
    longitude: float


class InspectionPhotoOut(Schema):
    id: int
    item: int | None = Field(None, description="检验项目 id")
    kind: str
    url: str = Field(..., description="带水印的照片（按权限提供）")
    taken_at: dt.datetime | None = Field(None, description="EXIF 拍摄时间")
    gps: Gps | None = Field(None, description="EXIF 拍摄位置")
    taken_by: str
    width: int
    height: int
    caption: str
    created_at: dt.datetime

    @staticmethod
    def resolve_item(obj: InspectionPhoto) -> int | None:
        return obj.item_id

    @staticmethod
    def resolve_url(obj: InspectionPhoto) -> str:
        return reverse("quality:photo_image", args=[obj.pk])

    @staticmethod
    def resolve_gps(obj: InspectionPhoto) -> dict[str, float] | None:
        if obj.gps_latitude is None or obj.gps_longitude is None:
            return None
        return {"latitude": float(obj.gps_latitude), "longitude": float(obj.gps_longitude)}

    @staticmethod
    def resolve_taken_by(obj: InspectionPhoto) -> str:
        return obj.taken_by.username


class ResultOut(Schema):
    value: Decimal | None = Field(None, description="实测值")
    passed: bool | None = None
    text: str
    signature_url: str | None = Field(None, description="手写签名图片（按权限提供）")

    @staticmethod
    def resolve_signature_url(obj: InspectionResult) -> str | None:
        return reverse("quality:signature_image", args=[obj.pk]) if obj.signature else None


class InspectionItemOut(TemplateItemOut):
    """An item with its answer and photos (set on the item by InspectionDetailOut)."""

    result: ResultOut | None = Field(None, description="尚未填写为 null")
    photos: list[InspectionPhotoOut]

    @staticmethod
    def resolve_result(obj: TemplateItem) -> InspectionResult | None:
        return getattr(obj, "api_result", None)

    @staticmethod
    def resolve_photos(obj: TemplateItem) -> list[InspectionPhoto]:
        return getattr(obj, "api_photos", [])


class InspectionOut(Schema):
    id: int
    code: str
    order: str = Field(..., description="订单编号")
    order_id: int
    task: int | None = Field(None, description="任务 id")
    task_name: str | None = None
    template: str = Field(..., description="检验模板编码")
    template_name: str
    inspector: str | None = Field(None, description="质检员用户名")
    status: InspectionStatus
    status_label: str
    round: int
    repeats: int | None = Field(None, description="复检的是哪次检验（id）")
    started_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    completed_by: str | None = None
    note: str
    created_at: dt.datetime
    version: int

    @staticmethod
    def resolve_order(obj: Inspection) -> str:
        return obj.order.code

    @staticmethod
    def resolve_task(obj: Inspection) -> int | None:
        return obj.task_id

    @staticmethod
    def resolve_task_name(obj: Inspection) -> str | None:
        return obj.task.name if obj.task is not None else None

    @staticmethod
    def resolve_template(obj: Inspection) -> str:
        return obj.template.code

    @staticmethod
    def resolve_template_name(obj: Inspection) -> str:
        return obj.template.name

    @staticmethod
    def resolve_inspector(obj: Inspection) -> str | None:
        return _username(obj.inspector)

    @staticmethod
    def resolve_status_label(obj: Inspection) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_repeats(obj: Inspection) -> int | None:
        return obj.repeats_id

    @staticmethod
    def resolve_completed_by(obj: Inspection) -> str | None:
        return _username(obj.completed_by)


class NcrRef(Schema):
    id: int
    code: str
    status: NcrStatus


class InspectionDetailOut(InspectionOut):
    subject: str = Field(..., description="检验对象的说明")
    items: list[InspectionItemOut]
    photos: list[InspectionPhotoOut] = Field(..., description="全部影像资料")
    ncrs: list[NcrRef] = Field(..., description="本次检验开具的不合格项")
    reinspection: int | None = Field(None, description="复检（id）")

    @staticmethod
    def resolve_subject(obj: Inspection) -> str:
        return gates.describe(obj)

    @staticmethod
    def resolve_items(obj: Inspection) -> list[TemplateItem]:
        results = {r.item_id: r for r in obj.results.all()}
        photos: dict[int, list[InspectionPhoto]] = {}
        for photo in obj.photos.all():
            photos.setdefault(photo.item_id or 0, []).append(photo)
        items = list(obj.template.items.all())
        for item in items:
            item.api_result = results.get(item.pk)  # type: ignore[attr-defined]
            item.api_photos = photos.get(item.pk, [])  # type: ignore[attr-defined]
        return items

    @staticmethod
    def resolve_photos(obj: Inspection) -> list[InspectionPhoto]:
        return list(obj.photos.all())

    @staticmethod
    def resolve_ncrs(obj: Inspection) -> list[NonConformance]:
        return list(obj.ncrs.all())

    @staticmethod
    def resolve_reinspection(obj: Inspection) -> int | None:
        return Inspection.objects.filter(repeats=obj).values_list("pk", flat=True).first()


class ResultsIn(In):
    values: dict[str, Any] = Field(
        default_factory=dict,
        description="检验项目（item_<id> 或 id）→ 结果：合格/不合格为 pass/fail 或 true/false，"
                    "实测实量为数字，文字记录为文字，签名为 PNG 的 data URL")
    note: str | None = Field(None, max_length=5000, description="检验意见")


class CompleteIn(In):
    note: str | None = Field(None, max_length=5000, description="检验意见")


class PhotosIn(In):
    item: int | str = Field(..., description="影像资料项目（id 或 item_<id>）")


# --- non-conformance and acceptance ----------------------------------------------------------

class NcrOut(Schema):
    id: int
    code: str
    inspection: int = Field(..., description="检验 id")
    inspection_code: str
    item: int | None = Field(None, description="检验项目 id")
    item_label: str | None = None
    order: str = Field(..., description="订单编号")
    task: int | None = None
    task_name: str | None = None
    severity: Severity
    severity_label: str
    cause: str
    responsible_crew: str | None = Field(None, description="责任班组编码")
    status: NcrStatus
    status_label: str
    rework_task: int | None = Field(None, description="返工任务 id")
    closing_inspection: int | None = Field(None, description="关闭所依据的复检 id")
    closed_by: str | None = None
    closed_at: dt.datetime | None = None
    closing_note: str
    created_at: dt.datetime
    version: int

    @staticmethod
    def resolve_inspection(obj: NonConformance) -> int:
        return obj.inspection_id

    @staticmethod
    def resolve_inspection_code(obj: NonConformance) -> str:
        return obj.inspection.code

    @staticmethod
    def resolve_item(obj: NonConformance) -> int | None:
        return obj.item_id

    @staticmethod
    def resolve_item_label(obj: NonConformance) -> str | None:
        return obj.item.label if obj.item is not None else None

    @staticmethod
    def resolve_order(obj: NonConformance) -> str:
        return obj.order.code

    @staticmethod
    def resolve_task(obj: NonConformance) -> int | None:
        return obj.task_id

    @staticmethod
    def resolve_task_name(obj: NonConformance) -> str | None:
        return obj.task.name if obj.task is not None else None

    @staticmethod
    def resolve_severity_label(obj: NonConformance) -> str:
        return str(obj.get_severity_display())

    @staticmethod
    def resolve_responsible_crew(obj: NonConformance) -> str | None:
        return _code(obj.responsible_crew)

    @staticmethod
    def resolve_status_label(obj: NonConformance) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_rework_task(obj: NonConformance) -> int | None:
        return obj.rework_task_id

    @staticmethod
    def resolve_closing_inspection(obj: NonConformance) -> int | None:
        return obj.closing_inspection_id

    @staticmethod
    def resolve_closed_by(obj: NonConformance) -> str | None:
        return _username(obj.closed_by)


class NoteIn(In):
    note: str = Field("", max_length=2000, description="说明")


class AcceptIn(In):
    note: str = Field("", max_length=300, description="验收意见")


class AcceptanceOut(Schema):
    task: int
    task_name: str
    is_concealed: bool
    accepted: bool
    accepted_by: str | None = None
    accepted_at: dt.datetime | None = None
    note: str = ""
    may_accept: bool = Field(..., description="当前用户有权验收此任务")
    reasons: list[str] = Field(..., description="不能验收的原因（缺什么）；空表示可以验收")
