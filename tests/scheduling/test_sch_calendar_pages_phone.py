"""The calendar editor on a phone (390 px): no sideways scrolling; a project manager taps
a date and makes it a holiday."""

from __future__ import annotations

from datetime import date

import pytest

from eoms.scheduling.models import CalendarException
from eoms.testing.scheduling_world import build_schedule

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _width(web) -> int:
    return web.page.evaluate("document.documentElement.scrollWidth")


def test_a_project_manager_taps_a_date_on_his_phone_and_makes_it_a_holiday(phone, world):
    plan = build_schedule(world)
    phone.login(world.pm)
    phone.open(f"/schedule/calendars/{plan.calendar.pk}/?year=2026")
    page = phone.page
    assert _width(phone) <= 390, f"the calendar scrolls sideways: {_width(phone)}px"
    cell = page.locator('a[aria-label^="2026-03-03 "]')
    box = cell.bounding_box()
    assert box is not None and box["height"] >= 40, f"a small touch target: {box}"
    with page.expect_navigation():
        cell.click()
    assert page.input_value("input[name=date]") == "2026-03-03"
    assert page.input_value("select[name=kind]") == "holiday"
    page.fill("input[name=name]", "停电检修")
    with page.expect_navigation():
        page.get_by_role("button", name="保存这天的安排").click()
    assert page.get_by_text("已将 2026-03-03 设为休息日。").is_visible()
    assert CalendarException.objects.get(calendar=plan.calendar).date == date(2026, 3, 3)
    assert "eoms-cal-company-off" in page.locator(
        'td[title^="2026-03-03 "]').get_attribute("class")
    assert _width(phone) <= 390
    assert phone.console_errors == []
