"""QR labels for received batches: the code holds the batch page's URL in EOMS, so any
phone camera opens it (after login, with access checked); the text on the label says
material, batch number, supplier and date in Chinese.

A single label as PNG (QR + text, drawn with the CJK font in eoms/static/fonts) or SVG
(QR only, for printers' own layout tools), and an A4 sheet of labels as PDF (ReportLab,
STSong-Light CID font: no font file embedded).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from eoms.lib.text import plain_decimal
from eoms.materials.models import ReceivedBatch

FONT = "STSong-Light"
PNG_FONT = Path(__file__).resolve().parent.parent / "static" / "fonts" / "wqy-microhei.ttc"
COLUMNS, ROWS = 2, 5
LABEL_W, LABEL_H = 90 * mm, 52 * mm
MARGIN_X, MARGIN_Y = (A4[0] - COLUMNS * LABEL_W) / 2, (A4[1] - ROWS * LABEL_H) / 2
QR_SIZE = 34 * mm

if FONT not in pdfmetrics.getRegisteredFontNames():
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def label_url(batch: ReceivedBatch) -> str:
    return str(settings.SITE_URL or "").rstrip("/") + reverse("materials:label_open",
                                                   args=[batch.label_code])


def qr(batch: ReceivedBatch) -> segno.QRCode:
    return segno.make(label_url(batch), error="m", micro=False)


def label_lines(batch: ReceivedBatch) -> list[str]:
    material = batch.material
    name = f"{material.name} {material.specification}".strip()
    return [name,
            _("批号：%(b)s") % {"b": batch.batch_number},
            _("数量：%(q)s %(u)s") % {"q": plain_decimal(batch.quantity), "u": batch.unit},
            _("供应商：%(s)s") % {"s": batch.supplier.name},
            _("进场：%(d)s") % {"d": batch.delivery.delivered_on.isoformat()},
            batch.label_code]


def svg(batch: ReceivedBatch) -> bytes:
    buffer = io.BytesIO()
    qr(batch).save(buffer, kind="svg", scale=8, border=4, title=batch.label_code)
    return buffer.getvalue()


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(str(PNG_FONT), size, index=0)
    except OSError:
        return ImageFont.load_default(size)


def png(batch: ReceivedBatch) -> bytes:
    """The QR code with the label's text under it."""
    buffer = io.BytesIO()
    qr(batch).save(buffer, kind="png", scale=10, border=4)
    code = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    lines, size = label_lines(batch), 26
    width = max(code.width, 640)
    picture = Image.new("RGB", (width, code.height + len(lines) * (size + 10) + 20), "white")
    picture.paste(code, ((width - code.width) // 2, 0))
    draw, font = ImageDraw.Draw(picture), _font(size)
    for number, line in enumerate(lines):
        draw.text((20, code.height + number * (size + 10)), line, font=font, fill="black")
    out = io.BytesIO()
    picture.save(out, "PNG", optimize=True)
    return out.getvalue()


def _qr_image(batch: ReceivedBatch) -> ImageReader:
    buffer = io.BytesIO()
    qr(batch).save(buffer, kind="png", scale=6, border=2)
    buffer.seek(0)
    return ImageReader(buffer)


def _fit(text: str, size: float, width: float) -> str:
    while text and pdfmetrics.stringWidth(text, FONT, size) > width:
        text = text[:-2] + "…"
    return text


def _draw_label(sheet: canvas.Canvas, batch: ReceivedBatch, x: float, y: float) -> None:
    sheet.setStrokeGray(0.75)
    sheet.rect(x + 1 * mm, y + 1 * mm, LABEL_W - 2 * mm, LABEL_H - 2 * mm)
    sheet.drawImage(_qr_image(batch), x + 3 * mm, y + (LABEL_H - QR_SIZE) / 2,
                    QR_SIZE, QR_SIZE)
    text_x, width = x + QR_SIZE + 6 * mm, LABEL_W - QR_SIZE - 9 * mm
    top = y + LABEL_H - 8 * mm
    for number, line in enumerate(label_lines(batch)):
        size = 10 if number == 0 else 8
        sheet.setFont(FONT, size)
        sheet.drawString(text_x, top - number * 6.5 * mm, _fit(line, size, width))


def sheet_pdf(batches: Sequence[ReceivedBatch], title: str) -> bytes:
    """An A4 sheet (or several) of labels, COLUMNS × ROWS a page."""
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=A4)
    sheet.setTitle(title)
    per_page = COLUMNS * ROWS
    for index, batch in enumerate(batches):
        if index and index % per_page == 0:
            sheet.showPage()
        slot = index % per_page
        column, row = slot % COLUMNS, slot // COLUMNS
        _draw_label(sheet, batch, MARGIN_X + column * LABEL_W,
                    A4[1] - MARGIN_Y - (row + 1) * LABEL_H)
    sheet.showPage()
    sheet.save()
    return buffer.getvalue()
