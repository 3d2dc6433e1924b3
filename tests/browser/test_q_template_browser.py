"""Editing an inspection template on a phone in a real browser: an item added from the
blank row, its kind switched to a measurement (its fields appear), moved up one place,
saved in that order."""

from __future__ import annotations

from decimal import Decimal

import pytest

from eoms.quality.models import InspectionTemplate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_adds_a_measurement_and_moves_it_up(phone, world):
    template = InspectionTemplate.objects.get(code="QT-YB")
    labels = list(template.items.order_by("position").values_list("label", flat=True))
    phone.login(world.manager)
    phone.open(f"/quality/templates/{template.pk}/edit/")
    page = phone.page
    page.click(".js-item-add")
    row = page.locator(".js-item-row").last
    assert not row.locator(".js-kind-measurement").is_visible()
    row.locator(".js-item-kind").select_option("measurement")
    assert row.locator(".js-kind-measurement").is_visible()
    for name, value in (("label", "垫块厚度"), ("unit", "mm"), ("nominal", "25"),
                        ("tolerance_minus", "3"), ("tolerance_plus", "3")):
        row.locator(f"input[name$='-{name}']").fill(value)
    row.locator(".js-item-up").click()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone: {width}px wide"
    with page.expect_navigation(wait_until="load"):
        page.click("form button[type=submit].btn-primary")
    items = list(template.items.order_by("position"))
    assert [i.label for i in items] == [*labels[:-1], "垫块厚度", labels[-1]], \
        page.inner_text("main")[:500]
    added = items[-2]
    assert (added.kind, added.unit, added.nominal, added.tolerance_plus) == (
        "measurement", "mm", Decimal("25"), Decimal("3"))
    assert phone.console_errors == []
