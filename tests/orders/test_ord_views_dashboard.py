"""Order cards on the dashboard: counted from the orders the user sees, each linking to the
list filtered the same way."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from eoms.core.context import Channel, acting
from eoms.orders import services
from eoms.orders.choices import OrderStatus
from eoms.orders.dashboard import order_cards
from eoms.testing.orders_world import build_orders, draft_order


@pytest.fixture
def world(module_world, db):
    return module_world


@pytest.fixture
def orders(world):
    return build_orders(world)


def _cards(user):
    return {c["label"]: c for c in order_cards(user)}


def test_it_counts_a_project_managers_own_open_orders(world, orders):
    cards = _cards(world.pm)
    assert cards["我负责的未结束订单"]["value"] == 1
    assert cards["我负责的未结束订单"]["url"] == f"{reverse('orders:list')}?owner=me&status=open"
    assert "待分派订单" not in cards


def test_it_counts_overdue_orders_in_the_users_scope(world, orders):
    past = timezone.localdate() - timedelta(days=1)
    with acting(Channel.TEST):
        draft_order(world, project=world.other_project, requested_date=past, promised_date=past)
    assert _cards(world.manager)["逾期订单"]["value"] == 1
    assert _cards(world.pm)["逾期订单"]["value"] == 0


def test_it_shows_managers_the_unassigned_queue(world, orders, login):
    with acting(Channel.TEST):
        orders.rule.active = False
        orders.rule.save()
        waiting = draft_order(world)
        services.transition(waiting, OrderStatus.SUBMITTED, actor=world.manager)
    card = _cards(world.manager)["待分派订单"]
    assert card["value"] == 1
    listed = login(world.manager).get(card["url"])
    assert [row["obj"].code for row in listed.context["rows"]] == [waiting.code]


def test_it_sends_a_customers_user_to_the_portal(world, orders):
    assert order_cards(world.client) == [{
        "label": "我的未结束订单", "value": 1, "icon": "clipboard-check",
        "url": reverse("orders:portal")}]
    assert order_cards(world.worker) == []


def test_it_counts_with_one_query(world, orders, django_assert_num_queries):
    manager = world.manager
    order_cards(manager)  # roles are read once per user object
    with django_assert_num_queries(1):
        order_cards(manager)


def test_it_puts_the_cards_on_the_dashboard(world, orders, login):
    page = login(world.pm).get(reverse("core:dashboard")).content.decode()
    assert "我负责的未结束订单" in page and "?owner=me&amp;status=open" in page
