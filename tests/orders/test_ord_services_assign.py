"""Manual assignment and reassignment: management only, with a reason, to an active
project manager; the new owner is told, the audit log keeps the reason."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from eoms.accounts.models import User
from eoms.audit.models import AuditEntry
from eoms.core.models import Notification
from eoms.orders import services
from eoms.orders.choices import OrderStatus
from eoms.orders.models import Order
from eoms.testing.orders_world import build_orders, draft_order


@pytest.fixture
def world(module_world, db):
    return module_world


@pytest.fixture
def order(world):
    return build_orders(world).order  # assigned to world.pm


def test_it_reassigns_with_the_reason_in_the_audit_log(world, order):
    moved = services.assign_order(order, actor=world.manager, to=world.other_pm,
                                  reason="李项目休假")
    assert (moved.owner, moved.assigned_by_rule) == (world.other_pm, None)
    assert moved.assignment_note == f"{world.manager} 人工分派：李项目休假"
    entry = AuditEntry.objects.for_object(order).order_by("-seq").first()
    assert (entry.event, entry.reason) == ("order.reassigned", "李项目休假")
    assert entry.changes["owner_id"] == [world.pm.pk, world.other_pm.pk]


def test_it_tells_the_new_owner(world, order):
    services.assign_order(order, actor=world.manager, to=world.other_pm, reason="调配")
    note = Notification.objects.get(user=world.other_pm, kind="order.assigned",
                                    title=f"订单 {order.code} 分派给您")
    assert note.url == reverse("orders:detail", args=[order.pk])


def test_it_assigns_a_waiting_order_and_marks_it_assigned(world):
    waiting = services.transition(draft_order(world), OrderStatus.SUBMITTED,
                                  actor=world.manager)
    assert waiting.owner is None
    moved = services.assign_order(waiting, actor=world.manager, to=world.pm, reason="本项目")
    assert (moved.status, moved.owner) == (OrderStatus.ASSIGNED, world.pm)


@pytest.mark.parametrize("reason", ["", "  "])
def test_it_needs_a_reason(world, order, reason):
    with pytest.raises(ValidationError) as caught:
        services.assign_order(order, actor=world.manager, to=world.other_pm, reason=reason)
    assert "reason" in caught.value.message_dict
    assert Order.objects.get(pk=order.pk).owner == world.pm


@pytest.mark.parametrize("key", ["buyer", "client", None])
def test_it_needs_a_project_manager(world, order, key):
    to = world.users[key] if key else None
    with pytest.raises(ValidationError) as caught:
        services.assign_order(order, actor=world.manager, to=to, reason="试试")
    assert caught.value.message_dict == {"owner": ["负责人必须是在职的项目经理。"]}


def test_it_needs_an_active_project_manager(world, order):
    User.objects.filter(pk=world.other_pm.pk).update(is_active=False)
    inactive = User.objects.get(pk=world.other_pm.pk)
    with pytest.raises(ValidationError):
        services.assign_order(order, actor=world.manager, to=inactive, reason="试试")
    assert Order.objects.get(pk=order.pk).owner == world.pm


@pytest.mark.parametrize("key", ["pm", "buyer", "client", "finance"])
def test_it_lets_only_management_assign(world, order, key):
    entries = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        services.assign_order(order, actor=world.users[key], to=world.other_pm, reason="x")
    assert AuditEntry.objects.count() == entries


def test_it_refuses_to_assign_the_current_owner_again(world, order):
    with pytest.raises(ValidationError) as caught:
        services.assign_order(order, actor=world.manager, to=world.pm, reason="确认")
    assert "owner" in caught.value.message_dict


@pytest.mark.parametrize("status", [OrderStatus.DRAFT, OrderStatus.CLOSED,
                                    OrderStatus.CANCELLED])
def test_it_refuses_to_assign_a_draft_or_finished_order(world, order, status):
    Order.objects.filter(pk=order.pk).update(status=status)
    with pytest.raises(ValidationError):
        services.assign_order(order, actor=world.manager, to=world.other_pm, reason="x")
