"""The items (卷内文件) of an order's quality archive as ReportLab flowables: each
inspection with its items, results, photos and signatures; each non-conformance with its
rework and closure; the register of material batches with their certificates and where
they were used; the acceptance records.

Pictures are `StoredPicture` flowables: their size is known from the database, and the
file is read from storage, scaled down and drawn only when its page is drawn, then
dropped, so a big order never holds its photos in memory at once. A "dry" pass (the one
that only counts pages for the catalogue) reads no picture at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table, TableStyle

from eoms.fieldwork.queries import number, person
from eoms.lib.pdf import FONT, GRID, STYLES, scaled_jpeg, text
from eoms.materials.models import BatchUsage, ReceivedBatch
from eoms.orders.models import Order
from eoms.quality.choices import InspectionStatus, ItemKind
from eoms.quality.models import (
    Inspection,
    InspectionPhoto,
    InspectionResult,
    NonConformance,
    TaskAcceptance,
)

PAGE_WIDTH = A4[0] - 36 * mm
PHOTOS_PER_ROW = 3
PHOTO_BOX = (PAGE_WIDTH / PHOTOS_PER_ROW - 4 * mm, (PAGE_WIDTH / PHOTOS_PER_ROW - 4 * mm) * 0.75)
SIGNATURE_BOX = (50 * mm, 20 * mm)
HEADER = TableStyle([("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f0f0"))])


def local(moment: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return timezone.localtime(moment).strftime(fmt) if moment else "—"


class StoredPicture(Flowable):
    """A picture from storage fitted into a fixed box, read only when drawn."""

    def __init__(self, name: str, box: tuple[float, float], size: tuple[int, int] | None,
                 dry: bool) -> None:
        super().__init__()
        self.name, self.dry = name, dry
        width, height = box
        if size and size[0] and size[1]:  # keep the aspect inside the box
            scale = min(width / size[0], height / size[1])
            width, height = size[0] * scale, size[1] * scale
        self.width, self.height = width, height

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        if self.dry:
            return
        try:
            with default_storage.open(self.name, "rb") as stored:
                buffer, _width, _height = scaled_jpeg(stored)
        except (OSError, ValueError):
            self.canv.setFont(FONT, 8)
            self.canv.drawString(0, self.height / 2, _("图片无法读取"))
            return
        self.canv.drawImage(ImageReader(buffer), 0, 0, self.width, self.height,
                            preserveAspectRatio=True)


def table(rows: list[list[Any]], widths: list[float], *, header: bool = True) -> Table:
    cells = [[text(c) if isinstance(c, str) else c for c in row] for row in rows]
    found = Table(cells, colWidths=widths, repeatRows=1 if header else 0)
    found.setStyle(GRID)
    if header:
        found.setStyle(HEADER)
    return found


def facts(pairs: list[tuple[str, str]]) -> Table:
    """A form of label/value pairs, two pairs a row."""
    cells = [[label, value or "—"] for label, value in pairs]
    if len(cells) % 2:
        cells.append(["", ""])
    rows = [cells[i] + cells[i + 1] for i in range(0, len(cells), 2)]
    found = table(rows, [24 * mm, PAGE_WIDTH / 2 - 24 * mm] * 2, header=False)
    found.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f0f0f0")),
                               ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#f0f0f0"))]))
    return found


def _expected(result: InspectionResult) -> str:
    item = result.item
    if item.kind != ItemKind.MEASUREMENT or item.nominal is None:
        return item.guidance or "—"
    minus, plus = number(item.tolerance_minus) or "0", number(item.tolerance_plus) or "0"
    tolerance = f"±{plus}" if minus == plus else f"+{plus} / −{minus}"
    return f"{number(item.nominal)} {tolerance} {item.unit}".strip()


def _answer(result: InspectionResult) -> str:
    kind = result.item.kind
    if kind == ItemKind.MEASUREMENT:
        return f"{number(result.value)} {result.item.unit}".strip() if result.value is not None \
            else "—"
    if kind == ItemKind.SIGNATURE:
        return _("已签名") if result.signature else "—"
    if kind == ItemKind.PHOTO:
        return _("见影像资料")
    return result.text or "—"


def _verdict(result: InspectionResult) -> str:
    if result.passed is None:
        return "—"
    return _("合格") if result.passed else _("不合格")


def _results(inspection: Inspection) -> Table:
    rows: list[list[Any]] = [[_("检验项目"), _("设计值及允许偏差 / 要求"), _("实测 / 记录"),
                              _("结论")]]
    results = (InspectionResult.objects.filter(inspection=inspection).select_related("item")
               .order_by("item__position", "item__pk"))
    rows += [[r.item.label, _expected(r), _answer(r), _verdict(r)] for r in results]
    if len(rows) == 1:
        rows.append([_("尚无检验结果"), "", "", ""])
    return table(rows, [58 * mm, 48 * mm, PAGE_WIDTH - 124 * mm, 18 * mm])


def _photo_cells(photos: Iterable[InspectionPhoto], dry: bool) -> Iterator[list[Flowable]]:
    for photo in photos:
        caption = f"{local(photo.shot_at)} {person(photo.taken_by)}"
        if photo.caption:
            caption = f"{caption}：{photo.caption}"
        yield [StoredPicture(photo.image.name, PHOTO_BOX, (photo.width, photo.height), dry),
               text(caption, "small")]


def _photos(inspection: Inspection, dry: bool) -> list[Flowable]:
    photos = (InspectionPhoto.objects.filter(inspection=inspection).select_related("taken_by")
              .order_by("created_at", "pk"))
    cells = list(_photo_cells(photos.iterator(), dry))
    if not cells:
        return []
    while len(cells) % PHOTOS_PER_ROW:
        cells.append([])
    rows = [cells[i:i + PHOTOS_PER_ROW] for i in range(0, len(cells), PHOTOS_PER_ROW)]
    grid = Table(rows, colWidths=[PAGE_WIDTH / PHOTOS_PER_ROW] * PHOTOS_PER_ROW)
    grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [Paragraph(_("影像资料（%(n)s 张）") % {"n": len(photos)}, STYLES["heading"]), grid]


def _signatures(inspection: Inspection, dry: bool) -> list[Flowable]:
    signed = (InspectionResult.objects.filter(inspection=inspection).exclude(signature="")
              .select_related("item").order_by("item__position", "item__pk"))
    rows = [[text(r.item.label), StoredPicture(r.signature.name, SIGNATURE_BOX, None, dry)]
            for r in signed]
    if not rows:
        return []
    return [KeepTogether([Paragraph(_("签名"), STYLES["heading"]),
                          table(rows, [60 * mm, PAGE_WIDTH - 60 * mm], header=False)])]


def inspection_title(inspection: Inspection) -> str:
    name = inspection.template.name
    return f"{name} · {inspection.task.name}" if inspection.task else name


def inspection_section(inspection: Inspection, dry: bool) -> list[Flowable]:
    template = inspection.template
    pairs = [
        (_("检验编号"), inspection.code), (_("结论"), inspection.get_status_display()),
        (_("依据标准"), template.standard_ref or template.get_standard_kind_display()),
        (_("检验轮次"), str(inspection.round)),
        (_("任务"), inspection.task.name if inspection.task else _("订单整体")),
        (_("质检员"), person(inspection.inspector) if inspection.inspector else "—"),
        (_("开始时间"), local(inspection.started_at or inspection.created_at)),
        (_("完成时间"), local(inspection.completed_at)),
    ]
    parts: list[Flowable] = [Paragraph(_("质量检验记录：%(t)s") % {"t": inspection_title(
        inspection)}, STYLES["heading"]), facts(pairs), Paragraph(_("检验结果"), STYLES["heading"]),
        _results(inspection)]
    if inspection.note:
        parts += [Paragraph(_("检验意见"), STYLES["heading"]), text(inspection.note)]
    return parts + _photos(inspection, dry) + _signatures(inspection, dry)


def ncr_section(ncr: NonConformance) -> list[Flowable]:
    rework = ncr.rework_task
    closing = ncr.closing_inspection
    pairs = [
        (_("编号"), ncr.code), (_("状态"), ncr.get_status_display()),
        (_("严重程度"), ncr.get_severity_display()),
        (_("检验"), f"{ncr.inspection.code} {inspection_title(ncr.inspection)}"),
        (_("检验项目"), ncr.item.label if ncr.item else "—"),
        (_("责任班组"), ncr.responsible_crew.name if ncr.responsible_crew else "—"),
        (_("开具时间"), local(ncr.created_at)),
        (_("返工任务"), f"{rework.name}（{rework.get_status_display()}）" if rework else "—"),
        (_("复检"), f"{closing.code}（{closing.get_status_display()}）" if closing else "—"),
        (_("关闭"), f"{local(ncr.closed_at)} {person(ncr.closed_by)}" if ncr.closed_by
         else "—"),
    ]
    parts: list[Flowable] = [
        Paragraph(_("不合格项处理记录：%(c)s") % {"c": ncr.code}, STYLES["heading"]),
        facts(pairs), Paragraph(_("不合格描述及原因"), STYLES["heading"]), text(ncr.cause)]
    if ncr.closing_note:
        parts += [Paragraph(_("关闭说明"), STYLES["heading"]), text(ncr.closing_note)]
    return parts


def _used(batch: ReceivedBatch) -> str:
    usages = BatchUsage.objects.filter(batch=batch).select_related("task").order_by("used_on")
    lines = [f"{u.task.name} · {u.location}（{number(u.quantity)} {batch.unit}，"
             f"{u.used_on:%Y-%m-%d}）" for u in usages]
    return "\n".join(lines) or _("尚无使用记录")


def batches_section(order: Order) -> list[Flowable]:
    rows: list[list[Any]] = [[_("材料"), _("供应商"), _("批号"), _("数量"), _("合格证编号"),
                              _("进场日期"), _("使用部位")]]
    batches = (ReceivedBatch.objects.filter(delivery__order=order)
               .select_related("material", "supplier", "delivery")
               .order_by("delivery__delivered_on", "pk"))
    for batch in batches.iterator():
        rows.append([batch.material.name, batch.supplier.name, batch.batch_number,
                     f"{number(batch.quantity)} {batch.unit}", batch.certificate_number,
                     f"{batch.delivery.delivered_on:%Y-%m-%d}", _used(batch)])
    if len(rows) == 1:
        rows.append([_("本订单没有材料进场记录"), "", "", "", "", "", ""])
    widths = [26 * mm, 26 * mm, 24 * mm, 18 * mm, 26 * mm, 20 * mm]
    return [Paragraph(_("材料进场及合格证登记表"), STYLES["heading"]),
            table(rows, widths + [PAGE_WIDTH - sum(widths)])]


def acceptance_section(order: Order) -> list[Flowable]:
    rows: list[list[Any]] = [[_("任务"), _("验收人"), _("验收时间"), _("验收意见")]]
    accepted = (TaskAcceptance.objects.filter(task__order=order)
                .select_related("task", "accepted_by").order_by("accepted_at", "pk"))
    rows += [[a.task.name, person(a.accepted_by), local(a.accepted_at), a.note or "—"]
             for a in accepted]
    final = (Inspection.objects.filter(order=order, task=None, status=InspectionStatus.PASSED)
             .select_related("template", "completed_by").order_by("completed_at"))
    rows += [[inspection_title(i), person(i.completed_by) if i.completed_by else "—",
              local(i.completed_at), _("检验 %(c)s 合格") % {"c": i.code}] for i in final]
    if len(rows) == 1:
        rows.append([_("没有验收记录"), "", "", ""])
    return [Paragraph(_("验收记录"), STYLES["heading"]),
            table(rows, [60 * mm, 30 * mm, 32 * mm, PAGE_WIDTH - 122 * mm])]
