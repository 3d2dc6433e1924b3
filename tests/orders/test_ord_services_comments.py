"""Comments on an order, and the overdue test."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from eoms.audit.models import AuditEntry
from eoms.orders import services
from eoms.orders.choices import OrderStatus
from eoms.orders.models import OrderComment
from eoms.testing.orders_world import build_orders


@pytest.fixture
def world(module_world, db):
    return module_world


@pytest.fixture
def order(world):
    return build_orders(world).order


@pytest.mark.parametrize("key", ["pm", "buyer", "qc", "client", "manager", "finance"])
def test_it_lets_everyone_concerned_comment(world, order, key):
    comment = services.add_comment(order, actor=world.users[key], text=" 已确认进场时间 ")
    assert (comment.text, comment.created_by) == ("已确认进场时间", world.users[key])
    entry = AuditEntry.objects.for_object(comment).get()
    assert entry.event == "order.commented"


@pytest.mark.parametrize("key", ["auditor", "worker", "other_pm", "outsider"])
def test_it_refuses_a_comment_from_outside(world, order, key):
    with pytest.raises(PermissionDenied):
        services.add_comment(order, actor=world.users[key], text="看看")
    assert not OrderComment.objects.exists()


@pytest.mark.parametrize("text", ["", "   ", "字" * 4001])
def test_it_refuses_an_empty_or_huge_comment(world, order, text):
    with pytest.raises(ValidationError) as caught:
        services.add_comment(order, actor=world.pm, text=text)
    assert "text" in caught.value.message_dict
    assert not OrderComment.objects.exists()


@pytest.mark.parametrize(("status", "days", "overdue"), [
    (OrderStatus.IN_PROGRESS, -1, True), (OrderStatus.IN_PROGRESS, 0, False),
    (OrderStatus.ON_HOLD, -5, True), (OrderStatus.DELIVERED, -5, False),
    (OrderStatus.CLOSED, -5, False), (OrderStatus.CANCELLED, -5, False)])
def test_it_calls_an_open_order_past_its_promise_overdue(order, status, days, overdue):
    today = date(2026, 11, 20)
    order.status, order.promised_date = status, today + timedelta(days=days)
    assert services.is_overdue(order, today=today) is overdue


def test_a_customer_message_notifies_the_order_owner(world):
    from eoms.core.models import Notification
    from eoms.orders import services
    from eoms.testing.orders_world import build_orders

    orders = build_orders(world)
    before = Notification.objects.filter(user=world.pm, kind="order.customer_message").count()
    services.add_comment(orders.order, actor=world.client, text="请问钢筋何时到场？")
    notes = Notification.objects.filter(user=world.pm, kind="order.customer_message")
    assert notes.count() == before + 1
    assert "请问钢筋何时到场" in notes.latest("created_at").body
    services.add_comment(orders.order, actor=world.manager, text="内部备注")
    assert notes.count() == before + 1  # staff notes do not notify
