"""{% load schedule_days %}: `value|plural_count` gives {% blocktranslate count %} the whole
number that picks the plural form of a number of days as shown ("0.5", "-1", "2")."""

from __future__ import annotations

from typing import Any

from django import template

from eoms.scheduling import day_words

register = template.Library()


@register.filter
def plural_count(shown: Any) -> int:
    return day_words.plural_count(shown)
