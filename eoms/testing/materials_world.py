"""Material receiving for the fixed test world, made through the services.

    mat = build_materials(world)
    mat.plan           # build_schedule(world): plan.order (world.project, assigned)
    mat.line           # plan.order's line: world.material (HRB400 螺纹钢) 12.5 吨
    mat.membrane_line  # a second line: SBS 防水卷材 800 m², category 防水材料, for which
                       # world.supplier is NOT approved (mat.membrane_supplier is)
    mat.delivery       # received by world.buyer from world.supplier: one batch of 5 吨
    mat.batch          # that batch (炉批号 L2026-0415), with certificate PDF and test report
    mat.usage          # 2 吨 of it used by world.worker on plan.pour (his own task)
    mat.other_delivery, mat.other_batch, mat.other_usage   # on plan.orders.other_order
                       # (world.other_pm's project), received and used by world.manager
"""

from __future__ import annotations

import io
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.pdfgen import canvas

from eoms.core.context import Channel, acting
from eoms.masterdata.models import Material, MaterialCategory, Supplier
from eoms.materials import services
from eoms.orders.models import OrderLine
from eoms.testing.scheduling_world import build_schedule


def pdf_bytes(text: str = "Certificate of conformity") -> bytes:
    """A real one-page PDF (made with ReportLab)."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


def pdf_upload(name: str = "合格证.pdf", text: str = "Certificate") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


def batch_line(line: Any, batch_number: str, quantity: str, **extra: Any) -> dict[str, Any]:
    """One batch line as the services take it, with a certificate PDF."""
    return {"order_line": line, "batch_number": batch_number, "quantity": quantity,
            "unit": line.unit, "certificate_number": f"HG-{batch_number}",
            "certificate_file": pdf_upload(), **extra}


def _membrane(world: Any, order: Any) -> tuple[OrderLine, Supplier]:
    category, _ = MaterialCategory.objects.get_or_create(code="FS", defaults={"name": "防水材料"})
    material, _ = Material.objects.get_or_create(
        code="MAT-FS-T001", defaults={"name": "SBS 改性沥青防水卷材", "unit": "m²",
                                      "specification": "4mm PY", "category": category})
    supplier, _ = Supplier.objects.get_or_create(code="SUP-T0002",
                                                 defaults={"name": "东方雨虹防水工程有限公司"})
    supplier.categories.add(category)
    line = OrderLine.objects.filter(order=order, material=material).first()
    if line is None:
        line = OrderLine.objects.create(order=order, line_no=2, material=material,
                                        quantity=Decimal("800"), unit="m²")
    return line, supplier


def build_materials(world: Any, plan: Any = None) -> SimpleNamespace:
    plan = plan or getattr(world, "_schedule", None) or build_schedule(world)
    world._schedule = plan
    order, other_order = plan.order, plan.orders.other_order
    with acting(Channel.TEST):
        membrane_line, membrane_supplier = _membrane(world, order)
        line = order.lines.get(material=world.material)
        delivery = services.receive_delivery(
            order, actor=world.buyer, supplier=world.supplier, delivery_note="SH-0415-01",
            lines=[batch_line(line, "L2026-0415", "5", test_report_file=pdf_upload(
                "检测报告.pdf", "Test report"))])
        batch = delivery.batches.get()
        usage = services.record_usage(batch, actor=world.worker, task=plan.pour,
                                      location="B1 底板 1 区", quantity="2")
        other_line = other_order.lines.get()
        other_delivery = services.receive_delivery(
            other_order, actor=world.manager, supplier=world.supplier,
            lines=[batch_line(other_line, "H2026-0990", "3")])
        other_batch = other_delivery.batches.get()
        other_usage = services.record_usage(other_batch, actor=world.manager,
                                            task=plan.other_task, location="配电间",
                                            quantity="1")
    return SimpleNamespace(plan=plan, line=line, membrane_line=membrane_line,
                           membrane_supplier=membrane_supplier, delivery=delivery,
                           batch=batch, usage=usage, other_delivery=other_delivery,
                           other_batch=other_batch, other_usage=other_usage)
