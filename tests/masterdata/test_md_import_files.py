"""Files the importer must refuse as a whole, with a clear message and nothing written."""

import io

import openpyxl

from eoms.masterdata.imports import CustomerImporter
from eoms.masterdata.models import Customer


def book(*rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_refuses_an_html_file_renamed_to_xlsx(world):
    report = CustomerImporter(world.manager).run(b"<html><body>customers</body></html>")
    assert not report.ok and "不是 Excel .xlsx 文件" in report.file_error
    assert report.total == 0


def test_it_refuses_an_empty_file(world):
    report = CustomerImporter(world.manager).run(b"")
    assert report.file_error == "文件是空的。"


def test_it_refuses_a_file_with_only_headers(world):
    report = CustomerImporter(world.manager).run(book(["客户名称", "联系人"]))
    assert "只有表头" in report.file_error


def test_it_refuses_a_blank_sheet(world):
    report = CustomerImporter(world.manager).run(book())
    assert "没有找到表头" in report.file_error


def test_it_refuses_an_oversized_file(world, settings):
    data = book(["客户名称"], *[[f"客户{i}"] for i in range(200)])
    settings.UPLOAD_MAX_BYTES = len(data) - 1
    before = Customer.objects.count()
    report = CustomerImporter(world.manager).run(data)
    assert "文件太大" in report.file_error
    assert Customer.objects.count() == before


def test_it_refuses_more_rows_than_allowed(world):
    importer = CustomerImporter(world.manager)
    importer.max_rows = 3
    report = importer.run(book(["客户名称"], *[[f"客户{i}"] for i in range(4)]))
    assert "超过 3 行" in report.file_error


def test_it_refuses_an_old_xls_file(world):
    report = CustomerImporter(world.manager).run(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    assert ".xls" in report.file_error and "另存为" in report.file_error


def test_it_names_a_header_that_appears_twice(world):
    report = CustomerImporter(world.manager).run(book(["客户名称", "客户名称"], ["甲", "乙"]))
    assert "“客户名称”出现了两次" in report.file_error
