"""The archived quality report is a GB/T 50328 volume in Chinese: cover, catalogue with
page numbers, the inspections with every item and result, the NCR with its cause and
closure, the material batches with certificates and where they were used, the
acceptance records (read back with a PDF text extractor)."""

import io
import re

from django.core.files.storage import default_storage
from pypdf import PdfReader

from eoms.testing.archive_world import build_delivered


def _pages(archive) -> list[str]:
    with default_storage.open(archive.file.name, "rb") as stored:
        reader = PdfReader(io.BytesIO(stored.read()))
    return [page.extract_text() for page in reader.pages]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_it_writes_cover_catalogue_inspections_ncr_batches_and_acceptance(world):
    a = build_delivered(world)
    pages = _pages(a.archive)
    assert len(pages) == a.archive.page_count
    text = _flat("\n".join(pages))
    for fragment in ("建设工程质量验收档案", "案卷题名", a.order.code, "浦东厂房扩建",
                     "上海申达建设有限公司", "立卷单位", "保管期限", "卷内目录", "卷内备考表",
                     # the inspections: template, items, measurements, verdicts
                     "钢筋隐蔽验收·底板钢筋绑扎", a.failed.code, a.final.code, "竣工验收",
                     "受力钢筋间距", "200±10mm", "211mm", "不合格", "合格", "影像资料",
                     # the NCR: cause, severity, rework, closure
                     a.ncr.code, _flat(a.ncr.cause), "返工：底板钢筋绑扎", "返工后复检合格",
                     # the batches: supplier, batch number, certificate, where used
                     "材料进场及合格证登记表", a.mat.batch.batch_number,
                     a.mat.batch.certificate_number, a.mat.batch.supplier.name,
                     _flat(a.mat.usage.location),
                     # the acceptance records
                     "验收记录", "同意验收"):
        assert _flat(fragment) in text, fragment


def test_it_lists_each_item_in_the_catalogue_with_the_page_it_starts_on(world):
    a = build_delivered(world)
    pages = _pages(a.archive)
    catalogue = next(p for p in pages if "卷内目录" in p)
    for code in (a.failed.code, a.final.code, a.ncr.code):
        line = re.search(re.escape(code) + r"\n.*?\n\S+\n(\d+)", catalogue)
        assert line, (code, catalogue)
        page = int(line.group(1))
        assert code in pages[page - 1], (code, page)
