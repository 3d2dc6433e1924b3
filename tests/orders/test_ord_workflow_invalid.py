"""Every (source, target) pair the workflow does not list is refused with InvalidTransition,
which names the statuses that may follow; the order does not change."""

import pytest

from eoms.audit.models import AuditEntry
from eoms.orders import services, workflow
from eoms.orders.choices import OrderStatus as S
from eoms.orders.models import Order
from eoms.testing.orders_world import draft_order

LISTED = {(t.source, t.target) for t in workflow.TRANSITIONS}
HELD_FROM = S.ASSIGNED  # the on_hold orders below were held from "assigned"
PAIRS = [(source, target) for source in S.values for target in S.values
         if (source, target) not in LISTED
         and not (source == S.ON_HOLD and target == HELD_FROM)]


@pytest.fixture
def world(module_world, db):
    return module_world


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_it_refuses_a_transition_the_table_does_not_list(world, source, target):
    order = draft_order(world)
    held = HELD_FROM if source == S.ON_HOLD else ""
    Order.objects.filter(pk=order.pk).update(status=source, owner=world.pm, held_from=held)
    entries = AuditEntry.objects.count()
    with pytest.raises(services.InvalidTransition) as caught:
        services.transition(order, target, actor=world.admin, reason="试一下")
    assert caught.value.allowed == workflow.next_statuses(source, held)
    assert caught.value.code == "invalid_transition"
    fresh = Order.objects.get(pk=order.pk)
    assert (fresh.status, fresh.version) == (source, order.version)
    assert AuditEntry.objects.count() == entries


def test_it_names_the_current_and_allowed_statuses_in_the_message(world):
    order = draft_order(world)
    with pytest.raises(services.InvalidTransition) as caught:
        services.transition(order, S.DELIVERED, actor=world.manager)
    message = caught.value.messages[0]
    assert order.code in message and "草稿" in message and "已交付" in message
    assert "已提交" in message and "已取消" in message


def test_it_refuses_an_unknown_status(world):
    order = draft_order(world)
    with pytest.raises(services.InvalidTransition) as caught:
        services.transition(order, "shipped", actor=world.manager)
    assert caught.value.allowed == [S.SUBMITTED, S.CANCELLED]
    assert "shipped" in caught.value.messages[0]
