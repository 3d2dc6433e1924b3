import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eoms.lib.dates import excel_serial_to_date, parse_date

DEC_1 = dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-01",
        "2026/12/1",
        "2026.12.1",
        "2026年12月1日",
        "2026年12月01日",
        "2026 年 12 月 1 日",
        "20261201",
        "２０２６年１２月１日",
        "２０２６－１２－０１",
        "  2026-12-01\t",
        "\u30002026/12/01\u3000",
    ],
)
def test_it_parses_dates_as_people_write_them(text):
    assert parse_date(text) == DEC_1


def test_it_passes_dates_through_and_truncates_datetimes():
    assert parse_date(DEC_1) == DEC_1
    result = parse_date(dt.datetime(2026, 12, 1, 23, 59))
    assert result == DEC_1
    assert type(result) is dt.date


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (46357, DEC_1),
        (46357.99, DEC_1),
        (Decimal("46357"), DEC_1),
        (1, dt.date(1900, 1, 1)),
        (59, dt.date(1900, 2, 28)),
        (61, dt.date(1900, 3, 1)),
        (45658, dt.date(2025, 1, 1)),
        (2_958_465, dt.date(9999, 12, 31)),
    ],
)
def test_it_reads_excel_serial_numbers(serial, expected):
    assert parse_date(serial) == expected


def test_it_reads_a_yyyymmdd_number_typed_into_a_number_cell():
    assert parse_date(20261201) == DEC_1
    assert parse_date(20261201.0) == DEC_1


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)))
def test_it_inverts_excel_serials(day):
    serial = (day - dt.date(1899, 12, 30)).days
    assert excel_serial_to_date(serial) == day
    assert parse_date(day.isoformat()) == day
    assert parse_date(f"{day.year}年{day.month}月{day.day}日") == day


@pytest.mark.parametrize("text", ["2026-02-30", "2026年2月30日", "20261301", "2025/2/29"])
def test_it_rejects_impossible_dates_naming_them(text):
    with pytest.raises(ValueError, match=r"^not a valid date: ") as info:
        parse_date(text)
    assert repr(text) in str(info.value)


@pytest.mark.parametrize(
    "text",
    ["2026-12/01", "12/01/2026", "26-12-01", "2026-12", "tomorrow", "2026年12月1", "2026121"],
)
def test_it_rejects_unknown_formats_naming_them(text):
    with pytest.raises(ValueError, match=r"^not a date: .*expected e\.g\. 2026-12-01") as info:
        parse_date(text)
    assert repr(text) in str(info.value)


@pytest.mark.parametrize("text", ["", "   ", "\u3000"])
def test_it_rejects_empty_text(text):
    with pytest.raises(ValueError, match=r"^not a date: .* is empty$"):
        parse_date(text)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "outside Excel's date range"),
        (-5, "outside Excel's date range"),
        (3_000_000, "outside Excel's date range"),
        (60, "nonexistent 1900-02-29"),
        (float("nan"), "not a date: nan"),
        (float("inf"), "not a date: inf"),
        (True, "not a date: True"),
        (None, "unsupported type NoneType"),
        ([2026, 12, 1], "unsupported type list"),
    ],
)
def test_it_rejects_other_values(value, message):
    with pytest.raises(ValueError, match=message.replace(".", r"\.")):
        parse_date(value)
