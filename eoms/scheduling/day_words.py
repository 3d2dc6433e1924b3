"""Numbers of working days in words, with the plural form the number needs ("1 working
day", "0.5 working days"). The schedule shows days with decimals and signs ("0.5",
"-1.25"); gettext's plural formulas take whole numbers only, so `plural_count` turns the
number as shown into the whole number that picks the right form."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import ngettext

# A count that every catalogue of ours (zh-hans: one form; en: plural=(n != 1)) puts in the
# form that CLDR calls "other", the form of shown fractions: "0.5 days", "1.0 days".
FRACTION_COUNT = 2


def plural_count(shown: Any) -> int:
    """The count for ngettext / {% blocktranslate count %} of a number as it is shown:
    a whole number counts as its size ("-1 day" like "1 day"); a number shown with
    decimals counts as FRACTION_COUNT; nothing shown counts as 0."""
    if shown is None or isinstance(shown, bool):
        return 0
    try:
        number = Decimal(str(shown).strip().replace("+", "").replace("−", "-"))
    except InvalidOperation:
        return 0
    if not number.is_finite():
        return 0
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < 0:
        return FRACTION_COUNT
    return abs(int(number))


def working_days(shown: Any) -> str:
    """"3 个工作日" / "1 working day" for a number of working days as shown."""
    return ngettext("%(d)s 个工作日", "%(d)s 个工作日", plural_count(shown)) % {"d": shown}
