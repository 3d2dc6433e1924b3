"""Every transition of the workflow table, tried by every world user: exactly the roles the
table lists (and the order's owner where it says "owner") may take it, within the order's
scope; everyone else gets PermissionDenied and the order does not change."""

import pytest
from django.core.exceptions import PermissionDenied

from eoms.core.access import roles_of
from eoms.orders import services, workflow
from eoms.orders.choices import OrderStatus as S
from eoms.orders.models import Order
from eoms.testing.orders_world import draft_order

USERS = ["admin", "manager", "pm", "other_pm", "buyer", "qc", "worker", "finance", "client",
         "auditor", "outsider"]
# Who may act on an order of world.project at all (besides its owner): management, the
# project's manager and members, and the customer's user. Finance and auditors only read.
IN_SCOPE = {"admin", "manager", "pm", "buyer", "qc", "client"}
CASES = [(t.source, t.target) for t in workflow.TRANSITIONS] + [
    (S.ON_HOLD, held) for held in (S.SUBMITTED, S.ASSIGNED, S.IN_PROGRESS, S.INSPECTION)]


@pytest.fixture
def world(module_world, db):
    return module_world


def _order_at(world, source, target, owner):
    """An order of world.project in `source` (held from `target` when resuming)."""
    order = draft_order(world)
    Order.objects.filter(pk=order.pk).update(
        status=source, owner=owner, held_from=target if source == S.ON_HOLD else "")
    return Order.objects.get(pk=order.pk)


def _expected(world, key, owner_key, transition):
    user = world.users[key]
    if key not in IN_SCOPE and key != owner_key:
        return False
    if key == owner_key and workflow.OWNER in transition.roles:
        return True
    return bool(roles_of(user) & transition.roles)


@pytest.mark.parametrize("owner_key", ["pm", "other_pm"])
@pytest.mark.parametrize("key", USERS)
@pytest.mark.parametrize(("source", "target"), CASES)
def test_it_allows_exactly_the_roles_of_the_table(world, source, target, key, owner_key):
    order = _order_at(world, source, target, world.users[owner_key])
    transition = workflow.find(source, target, order.held_from)
    user = world.users[key]
    if _expected(world, key, owner_key, transition):
        services.transition(order, target, actor=user, reason="现场条件变化")
        fresh = Order.objects.get(pk=order.pk)
        assert (fresh.status, fresh.version) == (target, order.version + 1)
    else:
        with pytest.raises(PermissionDenied):
            services.transition(order, target, actor=user, reason="现场条件变化")
        fresh = Order.objects.get(pk=order.pk)
        assert (fresh.status, fresh.version) == (source, order.version)


def test_it_lets_the_owner_but_not_the_projects_other_pm_start_work(world):
    order = _order_at(world, S.ASSIGNED, S.IN_PROGRESS, world.other_pm)
    with pytest.raises(PermissionDenied):
        services.transition(order, S.IN_PROGRESS, actor=world.pm)
    assert services.transition(order, S.IN_PROGRESS, actor=world.other_pm).status == \
        S.IN_PROGRESS


def test_it_lists_for_each_user_only_the_transitions_he_may_take(world):
    order = _order_at(world, S.INSPECTION, "", world.pm)
    assert services.allowed_transitions(order, world.qc) == [S.IN_PROGRESS]
    assert set(services.allowed_transitions(order, world.pm)) == {
        S.IN_PROGRESS, S.DELIVERED, S.ON_HOLD}
    assert services.allowed_transitions(order, world.finance) == []


def test_it_lists_nothing_to_a_user_outside_the_orders_scope(world):
    order = _order_at(world, S.DRAFT, "", None)
    assert services.allowed_transitions(order, world.other_pm) == []
    assert services.allowed_transitions(order, world.pm) == [S.SUBMITTED]
