"""Every change to material receiving: a delivery received with its batches, and the use
of a batch on a task.

A delivery is received whole or not at all: every line is checked (material on the
order, quantity within what is outstanding, units, certificate, batch not received
before, supplier approved for the material, order in a receiving status) and the refusal
names each bad line; the certificate files are written only when every check passed, and
deleted again if the transaction fails.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eoms.core import codes
from eoms.core.access import ADD, VIEW, can, require
from eoms.core.context import business_event
from eoms.core.stored_files import delete_on_rollback
from eoms.lib.text import plain_decimal
from eoms.masterdata.models import Material, MaterialCategory, Supplier
from eoms.materials import certificates
from eoms.materials.models import BatchUsage, Delivery, ReceivedBatch
from eoms.materials.queries import ZERO, received_on, remaining
from eoms.orders.choices import OrderStatus
from eoms.orders.models import Order, OrderLine
from eoms.scheduling.models import Task

codes.register_default("delivery", "JC-{year}-{seq:05}")
codes.register_default("batch_label", "MB-{year}-{seq:06}")

RECEIVING_STATUSES = (OrderStatus.ASSIGNED, OrderStatus.IN_PROGRESS, OrderStatus.INSPECTION)
MAX_QUANTITY = Decimal("99999999999")


def field_error(name: str, message: str, code: str) -> ValidationError:
    return ValidationError({name: ValidationError(message, code=code)})


@dataclass
class _Line:
    """One batch line being checked; `errors` maps a field to its message."""

    index: int
    data: dict[str, Any]
    order_line: OrderLine | None = None
    batch_number: str = ""
    quantity: Decimal | None = None
    unit: str = ""
    certificate: certificates.CheckedFile | None = None
    test_report: certificates.CheckedFile | None = None
    errors: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        material = self.order_line.material.name if self.order_line else ""
        if material:
            return _("第 %(n)s 行（%(m)s）") % {"n": self.index + 1, "m": material}
        return _("第 %(n)s 行") % {"n": self.index + 1}

    def refuse(self, name: str, message: str, code: str) -> None:
        self.errors.setdefault(name, (_("%(line)s：%(message)s") % {
            "line": self.label, "message": message}, code))


def _approved(supplier: Supplier, category: MaterialCategory) -> bool:
    """Approved for the category or one of its parents (钢材 covers 钢筋)."""
    approved = set(supplier.categories.values_list("pk", flat=True))
    seen: set[int] = set()
    current: MaterialCategory | None = category
    while current is not None and current.pk not in seen:
        if current.pk in approved:
            return True
        seen.add(current.pk)
        current = current.parent
    return False


def _resolve_line(line: _Line, order: Order, supplier: Supplier) -> None:
    value, material = line.data.get("order_line"), line.data.get("material")
    lines = order.lines.select_related("material__category")
    if value not in (None, ""):
        pk = str(getattr(value, "pk", value)).strip()
        found = lines.filter(pk=int(pk)).first() if pk.isdigit() else None
        if found is None:
            line.refuse("order_line", _("订单行不属于订单 %(o)s。") % {"o": order.code},
                        "not_on_order")
            return
        line.order_line = found
    elif isinstance(material, Material):
        line.order_line = lines.filter(material=material).order_by("line_no").first()
        if line.order_line is None:
            line.refuse("material", _("物料“%(m)s”不在订单 %(o)s 上。")
                        % {"m": material.name, "o": order.code}, "not_on_order")
            return
    else:
        line.refuse("order_line", _("请选择订单行（物料）。"), "required")
        return
    category = line.order_line.material.category
    if not _approved(supplier, category):
        line.refuse("material", _("供应商“%(s)s”未获准供应“%(c)s”类物料。")
                    % {"s": supplier.name, "c": category.name}, "supplier_not_approved")


def _quantity(line: _Line) -> None:
    raw = line.data.get("quantity")
    try:
        quantity = Decimal(str(raw).strip()) if raw not in (None, "") else None
    except (InvalidOperation, ValueError):
        quantity = None
    if quantity is None or not quantity.is_finite() or quantity <= 0 or quantity > MAX_QUANTITY:
        line.refuse("quantity", _("数量必须是大于 0 的数字。"), "invalid")
        return
    if quantity != quantity.quantize(Decimal("0.001")):
        line.refuse("quantity", _("数量最多保留 3 位小数。"), "invalid")
        return
    line.quantity = quantity
    unit = str(line.data.get("unit") or "").strip()
    expected = line.order_line.unit if line.order_line else unit
    if unit and line.order_line and unit != expected:
        line.refuse("unit", _("单位“%(u)s”与订单行的单位“%(e)s”不一致。")
                    % {"u": unit, "e": expected}, "unit_mismatch")
    line.unit = expected


def _files(line: _Line) -> None:
    number = str(line.data.get("certificate_number") or "").strip()
    upload = line.data.get("certificate_file")
    if not number:
        line.refuse("certificate_number", _("缺少合格证编号。"), "certificate_missing")
    elif len(number) > 80:
        line.refuse("certificate_number", _("合格证编号不能超过 80 个字符。"), "too_long")
    if not upload:
        line.refuse("certificate_file", _("缺少合格证文件（PDF 或照片）。"),
                    "certificate_missing")
    for name, slot in (("certificate_file", "certificate"), ("test_report_file", "test_report")):
        upload = line.data.get(name)
        if not upload:
            continue
        try:
            setattr(line, slot, certificates.check(upload))
        except certificates.FileRefused as refused:
            what = _("合格证文件") if slot == "certificate" else _("检测报告")
            line.refuse(name, _("%(what)s：%(why)s") % {"what": what, "why": refused},
                        "file_refused")


def _batch_number(line: _Line, supplier: Supplier, seen: set[tuple[int, str]]) -> None:
    number = str(line.data.get("batch_number") or "").strip()
    if not number:
        line.refuse("batch_number", _("缺少批号。"), "required")
        return
    if len(number) > 80:
        line.refuse("batch_number", _("批号不能超过 80 个字符。"), "too_long")
        return
    line.batch_number = number
    if line.order_line is None:
        return
    key = (line.order_line.material_id, number.casefold())
    earlier = ReceivedBatch.objects.filter(
        supplier=supplier, material_id=line.order_line.material_id,
        batch_number__iexact=number).select_related("delivery").first()
    if earlier is not None:
        line.refuse("batch_number", _("批号 %(b)s 已于 %(d)s 随进场记录 %(c)s 验收过，不能重复"
                                      "进场。") % {"b": number, "c": earlier.delivery.code,
                                                 "d": earlier.delivery.delivered_on},
                    "batch_already_received")
    elif key in seen:
        line.refuse("batch_number", _("批号 %(b)s 在本次进场中重复。") % {"b": number},
                    "batch_already_received")
    seen.add(key)


def _outstanding(lines: list[_Line]) -> None:
    """Quantities within what is still outstanding, counting earlier lines of this delivery."""
    ids = [line.order_line.pk for line in lines if line.order_line is not None]
    taken = received_on(ids)
    for line in lines:
        if line.order_line is None or line.quantity is None:
            continue
        already = taken.get(line.order_line.pk, ZERO)
        left = line.order_line.quantity - already
        if line.quantity > left:
            line.refuse("quantity", _("数量 %(q)s %(u)s 超过了订单行尚未到货的数量 %(l)s %(u)s"
                                      "（订购 %(o)s，已到货 %(r)s）。") % {
                "q": plain_decimal(line.quantity), "u": line.order_line.unit,
                "l": plain_decimal(max(left, ZERO)), "o": plain_decimal(line.order_line.quantity),
                "r": plain_decimal(already)}, "quantity_above_outstanding")
        taken[line.order_line.pk] = already + line.quantity


def _check_header(order: Order, supplier: Supplier | None, delivered_on: dt.date,
                  lines: Sequence[dict[str, Any]]) -> None:
    if order.status not in RECEIVING_STATUSES:
        raise field_error("order", _("订单 %(o)s 处于“%(s)s”状态，不能收料（只有已分派、进行中或"
                                     "验收中的订单可以收料）。")
                          % {"o": order.code, "s": order.get_status_display()}, "order_status")
    if supplier is None:
        raise field_error("supplier", _("请选择供应商。"), "required")
    if delivered_on > timezone.localdate():
        raise field_error("delivered_on", _("进场日期不能晚于今天。"), "future")
    if not lines:
        raise field_error("lines", _("请至少填写一个批次。"), "required")


def _checked_lines(order: Order, supplier: Supplier,
                   rows: Sequence[dict[str, Any]]) -> list[_Line]:
    lines, seen = [_Line(index, dict(row)) for index, row in enumerate(rows)], set()
    for line in lines:
        _resolve_line(line, order, supplier)
        _quantity(line)
        _batch_number(line, supplier, seen)
        _files(line)
    _outstanding(lines)
    errors = {f"lines.{line.index}.{name}": ValidationError(message, code=code)
              for line in lines for name, (message, code) in line.errors.items()}
    if errors:
        raise ValidationError(errors)
    return lines


def _save_batches(delivery: Delivery, lines: list[_Line], supplier: Supplier, actor: Any,
                  written: list[str]) -> None:
    for line in lines:
        assert line.order_line is not None and line.certificate is not None
        assert line.quantity is not None
        batch = ReceivedBatch(
            delivery=delivery, order_line=line.order_line,
            material=line.order_line.material, supplier=supplier,
            batch_number=line.batch_number, quantity=line.quantity, unit=line.unit,
            certificate_number=str(line.data.get("certificate_number")).strip(),
            certificate_type=line.certificate.content_type,
            label_code=codes.next_code("batch_label"), created_by=actor)
        batch.certificate_file.name = certificates.store(line.certificate, "certificates")
        written.append(batch.certificate_file.name)
        if line.test_report is not None:
            batch.test_report_file.name = certificates.store(line.test_report, "reports")
            batch.test_report_type = line.test_report.content_type
            written.append(batch.test_report_file.name)
        batch.save()


def receive_delivery(order: Order, *, actor: Any, supplier: Supplier | None,
                     lines: Sequence[dict[str, Any]], delivered_on: dt.date | None = None,
                     delivery_note: str = "", note: str = "") -> Delivery:
    """Receive a delivery with its batches (each a dict: order_line or material,
    batch_number, quantity, unit, certificate_number, certificate_file, test_report_file).
    All or nothing; the refusal names each bad line (`lines.<i>.<field>`)."""
    require(actor, ADD, Delivery(order=order))
    day = delivered_on or timezone.localdate()
    _check_header(order, supplier, day, lines)
    assert supplier is not None
    written: list[str] = []
    with transaction.atomic():
        delete_on_rollback(written)  # also when a caller's transaction rolls back later
        # Receipts on one order are serialised: two phones cannot both take the rest.
        Order.objects.select_for_update().filter(pk=order.pk).first()
        checked = _checked_lines(order, supplier, lines)
        delivery = Delivery(
            code=codes.next_code("delivery"), order=order, supplier=supplier,
            delivered_on=day, received_by=actor, created_by=actor,
            delivery_note=str(delivery_note or "").strip()[:60], note=str(note or ""))
        with business_event("delivery.received", actor=actor):
            delivery.save()
            _save_batches(delivery, checked, supplier, actor, written)
    return delivery


def _usage_quantity(value: Any, batch: ReceivedBatch) -> Decimal:
    try:
        quantity = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise field_error("quantity", _("用量必须是大于 0 的数字。"), "invalid")
    if not quantity.is_finite() or quantity <= 0:
        raise field_error("quantity", _("用量必须是大于 0 的数字。"), "invalid")
    if quantity != quantity.quantize(Decimal("0.001")):
        raise field_error("quantity", _("用量最多保留 3 位小数。"), "invalid")
    left = remaining(batch)
    if quantity > left:
        raise field_error("quantity", _("用量 %(q)s %(u)s 超过了批次 %(b)s 的剩余量 %(l)s %(u)s。")
                          % {"q": plain_decimal(quantity), "u": batch.unit, "b": batch.batch_number,
                             "l": plain_decimal(left)}, "above_remaining")
    return quantity


def _usage_day(used_on: dt.date | None, batch: ReceivedBatch) -> dt.date:
    day = used_on or timezone.localdate()
    if day > timezone.localdate():
        raise field_error("used_on", _("使用日期不能晚于今天。"), "future")
    if day < batch.delivery.delivered_on:
        raise field_error("used_on", _("使用日期不能早于批次的进场日期 %(d)s。")
                          % {"d": batch.delivery.delivered_on}, "before_delivery")
    return day


def record_usage(batch: ReceivedBatch, *, actor: Any, task: Task | None, location: str,
                 quantity: Any, used_on: dt.date | None = None) -> BatchUsage:
    """Record that part of a batch went into a task at a location."""
    if not can(actor, VIEW, batch):
        raise PermissionDenied(VIEW)
    if task is None:
        raise field_error("task", _("请选择任务。"), "required")
    require(actor, ADD, BatchUsage(batch=batch, task=task))
    order = batch.order_line.order
    if task.order_id != order.pk:
        raise field_error("task", _("任务“%(t)s”不属于订单 %(o)s，而批次 %(b)s 是为该订单进场的。")
                          % {"t": task.name, "o": order.code, "b": batch.batch_number},
                          "other_order")
    place = str(location or "").strip()
    if not place:
        raise field_error("location", _("请填写使用部位（如：3 层东区楼板）。"), "required")
    if len(place) > 200:
        raise field_error("location", _("使用部位不能超过 200 个字符。"), "too_long")
    day = _usage_day(used_on, batch)
    with transaction.atomic():
        locked = (ReceivedBatch.objects.select_for_update(of=("self",))
                  .select_related("delivery").get(pk=batch.pk))
        amount = _usage_quantity(quantity, locked)
        usage = BatchUsage(batch=locked, task=task, location=place, quantity=amount,
                           used_on=day, recorded_by=actor, created_by=actor)
        with business_event("batch.used", actor=actor):
            usage.save()
    return usage
