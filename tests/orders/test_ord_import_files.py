"""Order files refused as a whole: not an .xlsx, a zip bomb, empty — with a clear message
and nothing written."""

import io
import zipfile

import openpyxl
import pytest

from eoms.audit.models import AuditEntry
from eoms.core.models import IssuedCode
from eoms.orders.imports import OrderImporter
from eoms.orders.models import Order, OrderLine

TABLES = (Order, OrderLine, AuditEntry, IssuedCode)


@pytest.fixture
def world(module_world, db):
    return module_world


def _counts():
    return [model.objects.count() for model in TABLES]


def _refused(world, data) -> str:
    before = _counts()
    report = OrderImporter(world.manager).run(data)
    assert not report.ok and report.file_error and report.total == 0
    assert _counts() == before
    return report.file_error


_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName='
        '"/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sharedStrings+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
        'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships"><sheets><sheet name="订单" sheetId="1" r:id="rId1"/>'
        '</sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>'),
    "xl/worksheets/sheet1.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.'
        'org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c>'
        '<c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row><row r="2">'
        '<c r="A2" t="s"><v>3</v></c><c r="B2" t="s"><v>4</v></c><c r="C2" t="s"><v>5</v></c>'
        '</row></sheetData></worksheet>'),
}


def _workbook(title: str) -> bytes:
    """A hand-made .xlsx whose cells are shared strings; the title cell holds `title`."""
    strings = ["外部编号", "项目编码", "标题", "PO-1", "PRJ-T001", title]
    shared = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.'
              'openxmlformats.org/spreadsheetml/2006/main" count="6" uniqueCount="6">'
              + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in {**_PARTS, "xl/sharedStrings.xml": shared}.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_it_refuses_a_zip_bomb(world, settings):
    settings.UPLOAD_MAX_BYTES = 100_000  # the reader allows 100× that unpacked: 10 MB
    data = _workbook("A" * 30_000_000)  # 30 MB of one repeated letter
    assert len(data) < 100_000  # small enough to pass the upload limit
    assert "解压后超过上限" in _refused(world, data)


def test_it_reads_a_workbook_built_the_same_way_below_the_limit(world, settings):
    settings.UPLOAD_MAX_BYTES = 100_000
    report = OrderImporter(world.manager).run(_workbook("A" * 50), dry_run=True)
    assert not report.file_error and report.total == 1
    assert report.preview[0]["key"] == "PO-1"


def test_it_refuses_a_text_file_renamed_xlsx(world):
    assert "不是 Excel .xlsx 文件" in _refused(world, "外部编号,项目编码\nPO-1,PRJ-T001\n".encode())


def test_it_refuses_a_zip_that_is_no_workbook(world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    assert "不是 Excel .xlsx 文件" in _refused(world, buffer.getvalue())


def test_it_refuses_an_old_xls_file(world):
    error = _refused(world, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    assert "另存为 .xlsx" in error


def test_it_refuses_an_empty_file(world):
    assert _refused(world, b"") == "文件是空的。"


def test_it_refuses_a_file_with_only_headers(world):
    workbook = openpyxl.Workbook()
    workbook.active.append(["外部编号", "项目编码", "标题"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert "只有表头" in _refused(world, buffer.getvalue())
