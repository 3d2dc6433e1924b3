"""Every failed number or date reads in the user's words, also the pydantic error kinds
that have no entry of their own (int_from_float, decimal_max_places, …)."""

from datetime import date, datetime

import pydantic
import pytest
from django.utils import translation

from eoms.core.api import pydantic_errors


class Payload(pydantic.BaseModel):
    count: int | None = None
    amount: pydantic.condecimal(max_digits=6, decimal_places=2) | None = None  # type: ignore[valid-type]
    day: date | None = None
    at: datetime | None = None


@pytest.mark.parametrize(("data", "words"), [
    ({"count": 12.5}, "应为整数。"),                 # int_from_float
    ({"amount": "1.234"}, "应为数字。"),             # decimal_max_places
    ({"day": "2026-11-25T10:30:00"}, "应为日期，格式 YYYY-MM-DD。"),  # date_from_datetime_inexact
    ({"at": "2026-13-45"}, "应为日期时间（ISO 8601）。"),
])
def test_it_words_each_failed_number_and_date_in_chinese(data, words):
    with translation.override("zh-hans"), pytest.raises(pydantic.ValidationError) as caught:
        Payload.model_validate(data)
    with translation.override("zh-hans"):
        errors = pydantic_errors(caught.value.errors())
    assert errors == [{"field": next(iter(data)), "message": words}]
