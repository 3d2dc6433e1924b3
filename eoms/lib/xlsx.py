"""Plain tables in and out of .xlsx files (first sheet, one header row)."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

__all__ = ["NOTES_SHEET_TITLE", "XlsxError", "read_rows", "write_rows"]

NOTES_SHEET_TITLE = "说明"
EXCEL_MAX_ROWS = 1_048_576

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx
# Unpacked size allowed per byte of upload limit: real sheets compress 5-30x, zip bombs 1000x.
_MAX_INFLATION = 100
_EXCEL_MAX_CELL_CHARS = 32_767
_ILLEGAL_CHARS_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_TITLE_BAD_RE = re.compile(r"[\[\]:*?/\\]")
_NATIVE_TYPES = (str, int, float, Decimal, bool, dt.date, dt.time, dt.timedelta)
_WIDTH_SAMPLE_ROWS = 500


class XlsxError(Exception):
    """The upload cannot be read as a table; the message is fit to show the user."""


def _read_bytes(source: bytes | bytearray | memoryview | IO[bytes], max_bytes: int) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        if getattr(source, "seekable", lambda: False)():
            source.seek(0)
        data = source.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise XlsxError(f"the file is too large (limit {max_bytes:,} bytes)")
    return data


def _check_container(data: bytes, max_bytes: int) -> None:
    if data.startswith(_OLE_MAGIC):
        raise XlsxError(
            "not an Excel .xlsx file: it looks like an old .xls or a password-protected "
            "workbook; open it in Excel and save it as .xlsx without a password"
        )
    if not data:
        raise XlsxError("not an Excel .xlsx file (the file is empty)")
    if not data.startswith(_ZIP_MAGIC):
        raise XlsxError("not an Excel .xlsx file")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise XlsxError("not an Excel .xlsx file (the file is damaged)")
    if inflated > _MAX_INFLATION * max_bytes:
        raise XlsxError("the file is too large once unpacked")


def _clean(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def read_rows(
    source: bytes | bytearray | memoryview | IO[bytes],
    *,
    max_bytes: int,
    max_rows: int = 100_000,
) -> tuple[list[str], list[tuple[int, dict[str, object]]]]:
    """Read the first worksheet as a table.

    The first non-blank row is the header. Returns the header names (blank header cells are
    left out, together with their column) and, for each non-blank row below, its Excel row
    number and ``{header: value}``. Strings are stripped and empty strings become None.
    Dates come back as ``datetime``; formulas as their cached value (None if never calculated).
    """
    data = _read_bytes(source, max_bytes)
    _check_container(data, max_bytes)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a ZIP that is not a workbook
        raise XlsxError("not an Excel .xlsx file")
    try:
        if not workbook.worksheets:
            raise XlsxError("the workbook has no worksheet")
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers record wrong dimensions, which truncates reads
        try:
            return _table(sheet.iter_rows(values_only=True), max_rows)
        except XlsxError:
            raise
        except Exception:
            raise XlsxError("not an Excel .xlsx file (the worksheet cannot be read)")
    finally:
        workbook.close()


def _table(
    rows: Iterable[tuple[object, ...]], max_rows: int
) -> tuple[list[str], list[tuple[int, dict[str, object]]]]:
    columns: list[tuple[int, str]] | None = None
    result: list[tuple[int, dict[str, object]]] = []
    for row_number, raw in enumerate(rows, start=1):
        values = [_clean(v) for v in raw]
        if all(v is None for v in values):
            continue
        if columns is None:
            columns = _header(values, row_number)
            continue
        if len(result) >= max_rows:
            raise XlsxError(f"the sheet has more than {max_rows:,} data rows")
        result.append(
            (row_number, {name: values[i] if i < len(values) else None for i, name in columns})
        )
    if columns is None:
        raise XlsxError("the first worksheet is empty: no header row found")
    return [name for _, name in columns], result


def _header(values: list[object], row_number: int) -> list[tuple[int, str]]:
    columns: list[tuple[int, str]] = []
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value is None:
            continue
        name = str(value).strip()
        if name in seen:
            raise XlsxError(f"column header {name!r} appears twice in row {row_number}")
        seen.add(name)
        columns.append((index, name))
    return columns


def display_width(value: object) -> int:
    """Approximate width in Excel character units: East Asian wide characters count double."""
    text = value if isinstance(value, str) else _display_text(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _display_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return "2026-01-01 00:00:00"
    if isinstance(value, dt.date):
        return "2026-01-01"
    return str(value)


def _cell_value(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        # Excel has no time zones: keep the wall-clock time the caller chose to show.
        return value.replace(tzinfo=None)
    if (isinstance(value, float) and not math.isfinite(value)) or (
        isinstance(value, Decimal) and not value.is_finite()
    ):
        value = str(value)  # Excel has no NaN or infinity; openpyxl would write a broken file
    if not isinstance(value, _NATIVE_TYPES):
        value = str(value)  # lazy translations, UUIDs, enums …
    if isinstance(value, str):
        # str.__str__ unwraps str subclasses such as choice enums to their plain value
        value = _ILLEGAL_CHARS_RE.sub("", str.__str__(value))[:_EXCEL_MAX_CELL_CHARS]
    return value


def _sheet_title(title: str) -> str:
    cleaned = _SHEET_TITLE_BAD_RE.sub("_", title).strip().strip("'")[:31]
    return cleaned or "Sheet1"


def _cell(sheet: object, value: object, *, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=_cell_value(value))
    if cell.data_type == "f":  # never let exported text run as a formula
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    return cell


def write_rows(
    headers: list[str],
    rows: Iterable[Sequence[object]],
    *,
    sheet_title: str,
    notes: list[str] | None = None,
) -> bytes:
    """An .xlsx with one table sheet (bold, frozen header) and an optional notes sheet 说明.

    Text starting with "=" is written as text, never as a formula. Time-zone-aware datetimes
    are written as their wall-clock time, so convert them to local time first.
    """
    title = _sheet_title(sheet_title)
    if notes is not None and title == NOTES_SHEET_TITLE:
        raise ValueError(f"sheet_title must differ from the notes sheet {NOTES_SHEET_TITLE!r}")
    row_iter = iter(rows)
    sample = list(itertools.islice(row_iter, _WIDTH_SAMPLE_ROWS))
    widths = [display_width(h) for h in headers]
    for number, row in enumerate(sample, start=2):
        _check_row(row, len(headers), number)
        for i, value in enumerate(row):
            widths[i] = max(widths[i], display_width(value))

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)
    sheet.append([_cell(sheet, h, bold=True) for h in headers])
    for number, row in enumerate(itertools.chain(sample, row_iter), start=2):
        if number > EXCEL_MAX_ROWS:
            raise ValueError(f"more rows than an Excel sheet holds ({EXCEL_MAX_ROWS:,})")
        _check_row(row, len(headers), number)
        sheet.append([_cell(sheet, v) for v in row])

    if notes is not None:
        notes_sheet = workbook.create_sheet(NOTES_SHEET_TITLE)
        longest = max((display_width(line) for line in notes), default=10)
        notes_sheet.column_dimensions["A"].width = min(max(longest + 2, 10), 120)
        for line in notes:
            notes_sheet.append([_cell(notes_sheet, line)])

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _check_row(row: Sequence[object], header_count: int, number: int) -> None:
    if len(row) > header_count:
        raise ValueError(f"row {number} has {len(row)} values but there are {header_count} headers")
