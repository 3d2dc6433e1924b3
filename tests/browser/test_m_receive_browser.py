"""Receiving material on a phone (390 px) in a real browser: the batch number read from a
photo of its QR code (decoded on the server: headless Chromium has no BarcodeDetector),
a second batch added with its own row, the certificate attached; the delivery is
received with both batches."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
import segno
from django.utils import timezone

from eoms.materials.models import Delivery
from eoms.testing.materials_world import build_materials, pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _qr_photo(text: str) -> dict:
    buffer = io.BytesIO()
    segno.make(text, micro=False).save(buffer, kind="png", scale=8, border=4)
    return {"name": "批号.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def _certificate(n: int) -> dict:
    return {"name": f"合格证{n}.pdf", "mimeType": "application/pdf",
            "buffer": pdf_bytes(f"Certificate {n}")}


def _batch(page, index: int, *, quantity: str, certificate: str) -> None:
    page.fill(f"input[name=lines-{index}-quantity]", quantity)
    page.fill(f"input[name=lines-{index}-certificate_number]", certificate)
    page.set_input_files(f"input[name=lines-{index}-certificate_file]", _certificate(index))


def test_a_buyer_receives_two_batches_scanning_the_first(phone, world):
    mat = build_materials(world)
    before = set(Delivery.objects.values_list("pk", flat=True))
    phone.login(world.buyer)
    phone.open(f"/materials/receive/?order={mat.plan.order.pk}")
    page = phone.page
    page.select_option("select[name=supplier]", str(world.supplier.pk))
    page.fill("input[name=delivered_on]", timezone.localdate().isoformat())
    page.set_input_files("[data-batch-row] [data-scan-photo]", _qr_photo("L2026-0777"))
    page.wait_for_function(
        "document.querySelector('input[name=lines-0-batch_number]').value === 'L2026-0777'")
    _batch(page, 0, quantity="1", certificate="HG-0777")
    page.click("[data-add-row]")
    page.select_option("select[name=lines-1-order_line]", str(mat.line.pk))
    page.fill("input[name=lines-1-batch_number]", "L2026-0778")
    _batch(page, 1, quantity="0.5", certificate="HG-0778")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone: {width}px wide"
    with page.expect_navigation(wait_until="load"):
        page.click("form[data-receive-form] button[type=submit]")
    [delivery] = Delivery.objects.exclude(pk__in=before)
    batches = {b.batch_number: (b.quantity, b.certificate_number)
               for b in delivery.batches.all()}
    assert batches == {"L2026-0777": (Decimal("1"), "HG-0777"),
                       "L2026-0778": (Decimal("0.5"), "HG-0778")}, \
        page.inner_text("main")[:600]
    assert phone.console_errors == []
