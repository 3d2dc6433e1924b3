"""Dates as people and spreadsheets write them."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal

__all__ = ["excel_serial_to_date", "parse_date"]

# Excel's 1900 date system counts 1900-01-01 as day 1 and, copying Lotus 1-2-3, pretends
# 1900-02-29 (day 60) existed; from day 61 on, day N is 1899-12-30 + N.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_FAKE_LEAP_DAY = 60
_EXCEL_MAX_SERIAL = 2_958_465  # 9999-12-31

_TEXT_PATTERNS = (
    re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})", re.ASCII),
    re.compile(r"(\d{4})\s*(年)\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日", re.ASCII),
    re.compile(r"(\d{4})()(\d{2})(\d{2})", re.ASCII),
)


def excel_serial_to_date(serial: int | float | Decimal) -> dt.date:
    """Day part of an Excel (1900 date system) serial number; the time fraction is dropped."""
    if isinstance(serial, bool) or not isinstance(serial, int | float | Decimal):
        raise ValueError(f"not a date: {serial!r}")
    if not math.isfinite(serial):
        raise ValueError(f"not a date: {serial!r}")
    day = math.floor(serial)
    if day < 1 or day > _EXCEL_MAX_SERIAL:
        raise ValueError(f"not a date: {serial!r} is outside Excel's date range")
    if day == _EXCEL_FAKE_LEAP_DAY:
        raise ValueError(f"not a date: {serial!r} is Excel's nonexistent 1900-02-29")
    if day < _EXCEL_FAKE_LEAP_DAY:
        day += 1
    return _EXCEL_EPOCH + dt.timedelta(days=day)


def parse_date(value: object) -> dt.date:
    """A calendar date from a date, a datetime, an Excel serial number or text.

    Text may be 2026-12-01, 2026/12/1, 2026.12.1, 2026年12月1日 or 20261201, in half- or
    full-width digits. A whole number written as YYYYMMDD (a date typed into a number cell)
    is read as such: it is too large to be an Excel serial.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError(f"not a date: {value!r}")
    if isinstance(value, int | float | Decimal):
        if not math.isfinite(value):
            raise ValueError(f"not a date: {value!r}")
        if value == int(value) and 10_000_101 <= value <= 99_991_231:
            return _parse_text(str(int(value)), value)
        return excel_serial_to_date(value)
    if isinstance(value, str):
        return _parse_text(value, value)
    raise ValueError(f"not a date: {value!r} (unsupported type {type(value).__name__})")


def _parse_text(text: str, original: object) -> dt.date:
    cleaned = unicodedata.normalize("NFKC", text).strip()
    if not cleaned:
        raise ValueError(f"not a date: {original!r} is empty")
    for pattern in _TEXT_PATTERNS:
        match = pattern.fullmatch(cleaned)
        if match:
            year, _sep, month, day = match.groups()
            try:
                return dt.date(int(year), int(month), int(day))
            except ValueError as exc:
                raise ValueError(f"not a valid date: {original!r} ({exc})")
    raise ValueError(
        f"not a date: {original!r} (expected e.g. 2026-12-01, 2026/12/1, 2026.12.1, "
        "2026年12月1日 or 20261201)"
    )
