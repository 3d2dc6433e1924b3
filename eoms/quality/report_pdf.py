"""An order's quality report as a PDF volume after GB/T 50328 (建设工程文件归档规范):
the cover (案卷封面), the catalogue of the volume (卷内目录) with the page each item
starts on, the items (卷内文件) and the closing note (卷内备考表).

The page numbers of the catalogue come from a first, "dry" pass that lays the volume out
without reading a single picture; the second pass writes the file. Both passes lay out
the same boxes, so the pages agree. The PDF goes to a file, not to memory.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, BinaryIO

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, SimpleDocTemplate, Spacer

from eoms.lib.pdf import FONT, STYLES
from eoms.orders.models import Order
from eoms.quality.choices import InspectionStatus
from eoms.quality.models import Inspection, NonConformance
from eoms.quality.report_sections import (
    PAGE_WIDTH,
    acceptance_section,
    batches_section,
    inspection_section,
    inspection_title,
    local,
    ncr_section,
    table,
)


@dataclass
class Entry:
    """One item of the volume: its line in the catalogue and how to lay it out."""

    key: str
    number: str
    title: str
    date: str
    build: Callable[[bool], list[Flowable]]


class Anchor(Flowable):
    """Records the page it lands on (where an item starts)."""

    def __init__(self, key: str, pages: dict[str, int]) -> None:
        super().__init__()
        self.key, self.pages = key, pages

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.pages.setdefault(self.key, self.canv.getPageNumber())


def _ncr(ncr: NonConformance, dry: bool) -> list[Flowable]:
    return ncr_section(ncr)


@dataclass
class Volume:
    order: Order
    version: int
    reason: str
    made_by: str

    def entries(self) -> list[Entry]:
        found: list[Entry] = []
        inspections = (Inspection.objects.filter(order=self.order)
                       .exclude(status=InspectionStatus.CANCELLED)
                       .select_related("template", "task", "inspector")
                       .order_by("created_at", "pk"))
        for i in inspections:
            found.append(Entry(f"i{i.pk}", i.code, _("质量检验记录：%(t)s") % {
                "t": inspection_title(i)}, local(i.completed_at or i.created_at, "%Y-%m-%d"),
                partial(inspection_section, i)))
        ncrs = (NonConformance.objects.filter(order=self.order)
                .select_related("inspection__template", "inspection__task", "item",
                                "responsible_crew", "rework_task", "closing_inspection",
                                "closed_by").order_by("created_at", "pk"))
        for n in ncrs:
            found.append(Entry(f"n{n.pk}", n.code, _("不合格项处理记录：%(c)s") % {"c": n.code},
                               local(n.closed_at or n.created_at, "%Y-%m-%d"),
                               partial(_ncr, n)))
        found.append(Entry("batches", "—", _("材料进场及合格证登记表"), "—",
                           lambda dry: batches_section(self.order)))
        found.append(Entry("acceptance", "—", _("验收记录"), "—",
                           lambda dry: acceptance_section(self.order)))
        return found

    def cover(self) -> list[Flowable]:
        order = self.order
        delivered = order.delivered_on.isoformat() if order.delivered_on else "—"
        unit = settings.ARCHIVE_UNIT or settings.EOMS_BRAND
        retention = settings.ARCHIVE_RETENTION or _("长期")
        pairs = [
            (_("案卷题名"), _("%(t)s 质量验收资料") % {"t": order.title}),
            (_("订单编号"), order.code),
            (_("项目"), f"{order.project.code} {order.project.name}"),
            (_("客户"), order.customer.name),
            (_("工地"), f"{order.site.code} {order.site.name}" if order.site else "—"),
            (_("起止日期"), f"{local(order.created_at, '%Y-%m-%d')} ～ {delivered}"),
            (_("立卷单位"), unit), (_("保管期限"), retention),
            (_("版本"), f"v{self.version}"), (_("生成原因"), self.reason),
        ]
        rows = [[label, value] for label, value in pairs]
        return [Spacer(1, 40 * mm), Paragraph(_("建设工程质量验收档案"), STYLES["title"]),
                Spacer(1, 20 * mm), table(rows, [36 * mm, PAGE_WIDTH - 36 * mm], header=False),
                PageBreak()]

    def catalogue(self, entries: list[Entry], pages: dict[str, int]) -> list[Flowable]:
        rows: list[list[Any]] = [[_("序号"), _("文件编号"), _("文件题名"), _("日期"), _("页次")]]
        for n, entry in enumerate(entries, start=1):
            page = pages.get(entry.key)
            rows.append([str(n), entry.number, entry.title, entry.date,
                         str(page) if page else "—"])
        widths = [12 * mm, 36 * mm, 0, 24 * mm, 14 * mm]
        widths[2] = PAGE_WIDTH - sum(widths)
        return [Paragraph(_("卷内目录"), STYLES["title"]), table(rows, widths), PageBreak()]

    def closing_note(self, total: int | None) -> list[Flowable]:
        note = _("本案卷共 %(n)s 页，由系统根据订单的检验、不合格项、材料和验收记录自动汇编，归档后不再修改；更正时生成新版本。")  # noqa: E501
        rows = [[_("本卷情况说明"), note % {"n": total or "—"}],
                [_("立卷人"), self.made_by], [_("立卷时间"), local(timezone.now())]]
        return [PageBreak(), Paragraph(_("卷内备考表"), STYLES["title"]),
                table(rows, [36 * mm, PAGE_WIDTH - 36 * mm], header=False)]

    def story(self, entries: list[Entry], pages: dict[str, int], found: dict[str, int],
              total: int | None, dry: bool) -> list[Flowable]:
        story = self.cover() + self.catalogue(entries, pages)
        for n, entry in enumerate(entries):
            if n:
                story.append(PageBreak())
            story += [Anchor(entry.key, found), *entry.build(dry)]
        return story + self.closing_note(total)


def _layout(volume: Volume, target: BinaryIO | Any, entries: list[Entry],
            pages: dict[str, int], total: int | None, dry: bool) -> tuple[dict[str, int], int]:
    found: dict[str, int] = {}
    doc = SimpleDocTemplate(target, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=18 * mm,
                            title=_("%(c)s 质量验收档案 v%(v)s") % {
                                "c": volume.order.code, "v": volume.version},
                            author=volume.made_by)
    footer = _("%(c)s 质量验收档案 v%(v)s") % {"c": volume.order.code, "v": volume.version}

    def on_page(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        label = _("第 %(n)s 页，共 %(t)s 页") % {"n": document.page, "t": total or "—"}
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, label)
        canvas.drawString(18 * mm, 10 * mm, footer)
        canvas.restoreState()

    doc.build(volume.story(entries, pages, found, total, dry), onFirstPage=on_page,
              onLaterPages=on_page)
    return found, doc.page


def write_volume(order: Order, target: BinaryIO, *, version: int, reason: str,
                 made_by: str) -> int:
    """Write the order's quality volume as a PDF into `target`; the number of pages."""
    volume = Volume(order=order, version=version, reason=reason, made_by=made_by)
    entries = volume.entries()
    pages, total = _layout(volume, io.BytesIO(), entries, {}, None, dry=True)
    _found, written = _layout(volume, target, entries, pages, total, dry=False)
    return written
