"""What the PDF documents share (site log, quality archive): ReportLab's built-in CID
font STSong-Light (no font file needed: the reader's own Song typeface renders it), the
paragraph styles, the grid of a form table, and photos scaled down before they enter a
PDF. Pure ReportLab and Pillow, no Django."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, TableStyle

FONT = "STSong-Light"
THUMB_PIXELS = 480

if FONT not in pdfmetrics.getRegisteredFontNames():
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))

_BASE = ParagraphStyle("log", fontName=FONT, fontSize=10.5, leading=16, wordWrap="CJK")
STYLES = {
    "title": ParagraphStyle("title", parent=_BASE, fontSize=20, leading=28,
                            alignment=TA_CENTER, spaceAfter=4 * mm),
    "heading": ParagraphStyle("heading", parent=_BASE, fontSize=12.5, leading=18,
                              spaceBefore=4 * mm, spaceAfter=1.5 * mm),
    "body": _BASE,
    "small": ParagraphStyle("small", parent=_BASE, fontSize=8.5, leading=12,
                            textColor=colors.HexColor("#555555")),
    "hash": ParagraphStyle("hash", parent=_BASE, fontName="Courier", fontSize=8, leading=11),
}
GRID = TableStyle([
    ("FONTNAME", (0, 0), (-1, -1), FONT),
    ("FONTSIZE", (0, 0), (-1, -1), 10),
    ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("TOPPADDING", (0, 0), (-1, -1), 3),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
])


def text(value: str, style: str = "body") -> Paragraph:
    """A paragraph of plain text (escaped, line breaks kept; "—" when empty)."""
    lines = escape(value.strip()).split("\n") if value and value.strip() else ["—"]
    return Paragraph("<br/>".join(lines), STYLES[style])


def _on_white(picture: PILImage.Image) -> PILImage.Image:
    """RGB; a transparent background (a drawn signature) becomes white, not black."""
    if picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info:
        rgba = picture.convert("RGBA")
        white = PILImage.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return picture.convert("RGB")


def scaled_jpeg(stream: Any, pixels: int = THUMB_PIXELS) -> tuple[io.BytesIO, int, int]:
    """The picture read from `stream` (a binary file object) as a JPEG of at most
    `pixels` a side, with its size. A JPEG is decoded at a reduced scale (draft), so a
    50-megapixel photo never lands in memory at full size. Raises OSError/ValueError
    (PIL.UnidentifiedImageError is one) on a file that is not a picture."""
    with PILImage.open(stream) as picture:
        picture.draft("RGB", (pixels, pixels))
        picture.thumbnail((pixels, pixels))
        buffer = io.BytesIO()
        _on_white(picture).save(buffer, "JPEG", quality=80)
        width, height = picture.size
    buffer.seek(0)
    return buffer, width, height
