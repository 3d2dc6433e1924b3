"""The materials API: /api/v1/materials/ (session or `Authorization: Bearer <token>`).

    GET  /deliveries                 deliveries, scoped by role; ?order= ?supplier=
    GET  /deliveries/{id}            one delivery with its batches
    POST /deliveries                 receive: multipart/form-data with the fields of
                                     DeliveryIn (`lines` as a JSON text) and the files
                                     `lines.<i>.certificate_file` (required) and
                                     `lines.<i>.test_report_file`; application/json has no
                                     files, so it is refused naming each missing certificate
    GET  /batches                    batches, scoped; ?order= ?batch_number= ?label=
    GET  /batches/{id}               one batch, what is left of it and its usages (trace)
    POST /batches/{id}/usages        record usage on a task of the batch's order
    GET  /usages                     usages, scoped; ?task= (every batch in a task)
                                     ?batch= (every task and location of a batch)
    POST /decode                     multipart `image`: the barcode / QR texts in a photo
                                     (nothing stored); names the batch of an EOMS label

Errors are problem+json naming the field (`lines.1.quantity`); a refused receipt writes
nothing. POSTs honour `Idempotency-Key`.

Note: no `from __future__ import annotations` here: django-ninja reads the annotations.
"""

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ValidationError as PydanticValidationError

from eoms.core.access import ADD, VIEW, can
from eoms.core.api import ApiError, LinkPagination, etag_of, pydantic_errors
from eoms.masterdata.models import Material, Supplier
from eoms.materials import queries, scanning, services
from eoms.materials.api_schemas import (
    BatchDetailOut,
    BatchOut,
    DecodeOut,
    DeliveryIn,
    DeliveryOut,
    UsageIn,
    UsageOut,
)
from eoms.materials.models import BatchUsage, Delivery, ReceivedBatch
from eoms.orders.models import Order
from eoms.scheduling.api_common import call, invalid, invalid_field
from eoms.scheduling.models import Task

router = Router(tags=["materials"])
BATCH_RELATED = ("material", "supplier", "delivery", "order_line__order")
USAGE_RELATED = ("batch", "task__order", "recorded_by")
FILE_FIELDS = ("certificate_file", "test_report_file")


def _key(value: Any, code_field: str = "code") -> dict[str, Any]:
    text = str(value).strip()
    return {"pk": int(text)} if text.isdigit() else {f"{code_field}__iexact": text}


def _validated(schema: type[Schema], data: Any) -> Any:
    try:
        return schema.model_validate(data)
    except PydanticValidationError as exc:
        raise invalid(pydantic_errors(exc.errors()))


def _body(request: HttpRequest) -> tuple[dict[str, Any], Any]:
    """The fields (a multipart `lines` field read as JSON) and the uploaded files."""
    if request.content_type == "multipart/form-data":
        try:
            fields: dict[str, Any] = {k: v for k, v in request.POST.items() if v != ""}
            files = request.FILES
        except MultiPartParserError:
            raise ApiError(400, _("请求体无法解析"), _("multipart/form-data 格式有误。"))
        if "lines" in fields:
            try:
                fields["lines"] = json.loads(fields["lines"])
            except ValueError:
                raise invalid_field("lines", _("lines 应为 JSON 列表。"))
        return fields, files
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise invalid_field("body", _("请求体不是有效的 JSON。"))
    if not isinstance(data, dict):
        raise invalid_field("body", _("请求体应为 JSON 对象。"))
    return data, {}


def _service_lines(payload: DeliveryIn, files: Any) -> list[dict[str, Any]]:
    lines = []
    for index, line in enumerate(payload.lines):
        row: dict[str, Any] = line.dict()
        if line.material:
            material = Material.objects.filter(**_key(line.material)).first()
            if material is None:
                raise invalid_field(f"lines.{index}.material",
                                    _("找不到物料“%(m)s”。") % {"m": line.material})
            row["material"] = material
        for name in FILE_FIELDS:
            row[name] = files.get(f"lines.{index}.{name}") if files else None
        lines.append(row)
    return lines


def _delivery(pk: int) -> Delivery:
    return (Delivery.objects.select_related("order", "supplier", "received_by")
            .prefetch_related(Prefetch("batches", ReceivedBatch.objects.select_related(
                *BATCH_RELATED).order_by("pk"))).get(pk=pk))


@router.get("/deliveries", response=list[DeliveryOut], url_name="materials_deliveries",
            summary="进场记录（按角色限定范围）")
@paginate(LinkPagination)
def list_deliveries(request: HttpRequest, order: str | None = None,
                    supplier: str | None = None) -> Any:
    if not can(request.user, VIEW, Delivery):
        raise PermissionDenied(VIEW)
    qs = (Delivery.objects.for_user(request.user, VIEW)
          .select_related("order", "supplier", "received_by")
          .prefetch_related(Prefetch("batches", ReceivedBatch.objects.select_related(
              *BATCH_RELATED).order_by("pk"))))
    if order:
        qs = qs.filter(**{f"order__{k}": v for k, v in _key(order).items()})
    if supplier:
        qs = qs.filter(**{f"supplier__{k}": v for k, v in _key(supplier).items()})
    return qs.order_by("-delivered_on", "-pk")


@router.get("/deliveries/{int:pk}", response=DeliveryOut, url_name="materials_delivery",
            summary="进场记录详情")
def get_delivery(request: HttpRequest, pk: int, response: HttpResponse) -> Any:
    if not Delivery.objects.for_user(request.user, VIEW).filter(pk=pk).exists():
        raise Http404
    found = _delivery(pk)
    response["ETag"] = etag_of(found)
    return found


@router.post("/deliveries", response={201: DeliveryOut}, url_name="materials_receive",
             summary="材料进场验收（multipart/form-data，含合格证文件）")
def receive(request: HttpRequest, response: HttpResponse) -> Any:
    user = request.user
    if not can(user, ADD, Delivery):
        raise PermissionDenied(ADD)
    data, files = _body(request)
    payload = _validated(DeliveryIn, data)
    order = Order.objects.for_user(user, VIEW).filter(**_key(payload.order)).first()
    if order is None:
        raise invalid_field("order", _("找不到订单“%(o)s”，或您无权查看。") % {"o": payload.order})
    if not can(user, ADD, Delivery(order=order)):
        raise invalid_field("order", _("您不能为订单 %(o)s 收料。") % {"o": order.code})
    supplier = Supplier.objects.filter(**_key(payload.supplier)).first()
    if supplier is None:
        raise invalid_field("supplier", _("找不到供应商“%(s)s”。") % {"s": payload.supplier})
    lines = _service_lines(payload, files)
    delivery = call(lambda: services.receive_delivery(
        order, actor=user, supplier=supplier, lines=lines, delivered_on=payload.delivered_on,
        delivery_note=payload.delivery_note, note=payload.note))
    response["Location"] = reverse("api:materials_delivery", args=[delivery.pk])
    return Status(201, _delivery(delivery.pk))


@router.get("/batches", response=list[BatchOut], url_name="materials_batches",
            summary="进场批次（按角色限定范围）")
@paginate(LinkPagination)
def list_batches(request: HttpRequest, order: str | None = None,
                 batch_number: str | None = None, label: str | None = None) -> Any:
    if not can(request.user, VIEW, ReceivedBatch):
        raise PermissionDenied(VIEW)
    qs = ReceivedBatch.objects.for_user(request.user, VIEW).select_related(*BATCH_RELATED)
    if order:
        qs = qs.filter(**{f"order_line__order__{k}": v for k, v in _key(order).items()})
    if batch_number:
        qs = qs.filter(batch_number__iexact=batch_number.strip())
    if label:
        qs = qs.filter(label_code=scanning.label_code_in(label) or label.strip())
    return qs.order_by("-pk")


def _batch(user: Any, pk: int) -> ReceivedBatch:
    found = (ReceivedBatch.objects.for_user(user, VIEW).select_related(*BATCH_RELATED)
             .filter(pk=pk).first())
    if found is None:
        raise Http404
    return found


def _batch_detail(user: Any, batch: ReceivedBatch) -> ReceivedBatch:
    batch.remaining = queries.remaining(batch)  # type: ignore[attr-defined]
    batch.usages_shown = list(queries.trace_of_batch(batch).filter(  # type: ignore[attr-defined]
        pk__in=BatchUsage.objects.for_user(user, VIEW).values("pk")).select_related("batch"))
    return batch


@router.get("/batches/{int:pk}", response=BatchDetailOut, url_name="materials_batch",
            summary="批次详情：剩余量和使用记录（追溯）")
def get_batch(request: HttpRequest, pk: int, response: HttpResponse) -> Any:
    batch = _batch(request.user, pk)
    response["ETag"] = etag_of(batch)
    return _batch_detail(request.user, batch)


@router.post("/batches/{int:pk}/usages", response={201: UsageOut},
             url_name="materials_batch_use", summary="记录批次使用（任务和部位）")
def use_batch(request: HttpRequest, pk: int) -> Any:
    user = request.user
    batch = _batch(user, pk)
    if not can(user, ADD, BatchUsage):
        raise PermissionDenied(ADD)
    payload = _validated(UsageIn, _body(request)[0])
    task = Task.objects.for_user(user, VIEW).select_related("order").filter(
        pk=payload.task).first()
    if task is None:
        raise invalid_field("task", _("找不到任务“%(t)s”，或您无权查看。") % {"t": payload.task})
    usage = call(lambda: services.record_usage(
        batch, actor=user, task=task, location=payload.location, quantity=payload.quantity,
        used_on=payload.used_on))
    return Status(201, BatchUsage.objects.select_related(*USAGE_RELATED).get(pk=usage.pk))


@router.get("/usages", response=list[UsageOut], url_name="materials_usages",
            summary="批次使用记录：?task= 查任务用了哪些批次，?batch= 查批次用在哪里")
@paginate(LinkPagination)
def list_usages(request: HttpRequest, task: int | None = None, batch: int | None = None) -> Any:
    if not can(request.user, VIEW, BatchUsage):
        raise PermissionDenied(VIEW)
    qs = BatchUsage.objects.for_user(request.user, VIEW).select_related(*USAGE_RELATED)
    if task is not None:
        qs = qs.filter(task_id=task)
    if batch is not None:
        qs = qs.filter(batch_id=batch)
    return qs.order_by("-used_on", "-pk")


def may_scan(user: Any) -> bool:
    return can(user, ADD, Delivery) or can(user, ADD, BatchUsage) or can(
        user, VIEW, ReceivedBatch)


@router.post("/decode", response=DecodeOut, url_name="materials_decode",
             summary="识别照片中的条码/二维码（multipart，字段 image；不保存图片）")
def decode(request: HttpRequest) -> Any:
    user = request.user
    if not may_scan(user):
        raise PermissionDenied(ADD)
    if request.content_type != "multipart/form-data":
        raise invalid_field("image", _("请用 multipart/form-data 上传图片（字段 image）。"))
    try:
        upload = request.FILES.get("image")
    except MultiPartParserError:
        raise ApiError(400, _("请求体无法解析"), _("multipart/form-data 格式有误。"))
    try:
        texts = scanning.decode(upload)
    except scanning.ScanRefused as refused:
        raise invalid_field("image", str(refused))
    code = next((c for c in map(scanning.label_code_in, texts) if c), None)
    url = None
    if code and ReceivedBatch.objects.for_user(user, VIEW).filter(label_code=code).exists():
        url = reverse("materials:label_open", args=[code])
    return {"texts": texts, "label_code": code, "batch_url": url}
