"""Whether a measured value passes: pure Decimal arithmetic, no Django.

A measurement passes when  nominal − tolerance_minus ≤ value ≤ nominal + tolerance_plus,
both edges included. Values are compared as exact decimals (never floats), so 10.000 and
9.999 on a limit of 10 fall on the side they are written on.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

MAX_DIGITS = 12
MAX_PLACES = 3


class NotANumber(ValueError):
    """The text is not a finite decimal number (or has too many digits)."""


@dataclass(frozen=True)
class Tolerance:
    nominal: Decimal
    minus: Decimal = Decimal(0)
    plus: Decimal = Decimal(0)

    @property
    def low(self) -> Decimal:
        return self.nominal - self.minus

    @property
    def high(self) -> Decimal:
        return self.nominal + self.plus

    def passes(self, value: Decimal) -> bool:
        return self.low <= value <= self.high


def parse_value(text: object) -> Decimal:
    """A typed or sent measurement as a Decimal; NotANumber when it is not one that fits
    (MAX_DIGITS digits with at most MAX_PLACES decimals)."""
    if isinstance(text, float):
        text = repr(text)
    raw = str(text).strip() if text is not None else ""
    if not raw:
        raise NotANumber("empty")
    try:
        value = Decimal(raw)
    except (InvalidOperation, ValueError):
        raise NotANumber(raw)
    if not value.is_finite():
        raise NotANumber(raw)
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if places > MAX_PLACES:
        raise NotANumber(raw)
    if value and value.adjusted() + 1 > MAX_DIGITS - MAX_PLACES:  # digits before the point
        raise NotANumber(raw)
    return value


def passes(value: Decimal, nominal: Decimal, minus: Decimal | None,
           plus: Decimal | None) -> bool:
    """The measurement rule; a missing tolerance is zero."""
    return Tolerance(nominal, minus or Decimal(0), plus or Decimal(0)).passes(value)
