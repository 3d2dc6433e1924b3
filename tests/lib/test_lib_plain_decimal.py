"""Quantities shown as people write them: exact, no trailing zeros, never an exponent."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from eoms.lib.text import plain_decimal


@pytest.mark.parametrize(("value", "shown"), [
    (Decimal("200"), "200"), (Decimal("200.000"), "200"), (Decimal("2E+2"), "200"),
    (Decimal("0.500"), "0.5"), (Decimal("-0.00"), "0"), (Decimal("1234567.890"), "1234567.89"),
    (Decimal("0.0001"), "0.0001"), (Decimal("-20"), "-20"), (10, "10"), (None, ""),
])
def test_it_writes_the_number_without_exponent_or_trailing_zeros(value, shown):
    assert plain_decimal(value) == shown


def test_every_template_has_the_plain_filter():
    rendered = Template("{{ a|plain }} mm, {{ b|plain }} t, [{{ c|plain }}]").render(
        Context({"a": Decimal("200.00"), "b": Decimal("13.800"), "c": None}))
    assert rendered == "200 mm, 13.8 t, []"
