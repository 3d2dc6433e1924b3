"""The customer portal: a customer's user sees his own orders, status, dates and lines,
writes to the team, and nothing internal; staff are sent to the staff pages."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from eoms.audit.models import AuditEntry
from eoms.core import navigation
from eoms.core.context import Channel, acting
from eoms.orders import services
from eoms.orders.choices import OrderStatus, OrderType
from eoms.orders.models import Order, OrderComment
from eoms.testing.orders_world import build_orders
from eoms.testing.queries import page_size_independent

PORTAL = "/orders/portal/"


@pytest.fixture
def orders(world) -> SimpleNamespace:
    return build_orders(world)


def _detail(order: Order) -> str:
    return f"{PORTAL}{order.pk}/"


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_it_lists_only_the_customers_own_orders(world, login, orders):
    page = _html(login(world.client).get(PORTAL))
    assert orders.order.code in page and orders.order.title in page
    assert orders.other_order.code not in page and orders.other_order.title not in page


def test_it_answers_404_for_another_customers_order(world, login, orders):
    assert login(world.client).get(_detail(orders.other_order)).status_code == 404
    assert login(world.outsider).get(_detail(orders.order)).status_code == 404


def test_it_shows_status_promised_date_owner_and_lines(world, login, orders):
    order = orders.order
    page = _html(login(world.client).get(_detail(order)))
    assert "已分派" in page
    assert order.promised_date.isoformat() in page
    assert "李项目" in page  # the owner, by name
    assert "HRB400 螺纹钢" in page and "12.5 <" in page and "吨" in page


def test_it_shows_the_date_each_milestone_was_reached(world, login, orders):
    with acting(Channel.TEST):
        services.transition(orders.order, OrderStatus.IN_PROGRESS, actor=world.pm)
    page = _html(login(world.client).get(_detail(orders.order)))
    today = timezone.localdate().isoformat()
    current = page[page.index('aria-current="step"'):]
    current = current[:current.index("</li>")]
    assert "进行中" in current and today in current
    assert page.count(today) >= 4  # created, submitted, assigned, started


def test_it_keeps_internal_fields_out_of_the_portal(world, login, orders):
    order = Order.objects.get(pk=orders.other_order.pk)
    page = _html(login(world.outsider).get(_detail(order)))
    # budget, assignment note (manager's name, reason) and the rule are internal
    for internal in ("86000", "86,000", "预算", order.assignment_note, "测试世界指派",
                     "王总", "兜底", "项目经理组", order.type_reason):
        assert internal not in page, internal
    assert "陈经理" in page  # the owner's name is shown


def test_it_shows_a_pending_extension_of_the_promised_date(world, login, orders):
    order = orders.order
    later = order.promised_date + timedelta(days=14)
    with acting(Channel.TEST):
        extension = services.create_order(actor=world.client, data={
            "title": "延期两周", "customer": world.customer, "project": world.project,
            "parent_code": order.code, "promised_date": later})
    assert extension.order_type == OrderType.EXTENSION
    page = _html(login(world.client).get(_detail(order)))
    assert f"延期申请：交付日期改为 {later.isoformat()}，待审批。" in page
    assert order.promised_date.isoformat() in page  # the promised date has not moved yet


def test_it_sends_a_comment_to_the_team_as_the_client(world, login, orders):
    client = login(world.client)
    response = client.post(f"{_detail(orders.order)}comment/", {"text": "周三上午可以进场。"})
    assert response.status_code == 302 and response["Location"] == _detail(orders.order)
    comment = OrderComment.objects.get(order=orders.order)
    assert (comment.text, comment.created_by) == ("周三上午可以进场。", world.client)
    entry = AuditEntry.objects.for_object(comment).get()
    assert (entry.event, entry.actor, entry.channel) == ("order.commented", world.client, "web")
    page = _html(client.get(_detail(orders.order)))
    assert "周三上午可以进场。" in page and "留言已发送给项目团队。" in page


def test_it_rejects_an_empty_comment_and_writes_nothing(world, login, orders):
    client = login(world.client)
    before = AuditEntry.objects.count()
    response = client.post(f"{_detail(orders.order)}comment/", {"text": "  "})
    assert "请填写留言内容。" in _html(response)
    assert not OrderComment.objects.exists() and AuditEntry.objects.count() == before


def test_it_refuses_a_comment_on_another_customers_order(world, login, orders):
    response = login(world.client).post(f"{_detail(orders.other_order)}comment/",
                                        {"text": "看看别人的订单"})
    assert response.status_code == 404
    assert not OrderComment.objects.exists()


def test_it_shows_the_customer_only_his_own_sides_messages(world, login, orders):
    with acting(Channel.TEST):
        services.add_comment(orders.order, actor=world.pm, text="内部：供应商报价偏高")
        services.add_comment(orders.order, actor=world.client, text="请尽快安排")
    page = _html(login(world.client).get(_detail(orders.order)))
    assert "请尽快安排" in page and "供应商报价偏高" not in page


def test_it_sends_staff_to_the_staff_pages(world, login, orders):
    client = login(world.pm)
    response = client.get(_detail(orders.order))
    assert response.status_code == 302 and response["Location"] == f"/orders/{orders.order.pk}/"
    response = client.get(PORTAL)
    assert response.status_code == 302 and response["Location"] == "/orders/"


def test_it_hides_from_staff_an_order_they_may_not_see(world, login, orders):
    assert login(world.pm).get(_detail(orders.other_order)).status_code == 404
    assert login(world.worker).get(PORTAL).status_code == 403


def test_it_shows_customers_my_orders_in_the_navigation_and_staff_the_order_list(world):
    def labels(user) -> set[str]:
        return {i["label"] for s in navigation.for_user(user, "/") for i in s["items"]}

    assert "我的订单" in labels(world.client) and "订单" not in labels(world.client)
    assert "订单" in labels(world.pm) and "我的订单" not in labels(world.pm)
    assert "订单" in labels(world.manager) and "我的订单" not in labels(world.manager)


def test_it_costs_the_same_queries_for_10_and_100_orders(world, login, orders):
    def make(n: int) -> list[Order]:
        start = Order.objects.count()
        return Order.objects.bulk_create([Order(
            code=f"ORD-Q-{start + i:06d}", title=f"批量订单{start + i:05d}",
            customer=world.customer, project=world.project, owner=world.pm,
            budget_amount=Decimal("1"), status=OrderStatus.ASSIGNED) for i in range(n)])

    page_size_independent(login(world.client), PORTAL, make)
