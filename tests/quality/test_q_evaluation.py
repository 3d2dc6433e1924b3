"""A measurement passes when nominal − minus ≤ value ≤ nominal + plus: edges included,
exact decimals (eoms.quality.evaluation, no Django)."""

from decimal import Decimal as D

import pytest

from eoms.quality.evaluation import NotANumber, Tolerance, parse_value, passes


@pytest.mark.parametrize(("value", "ok"), [
    ("190", True), ("210", True),          # exactly at the limits
    ("189.999", False), ("210.001", False),  # one unit of the last decimal beyond
    ("189.99", False), ("210.01", False), ("200", True),
])
def test_it_includes_both_edges_and_nothing_beyond(value, ok):
    assert passes(D(value), D("200"), D("10"), D("10")) is ok


def test_it_handles_asymmetric_tolerances_exactly():
    tol = Tolerance(D("2.0"), minus=D("0.2"), plus=D("0.5"))
    assert (tol.low, tol.high) == (D("1.8"), D("2.5"))
    assert tol.passes(D("1.8")) and tol.passes(D("2.500"))
    assert not tol.passes(D("1.799")) and not tol.passes(D("2.501"))


def test_it_treats_a_missing_tolerance_as_zero():
    assert passes(D("25"), D("25"), None, None)
    assert not passes(D("25.001"), D("25"), None, None)


def test_it_compares_decimals_not_floats():
    # 0.1 + 0.2 is not 0.3 in floating point; the limit 0.3 must still pass.
    assert passes(D("0.1") + D("0.2"), D("0.2"), D("0"), D("0.1"))


@pytest.mark.parametrize("text", ["", "  ", "abc", "1e400", "NaN", "inf", "1.2345",
                                  "12345678901", "1,5"])
def test_it_refuses_what_is_not_a_fitting_number(text):
    with pytest.raises(NotANumber):
        parse_value(text)


@pytest.mark.parametrize(("text", "value"), [(" 12.5 ", D("12.5")), ("-3", D("-3")),
                                             ("123456789.123", D("123456789.123")),
                                             (7, D(7))])
def test_it_reads_numbers_as_typed(text, value):
    assert parse_value(text) == value
