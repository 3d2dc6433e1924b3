"""Number filters every template has (a builtin, see TEMPLATES in settings):

    {{ batch.quantity|plain }}   200 (not 2E+2, not 200.000)
"""

from decimal import Decimal
from typing import Any

from django import template

from eoms.lib.text import plain_decimal

register = template.Library()


@register.filter
def plain(value: Any) -> str:
    if value is None or value == "":
        return ""
    try:
        return plain_decimal(Decimal(str(value)))
    except ArithmeticError:
        return str(value)
