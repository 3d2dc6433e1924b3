"""Schemas of the materials API (read by eoms/materials/api.py)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse
from ninja import Field, Schema
from pydantic import ConfigDict

from eoms.materials.models import BatchUsage, Delivery, ReceivedBatch


class In(Schema):
    model_config = ConfigDict(extra="forbid")


class LineIn(In):
    order_line: int | None = Field(None, description="订单行 id（与 material 二选一）")
    material: str | None = Field(None, max_length=40, description="物料编码（订单上的物料）")
    batch_number: str = Field("", max_length=80, description="批号（炉批号）")
    quantity: Decimal | None = Field(None, description="数量（订单行的单位）")
    unit: str = Field("", max_length=20, description="单位；留空为订单行的单位")
    certificate_number: str = Field("", max_length=80, description="合格证编号")


class DeliveryIn(In):
    order: int | str = Field(..., description="订单 id 或编号")
    supplier: int | str = Field(..., description="供应商 id 或编码")
    delivered_on: dt.date | None = Field(None, description="进场日期，留空为今天")
    delivery_note: str = Field("", max_length=60, description="送货单号")
    note: str = Field("", max_length=5000)
    lines: list[LineIn] = Field(..., description="批次；文件字段为 lines.<i>.certificate_file "
                                "和 lines.<i>.test_report_file")


class UsageIn(In):
    task: int = Field(..., description="任务 id（与批次同一订单）")
    location: str = Field(..., max_length=200, description="使用部位")
    quantity: Decimal = Field(..., description="用量（批次的单位）")
    used_on: dt.date | None = Field(None, description="使用日期，留空为今天")


class UsageOut(Schema):
    id: int
    batch: int = Field(..., description="批次 id")
    batch_number: str
    label_code: str
    task: int
    task_name: str
    order: str
    location: str
    quantity: Decimal
    unit: str
    used_on: dt.date
    recorded_by: str

    @staticmethod
    def resolve_batch(obj: BatchUsage) -> int:
        return obj.batch_id

    @staticmethod
    def resolve_batch_number(obj: BatchUsage) -> str:
        return obj.batch.batch_number

    @staticmethod
    def resolve_label_code(obj: BatchUsage) -> str:
        return obj.batch.label_code

    @staticmethod
    def resolve_task(obj: BatchUsage) -> int:
        return obj.task_id

    @staticmethod
    def resolve_task_name(obj: BatchUsage) -> str:
        return obj.task.name

    @staticmethod
    def resolve_order(obj: BatchUsage) -> str:
        return obj.task.order.code

    @staticmethod
    def resolve_unit(obj: BatchUsage) -> str:
        return obj.batch.unit

    @staticmethod
    def resolve_recorded_by(obj: BatchUsage) -> str:
        return obj.recorded_by.username


class BatchOut(Schema):
    id: int
    label_code: str
    batch_number: str
    material: str = Field(..., description="物料编码")
    material_name: str
    supplier: str = Field(..., description="供应商编码")
    delivery: str = Field(..., description="进场编号")
    order: str
    order_line: int
    quantity: Decimal
    unit: str
    certificate_number: str
    urls: dict[str, str | None]

    @staticmethod
    def resolve_material(obj: ReceivedBatch) -> str:
        return obj.material.code

    @staticmethod
    def resolve_material_name(obj: ReceivedBatch) -> str:
        return obj.material.name

    @staticmethod
    def resolve_supplier(obj: ReceivedBatch) -> str:
        return obj.supplier.code

    @staticmethod
    def resolve_delivery(obj: ReceivedBatch) -> str:
        return obj.delivery.code

    @staticmethod
    def resolve_order(obj: ReceivedBatch) -> str:
        return obj.order_line.order.code

    @staticmethod
    def resolve_order_line(obj: ReceivedBatch) -> int:
        return obj.order_line_id

    @staticmethod
    def resolve_urls(obj: ReceivedBatch) -> dict[str, str | None]:
        code = obj.label_code
        return {"page": reverse("materials:label_open", args=[code]),
                "certificate": reverse("materials:batch_certificate", args=[code]),
                "test_report": reverse("materials:batch_test_report", args=[code])
                if obj.test_report_file else None,
                "label_png": reverse("materials:batch_label_png", args=[code]),
                "label_svg": reverse("materials:batch_label_svg", args=[code])}


class BatchDetailOut(BatchOut):
    remaining: Decimal
    usages: list[UsageOut]

    @staticmethod
    def resolve_usages(obj: ReceivedBatch) -> list[Any]:
        return list(getattr(obj, "usages_shown", []))


class DeliveryOut(Schema):
    id: int
    code: str
    order: str
    supplier: str
    supplier_name: str
    delivered_on: dt.date
    received_by: str
    delivery_note: str
    note: str
    batches: list[BatchOut]

    @staticmethod
    def resolve_order(obj: Delivery) -> str:
        return obj.order.code

    @staticmethod
    def resolve_supplier(obj: Delivery) -> str:
        return obj.supplier.code

    @staticmethod
    def resolve_supplier_name(obj: Delivery) -> str:
        return obj.supplier.name

    @staticmethod
    def resolve_received_by(obj: Delivery) -> str:
        return obj.received_by.username

    @staticmethod
    def resolve_batches(obj: Delivery) -> list[Any]:
        return list(obj.batches.all())


class DecodeOut(Schema):
    texts: list[str] = Field(..., description="识别到的条码/二维码内容")
    label_code: str | None = Field(None, description="是 EOMS 批次标签时，其标签编号")
    batch_url: str | None = Field(None, description="该批次的页面（您有权查看时）")
