import datetime as dt
import enum
import io
import re
import uuid
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from eoms.lib.xlsx import XlsxError, display_width, read_rows, write_rows

MB = 1_000_000


def _book(cells: dict[str, object]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for ref, value in cells.items():
        sheet[ref] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rezip(data: bytes, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, change(info.filename, src.read(info.filename)))
    return out.getvalue()


def test_it_round_trips_a_table():
    rows = [
        ["螺纹钢 HRB400", Decimal("12.5"), 3, dt.date(2026, 12, 1), None, True],
        ["水泥", 0.25, -1, dt.datetime(2026, 1, 2, 8, 30), "备注", False],
    ]
    data = write_rows(["名称", "单价", "数量", "日期", "备注", "合格"], rows, sheet_title="物料")
    headers, table = read_rows(data, max_bytes=MB)
    assert headers == ["名称", "单价", "数量", "日期", "备注", "合格"]
    assert table == [
        (2, {"名称": "螺纹钢 HRB400", "单价": 12.5, "数量": 3,
             "日期": dt.datetime(2026, 12, 1), "备注": None, "合格": True}),
        (3, {"名称": "水泥", "单价": 0.25, "数量": -1,
             "日期": dt.datetime(2026, 1, 2, 8, 30), "备注": "备注", "合格": False}),
    ]  # fmt: skip


def test_it_finds_the_header_and_keeps_excel_row_numbers():
    data = _book({
        "B3": "  名称 ", "C3": "数量", "D3": None,
        "B5": " 钢筋 ", "C5": 2,
        "B6": "   ",
        "C8": 7, "E8": "no header, ignored",
    })  # fmt: skip
    headers, table = read_rows(data, max_bytes=MB)
    assert headers == ["名称", "数量"]
    assert table == [(5, {"名称": "钢筋", "数量": 2}), (8, {"名称": None, "数量": 7})]


def test_it_reads_the_first_sheet_even_when_another_is_active():
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "first"
    workbook.active["A2"] = 1
    other = workbook.create_sheet("说明")
    other["A1"] = "notes"
    workbook.active = 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read_rows(buffer.getvalue(), max_bytes=MB) == (["first"], [(2, {"first": 1})])


def test_it_ignores_wrong_sheet_dimensions():
    data = _book({"A1": "a", "B1": "b", "A2": 1, "B2": 2, "A3": 3, "B3": 4})

    def shrink(name, content):
        if name.startswith("xl/worksheets/"):
            return re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:A1"', content)
        return content

    headers, table = read_rows(_rezip(data, shrink), max_bytes=MB)
    assert headers == ["a", "b"]
    assert table == [(2, {"a": 1, "b": 2}), (3, {"a": 3, "b": 4})]


def test_it_reads_file_objects_from_the_start():
    stream = io.BytesIO(_book({"A1": "h", "A2": "v"}))
    stream.seek(10)
    assert read_rows(stream, max_bytes=MB) == (["h"], [(2, {"h": "v"})])


def test_it_rejects_files_over_the_size_limit():
    data = _book({"A1": "h"})
    with pytest.raises(XlsxError, match=r"^the file is too large \(limit 100 bytes\)$"):
        read_rows(data, max_bytes=100)
    with pytest.raises(XlsxError, match="too large"):
        read_rows(io.BytesIO(data), max_bytes=100)
    assert read_rows(data, max_bytes=len(data)) == (["h"], [])


@pytest.mark.parametrize(
    "content",
    [
        b"name,qty\n\xe9\x92\xa2,1\n",
        b"<html><body><table><tr><td>1</td></tr></table></body></html>",
        b"just text",
        "名称,数量".encode("gbk"),
    ],
)
def test_it_says_renamed_files_are_not_xlsx(content):
    with pytest.raises(XlsxError, match=r"^not an Excel \.xlsx file$"):
        read_rows(content, max_bytes=MB)


def test_it_explains_empty_damaged_and_legacy_files():
    with pytest.raises(XlsxError, match=r"^not an Excel \.xlsx file \(the file is empty\)$"):
        read_rows(b"", max_bytes=MB)
    with pytest.raises(XlsxError, match=r"^not an Excel \.xlsx file \(the file is damaged\)$"):
        read_rows(b"PK\x03\x04" + b"\x00" * 50, max_bytes=MB)
    legacy = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    with pytest.raises(XlsxError, match=r"old \.xls or a password-protected workbook"):
        read_rows(legacy, max_bytes=MB)


def test_it_rejects_a_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(XlsxError, match=r"^not an Excel \.xlsx file$"):
        read_rows(buffer.getvalue(), max_bytes=MB)


def test_it_rejects_zip_bombs():
    def add_padding(name, content):
        return content + b" " * 20 * MB if name == "docProps/app.xml" else content

    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        zipfile.ZipFile(io.BytesIO(_book({"A1": "h"}))) as src,
    ):
        for info in src.infolist():
            archive.writestr(info.filename, add_padding(info.filename, src.read(info)))
    data = buffer.getvalue()
    assert len(data) < 100_000
    with pytest.raises(XlsxError, match="^the file is too large once unpacked$"):
        read_rows(data, max_bytes=100_000)


def test_it_rejects_an_empty_sheet_and_duplicate_headers():
    with pytest.raises(XlsxError, match="no header row found"):
        read_rows(_book({"A1": "  "}), max_bytes=MB)
    with pytest.raises(XlsxError, match=r"^column header '名称' appears twice in row 2$"):
        read_rows(_book({"A2": "名称", "B2": " 名称 "}), max_bytes=MB)


def test_it_rejects_a_workbook_without_worksheets():
    def drop_sheets(name, content):
        if name == "xl/workbook.xml":
            return re.sub(rb"<sheet [^>]*/>", b"", content)
        return content

    data = _rezip(_book({"A1": "h"}), drop_sheets)
    with pytest.raises(XlsxError, match="^the workbook has no worksheet$"):
        read_rows(data, max_bytes=MB)


def test_it_limits_the_number_of_rows():
    data = write_rows(["n"], ([i] for i in range(11)), sheet_title="t")
    assert len(read_rows(data, max_bytes=MB, max_rows=11)[1]) == 11
    with pytest.raises(XlsxError, match=r"^the sheet has more than 10 data rows$"):
        read_rows(data, max_bytes=MB, max_rows=10)


def _load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_it_formats_the_header_and_sizes_columns():
    headers = ["名称名称名称名称名称", "abcdefghij", "x", "long"]
    data = write_rows(headers, [["钢", 1, "y", "z" * 200]], sheet_title="物料")
    sheet = _load(data)["物料"]
    assert sheet.freeze_panes == "A2"
    assert [c.font.b for c in sheet[1]] == [True, True, True, True]
    assert not sheet["A2"].font.b
    widths = {k: v.width for k, v in sheet.column_dimensions.items()}
    assert widths == {"A": 22, "B": 12, "C": 8, "D": 60}


def test_it_measures_cjk_as_double_width():
    assert display_width("钢筋AB") == 6
    assert display_width("ＡＢ") == 4
    assert display_width(12345) == 5
    assert display_width(dt.date(2026, 1, 1)) == 10
    assert display_width(None) == 0


def test_it_writes_formula_text_as_text():
    data = write_rows(["v"], [['=HYPERLINK("http://x","y")'], ["=1+1"]], sheet_title="t")
    sheet = _load(data)["t"]
    assert sheet["A2"].data_type == "s"
    assert sheet["A3"].value == "=1+1"
    assert read_rows(data, max_bytes=MB)[1][1] == (3, {"v": "=1+1"})


class Status(str, enum.Enum):  # noqa: UP042 - str() of this gives "Status.OPEN"
    OPEN = "open"


def test_it_converts_values_excel_cannot_hold():
    key = uuid.UUID(int=1)
    aware = dt.datetime(2026, 1, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    rows = [["a\x00b\x1fc", key, aware, float("nan"), Decimal("Infinity"), Status.OPEN]]
    data = write_rows(["a", "b", "c", "d", "e", "f"], rows, sheet_title="t")
    _, table = read_rows(data, max_bytes=MB)
    assert table == [
        (2, {"a": "abc", "b": str(key), "c": dt.datetime(2026, 1, 1, 9, 30), "d": "nan",
             "e": "Infinity", "f": "open"})
    ]  # fmt: skip


def test_it_adds_a_notes_sheet_only_when_asked():
    plain = _load(write_rows(["h"], [], sheet_title="数据"))
    assert plain.sheetnames == ["数据"]
    book = _load(
        write_rows(["h"], [], sheet_title="数据", notes=["必填：名称", "日期格式 2026-12-01"])
    )
    assert book.sheetnames == ["数据", "说明"]
    assert [r[0] for r in book["说明"].iter_rows(values_only=True)] == [
        "必填：名称",
        "日期格式 2026-12-01",
    ]
    with pytest.raises(ValueError, match="must differ from the notes sheet"):
        write_rows(["h"], [], sheet_title="说明", notes=["x"])


def test_it_sanitises_sheet_titles():
    book = _load(write_rows(["h"], [], sheet_title="2026/12 [订单]: 明细*?" + "长" * 40))
    title = book.sheetnames[0]
    assert title.startswith("2026_12 _订单__ 明细__")
    assert len(title) == 31
    assert _load(write_rows(["h"], [], sheet_title="  ")).sheetnames == ["Sheet1"]


def test_it_streams_many_rows_past_the_width_sample():
    data = write_rows(["n", "s"], ((i, f"行{i}") for i in range(1500)), sheet_title="t")
    _, table = read_rows(data, max_bytes=10 * MB)
    assert len(table) == 1500
    assert table[-1] == (1501, {"n": 1499, "s": "行1499"})


def test_it_rejects_rows_longer_than_the_header():
    with pytest.raises(ValueError, match="^row 3 has 3 values but there are 2 headers$"):
        write_rows(["a", "b"], [[1, 2], [1, 2, 3]], sheet_title="t")
