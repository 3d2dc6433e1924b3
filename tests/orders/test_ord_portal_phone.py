"""The customer portal on a phone (390 px): cards, no sideways scrolling, a message sent
from the phone."""

from __future__ import annotations

import pytest

from eoms.orders.models import OrderComment
from eoms.testing.orders_world import build_orders

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _width(phone) -> int:
    return phone.page.evaluate("document.documentElement.scrollWidth")


def test_it_fits_a_phone_and_sends_a_message_from_it(phone, world):
    orders = build_orders(world)
    phone.login(world.client)
    phone.open("/orders/portal/")
    page = phone.page
    assert _width(phone) <= 390, f"the portal list scrolls sideways: {_width(phone)}px"
    assert page.get_by_text(orders.other_order.title).count() == 0
    page.get_by_text(orders.order.title).click()
    page.wait_for_url(f"{phone.base_url}/orders/portal/{orders.order.pk}/")
    assert _width(phone) <= 390, f"the portal page scrolls sideways: {_width(phone)}px"
    button = page.get_by_role("button", name="发送留言")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44, f"a small touch target: {box}"
    page.fill("textarea[name=text]", "请把进场时间改到周四上午。")
    with page.expect_navigation():
        button.click()
    assert page.get_by_text("留言已发送给项目团队。").is_visible()
    assert OrderComment.objects.get(order=orders.order).created_by == world.client
    assert phone.console_errors == []
