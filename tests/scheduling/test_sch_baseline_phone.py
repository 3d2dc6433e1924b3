"""The baseline pages on a phone (390 px): cards instead of the wide table, no sideways
scrolling."""

from __future__ import annotations

import pytest

from eoms.core.context import Channel, acting
from eoms.scheduling import services, services_plan
from eoms.testing.scheduling_world import build_schedule

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _width(web) -> int:
    return web.page.evaluate("document.documentElement.scrollWidth")


def test_the_variance_page_fits_a_phone(phone, world):
    plan = build_schedule(world)
    with acting(Channel.TEST):
        baseline = services_plan.save_baseline(plan.order, actor=world.manager, name="合同基线")
        services.update_task(plan.design, actor=world.manager, data={"duration_days": 5})
    phone.login(world.pm)
    phone.open(f"/schedule/baselines/{baseline.pk}/")
    assert _width(phone) <= 390, f"the variance page scrolls sideways: {_width(phone)}px"
    card = phone.page.locator(f'.list-group-item[data-task="{plan.pour.pk}"]')
    assert card.is_visible() and "+2" in card.inner_text()
    phone.open(f"/schedule/orders/{plan.order.pk}/baselines/")
    assert _width(phone) <= 390
    assert phone.console_errors == []
