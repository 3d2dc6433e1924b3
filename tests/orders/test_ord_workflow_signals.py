"""Domain signals leave only after the transaction commits, and say what changed."""

import pytest

from eoms.core.models import Notification
from eoms.orders import services
from eoms.orders.choices import OrderStatus as S
from eoms.orders.signals import order_assigned, order_status_changed
from eoms.testing.orders_world import build_orders, draft_order


@pytest.fixture
def received():
    seen = []

    def on_status(sender, order, old, new, actor, **kwargs):
        seen.append(("status", order.pk, old, new, actor))

    def on_assigned(sender, order, owner, rule, actor, **kwargs):
        seen.append(("assigned", order.pk, owner, rule, actor))

    order_status_changed.connect(on_status, dispatch_uid="test-ord-status")
    order_assigned.connect(on_assigned, dispatch_uid="test-ord-assigned")
    yield seen
    order_status_changed.disconnect(dispatch_uid="test-ord-status")
    order_assigned.disconnect(dispatch_uid="test-ord-assigned")


def test_it_sends_the_status_change_only_after_commit(world, received,
                                                      django_capture_on_commit_callbacks):
    order = build_orders(world).order
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.transition(order, S.IN_PROGRESS, actor=world.pm)
    assert received == []
    for callback in callbacks:
        callback()
    assert ("status", order.pk, S.ASSIGNED, S.IN_PROGRESS, world.pm) in received


def test_it_sends_nothing_when_the_transition_is_refused(world, received,
                                                         django_capture_on_commit_callbacks):
    order = build_orders(world).order
    with django_capture_on_commit_callbacks(execute=True) as callbacks, \
            pytest.raises(services.InvalidTransition):
        services.transition(order, S.CLOSED, actor=world.pm)
    assert callbacks == [] and received == []


def test_it_reports_submission_and_rule_assignment_as_two_changes(
        world, received, django_capture_on_commit_callbacks):
    orders = build_orders(world)  # its catch-all rule assigns to world.pm
    order = draft_order(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(order, S.SUBMITTED, actor=world.manager)
    assert [r[:4] for r in received] == [
        ("status", order.pk, S.DRAFT, S.SUBMITTED),
        ("status", order.pk, S.SUBMITTED, S.ASSIGNED),
        ("assigned", order.pk, world.pm, orders.rule)]


def test_it_tells_the_customer_of_each_status_change(world):
    order = build_orders(world).order
    services.transition(order, S.IN_PROGRESS, actor=world.pm)
    titles = list(Notification.objects.filter(user=world.client, kind="order.status")
                  .values_list("title", flat=True))
    assert f"订单 {order.code} 状态：进行中" in titles
    assert f"订单 {order.code} 状态：已分派" in titles
    assert not Notification.objects.filter(user=world.outsider,
                                           title__contains=order.code).exists()
