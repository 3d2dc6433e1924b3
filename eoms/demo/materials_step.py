"""The demo step for materials: three deliveries received through the services on open
demo orders — rebar with its 炉批号 (two heats), SBS waterproofing membrane, and concrete
(the demo's cement-based material) — each with a certificate PDF, and some of each batch
recorded as used on a task of its order. Orders not (or no longer) in a receiving status
are skipped; nothing is written when any delivery exists.
"""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from eoms.core.access import ADD, can
from eoms.masterdata.models import Supplier
from eoms.materials import services
from eoms.materials.models import Delivery
from eoms.orders.models import Order
from eoms.scheduling.models import Task

if TYPE_CHECKING:
    from eoms.demo.loader import Demo

FONT = "STSong-Light"
# (order title, receiver, days ago, delivery note, [(batch number, share of the line)],
#  usage location)
DELIVERIES = [
    ("B1 主楼 4–6 层钢筋加工与安装", "demo_buyer", 4, "HD-GC-20417",
     [("24B1-07731", Decimal("0.5")), ("24B1-07736", Decimal("0.3"))],
     "B1 主楼 4 层梁板"),
    ("屋面 SBS 防水卷材铺设", "demo_buyer", 3, "GD-FS-1183",
     [("SBS-2404-118", Decimal("0.6"))], "二期厂房屋面东区"),
    ("B1 主楼 3 层结构混凝土浇筑", "demo_pm1", 2, "HJ-0529-07",
     [("HJ-C35-052907", Decimal("0.4"))], "B1 主楼 3 层楼板 1–4 轴"),
]


def certificate_pdf(title: str, number: str) -> SimpleUploadedFile:
    """A one-page 合格证 in Chinese (ReportLab's CID font)."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.setFont(FONT, 18)
    page.drawString(72, 760, "产品质量合格证明书")
    page.setFont(FONT, 11)
    page.drawString(72, 730, f"产品：{title}")
    page.drawString(72, 712, f"编号：{number}")
    page.showPage()
    page.save()
    return SimpleUploadedFile(f"{number}.pdf", buffer.getvalue(), "application/pdf")


def _receive(demo: Demo, order: Order, receiver: str, days_ago: int, note: str,
             heats: list[tuple[str, Decimal]]) -> Delivery | None:
    line = order.lines.select_related("material__category").order_by("line_no").first()
    supplier = Supplier.objects.filter(categories=line.material.category).order_by(
        "code").first() if line else None
    if line is None or supplier is None:
        return None
    lines = [{"order_line": line, "batch_number": number, "unit": line.unit,
              "quantity": (line.quantity * share).quantize(Decimal("0.001")),
              "certificate_number": f"HG{index:02d}-{note}",
              "certificate_file": certificate_pdf(line.material.name, f"HG{index:02d}-{note}")}
             for index, (number, share) in enumerate(heats, start=1)]
    actor: Any = demo.user(receiver)
    if not can(actor, ADD, Delivery(order=order)):  # not on that project: its manager receives
        actor = order.owner or order.project.manager
    return services.receive_delivery(
        order, actor=actor, supplier=supplier, lines=lines,
        delivery_note=note, delivered_on=timezone.localdate() - timedelta(days=days_ago))


def _use(demo: Demo, delivery: Delivery, location: str, actor: Any) -> None:
    task = Task.objects.filter(order=delivery.order, is_summary=False).order_by(
        "position", "pk").first()
    if task is None:
        return
    for batch in delivery.batches.order_by("pk"):
        services.record_usage(batch, actor=actor, task=task, location=location,
                              quantity=(batch.quantity / 2).quantize(Decimal("0.001")))


def load_material_receiving(demo: Demo) -> None:
    if Delivery.objects.exists():
        demo.note("deliveries", False, Delivery.objects.count())
        return
    for title, receiver, days_ago, note, heats, location in DELIVERIES:
        order = Order.objects.filter(title=title,
                                     status__in=services.RECEIVING_STATUSES).first()
        if order is None:
            continue
        delivery = _receive(demo, order, receiver, days_ago, note, heats)
        if delivery is not None:
            _use(demo, delivery, location, order.owner or order.project.manager)
    demo.note("deliveries", True, Delivery.objects.count())
