"""Which orders each role reaches for each action: lists and object checks agree."""

import pytest

from eoms.core.access import EXPORT, VIEW, can
from eoms.orders.models import Order
from eoms.orders.policies import COMMENT, TRANSITION
from eoms.testing.orders_world import build_orders


@pytest.fixture
def world(module_world, db):
    return module_world


@pytest.fixture
def orders(world):
    return build_orders(world)


@pytest.mark.parametrize(("key", "action", "reached"), [
    ("finance", EXPORT, {"order", "other_order"}),
    ("auditor", EXPORT, {"order", "other_order"}),
    ("finance", COMMENT, {"order", "other_order"}),
    ("auditor", COMMENT, set()),
    ("auditor", TRANSITION, set()),
    ("pm", EXPORT, {"order"}),
    ("pm", TRANSITION, {"order"}),
    ("other_pm", VIEW, {"other_order"}),
    ("client", VIEW, {"order"}),
    ("outsider", VIEW, {"other_order"}),
    ("worker", VIEW, set()),
])
def test_it_reaches_the_same_orders_in_lists_and_object_checks(world, orders, key, action,
                                                               reached):
    user = world.users[key]
    named = {"order": orders.order, "other_order": orders.other_order}
    listed = set(Order.objects.for_user(user, action).values_list("pk", flat=True))
    assert listed == {named[name].pk for name in reached}
    assert {name for name, o in named.items() if can(user, action, o)} == reached
