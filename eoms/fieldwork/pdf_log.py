"""The daily site log as a PDF (施工日志), in Chinese through ReportLab's built-in CID font
STSong-Light (no font file needed: the reader's own Song typeface renders it).

Photos come in as thumbnails read through the storage API: the job-made thumbnail when
there is one, else the watermarked image scaled down here, so a 50-megapixel photo never
lands in the PDF at full size. A photo that cannot be read is named, not fatal.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import UnidentifiedImageError
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from eoms.fieldwork.choices import DailyLogState, PhotoState
from eoms.fieldwork.models import DailyLog, Photo
from eoms.fieldwork.queries import number, person
from eoms.lib.pdf import FONT, GRID, STYLES, THUMB_PIXELS, scaled_jpeg
from eoms.lib.pdf import text as _text

PHOTOS_PER_ROW = 3
MAX_PHOTOS = 30
PAGE_WIDTH = A4[0] - 36 * mm
PHOTO_WIDTH = PAGE_WIDTH / PHOTOS_PER_ROW - 4 * mm


def _local(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _facts(log: DailyLog) -> Table:
    project = log.site.project
    low, high = log.temperature_low, log.temperature_high
    temperatures = "—" if low is None and high is None else _("%(lo)s ～ %(hi)s ℃") % {
        "lo": "—" if low is None else low, "hi": "—" if high is None else high}
    rows = [
        [_("项目"), f"{project.code} {project.name}", _("日期"),
         log.log_date.strftime("%Y-%m-%d")],
        [_("工地"), f"{log.site.code} {log.site.name}", _("状态"), log.get_state_display()],
        [_("天气"), log.get_weather_display() or "—", _("气温"), temperatures],
    ]
    cells = [[_text(str(c)) for c in row] for row in rows]
    table = Table(cells, colWidths=[18 * mm, 74 * mm, 18 * mm, PAGE_WIDTH - 110 * mm])
    table.setStyle(GRID)
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f0f0f0")),
                               ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#f0f0f0"))]))
    return table


def _crews(log: DailyLog) -> Flowable:
    rows = list(log.crews.all())
    if not rows:
        return _text(_("当天没有签到记录。"))
    data = [[_("班组"), _("人数"), _("工时（小时）")]]
    data += [[row.crew_name, str(row.headcount), number(row.hours) or "0"] for row in rows]
    total_hours = sum((Decimal(row.hours) for row in rows), Decimal(0))
    data.append([_("合计"), str(sum(row.headcount for row in rows)), number(total_hours) or "0"])
    table = Table(data, colWidths=[PAGE_WIDTH - 60 * mm, 25 * mm, 35 * mm], repeatRows=1)
    table.setStyle(GRID)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f0f0")),
        ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f7f7f7")),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
    ]))
    return table


def _thumbnail(photo: Photo) -> Flowable:
    """The photo's thumbnail (or its image scaled down) as a flowable of PHOTO_WIDTH."""
    ready = photo.state == PhotoState.READY and photo.thumbnail.name
    name = photo.thumbnail.name if ready else photo.image.name
    try:
        with default_storage.open(name, "rb") as stored:
            buffer, width, height = scaled_jpeg(stored, THUMB_PIXELS)
    except (OSError, UnidentifiedImageError, ValueError):
        return _text(_("照片无法读取"), "small")
    scale = PHOTO_WIDTH / max(width, 1)
    return Image(buffer, width=PHOTO_WIDTH, height=min(height * scale, PHOTO_WIDTH * 1.4))


def _photo_cell(photo: Photo) -> list[Flowable]:
    when = _local(photo.taken_at or photo.created_at)
    caption = f"{when} {person(photo.taken_by)}"
    if photo.caption:
        caption = f"{caption}：{photo.caption}"
    return [_thumbnail(photo), _text(caption, "small")]


def _photos(photos: Sequence[Photo]) -> list[Flowable]:
    if not photos:
        return [_text(_("当天没有现场照片。"))]
    shown = list(photos[:MAX_PHOTOS])
    cells = [_photo_cell(p) for p in shown]
    while len(cells) % PHOTOS_PER_ROW:
        cells.append([])
    rows = [cells[i:i + PHOTOS_PER_ROW] for i in range(0, len(cells), PHOTOS_PER_ROW)]
    table = Table(rows, colWidths=[PAGE_WIDTH / PHOTOS_PER_ROW] * PHOTOS_PER_ROW)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    parts: list[Flowable] = [table]
    if len(photos) > MAX_PHOTOS:
        parts.append(_text(_("另有 %(n)s 张照片未列出，请在系统中查看。")
                           % {"n": len(photos) - MAX_PHOTOS}, "small"))
    return parts


def _signature(log: DailyLog) -> Flowable:
    if log.state != DailyLogState.SIGNED:
        return _text(_("草稿：尚未签署。"))
    signer = f"{log.signature_name}（{log.signed_by.username}）" if log.signed_by else \
        log.signature_name
    rows = [[_text(_("签署人")), _text(signer)],
            [_text(_("签署时间")), _text(_local(log.signed_at))],
            [_text(_("内容哈希（SHA-256）")), Paragraph(log.content_hash, STYLES["hash"])]]
    table = Table(rows, colWidths=[40 * mm, PAGE_WIDTH - 40 * mm])
    table.setStyle(GRID)
    return KeepTogether([Paragraph(_("签署"), STYLES["heading"]), table])


def _footer(canvas: Any, doc: Any) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 8)
    canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, _("第 %(n)s 页") % {"n": doc.page})
    canvas.drawString(18 * mm, 10 * mm, doc.footer_text)
    canvas.restoreState()


def render_log_pdf(log: DailyLog, photos: Sequence[Photo]) -> bytes:
    """The log as a PDF: facts, headcount per crew, the texts, photos, signature."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=18 * mm,
                            title=_("施工日志 %(site)s %(date)s") % {
                                "site": log.site.name, "date": log.log_date.isoformat()},
                            author=log.signature_name or "EOMS")
    doc.footer_text = _("%(site)s 施工日志 %(date)s · 生成于 %(now)s") % {
        "site": log.site.name, "date": log.log_date.isoformat(),
        "now": timezone.localtime().strftime("%Y-%m-%d %H:%M")}
    story: list[Flowable] = [Paragraph(_("施工日志"), STYLES["title"]), _facts(log),
                             Paragraph(_("出勤人数"), STYLES["heading"]), _crews(log)]
    for label, value in ((_("施工内容"), log.work_done), (_("机械设备"), log.equipment),
                         (_("材料进场"), log.deliveries), (_("问题及处理"), log.issues),
                         (_("安全情况"), log.safety)):
        story += [Paragraph(label, STYLES["heading"]), _text(value)]
    story += [Paragraph(_("现场照片"), STYLES["heading"]), *_photos(photos),
              Spacer(1, 4 * mm), _signature(log)]
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()
