"""Editing an order: only before assignment, only the current version, only in scope."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from eoms.audit.models import AuditEntry
from eoms.orders import services
from eoms.orders.choices import OrderStatus
from eoms.orders.models import Order
from eoms.testing.orders_world import build_orders, draft_order


@pytest.fixture
def world(module_world, db):
    return module_world


def test_it_saves_an_edit_and_bumps_the_version(world):
    order = draft_order(world)
    saved = services.update_order(order, actor=world.pm, data={"title": "B1 底板防水（加厚）"},
                                  expected_version=order.version)
    assert (saved.title, saved.version) == ("B1 底板防水（加厚）", order.version + 1)
    entry = AuditEntry.objects.for_object(order).order_by("-seq").first()
    assert entry.event == "order.updated"
    assert entry.changes["title"] == ["B1 地下室底板防水施工", "B1 底板防水（加厚）"]


def test_it_replaces_the_lines(world):
    order = draft_order(world)
    services.update_order(order, actor=world.manager, data={}, expected_version=None,
                          lines=[{"material": world.material, "quantity": "7"},
                                 {"material": world.material, "quantity": "1.5"}])
    assert list(order.lines.values_list("quantity", flat=True)) == [Decimal("7"),
                                                                     Decimal("1.5")]


def test_it_writes_nothing_when_nothing_changes(world):
    order = draft_order(world)
    entries = AuditEntry.objects.count()
    saved = services.update_order(
        order, actor=world.manager, data={"title": order.title, "budget_amount": "86000"},
        expected_version=order.version,
        lines=[{"material": world.material, "quantity": "12.500"}])
    assert saved.version == order.version
    assert AuditEntry.objects.count() == entries


def test_it_refuses_a_stale_version_and_names_who_changed_it(world):
    order = draft_order(world)
    services.update_order(order, actor=world.pm, data={"title": "改一"},
                          expected_version=order.version)
    with pytest.raises(ValidationError) as caught:
        services.update_order(order, actor=world.manager, data={"title": "改二"},
                              expected_version=order.version)
    assert caught.value.code == "stale" and "pm 于" in caught.value.messages[0]
    assert Order.objects.get(pk=order.pk).title == "改一"


@pytest.mark.parametrize("status", [OrderStatus.ASSIGNED, OrderStatus.IN_PROGRESS,
                                    OrderStatus.DELIVERED, OrderStatus.CANCELLED])
def test_it_refuses_an_edit_after_assignment(world, status):
    order = draft_order(world)
    Order.objects.filter(pk=order.pk).update(status=status)
    with pytest.raises(ValidationError) as caught:
        services.update_order(order, actor=world.manager, data={"title": "改"},
                              expected_version=None)
    assert caught.value.code == "locked" and "变更订单" in caught.value.messages[0]
    assert Order.objects.get(pk=order.pk).title == "B1 地下室底板防水施工"


def test_it_refuses_an_edit_of_an_assigned_world_order(world):
    order = build_orders(world).order
    with pytest.raises(ValidationError):
        services.update_order(order, actor=world.pm, data={"title": "改"},
                              expected_version=order.version)


def test_it_refuses_moving_an_order_to_a_project_the_actor_is_not_in(world):
    order = draft_order(world, actor=world.pm)
    with pytest.raises(PermissionDenied):
        services.update_order(order, actor=world.pm, expected_version=None,
                              data={"project": world.other_project,
                                    "customer": world.other_customer})
    assert Order.objects.get(pk=order.pk).project == world.project


def test_it_lets_a_customer_edit_his_draft_but_not_once_submitted(world):
    order = draft_order(world, actor=world.client)
    services.update_order(order, actor=world.client, data={"description": "请加快"},
                          expected_version=None)
    services.transition(order, OrderStatus.SUBMITTED, actor=world.client)
    with pytest.raises(PermissionDenied):
        services.update_order(order, actor=world.client, data={"description": "再加快"},
                              expected_version=None)


def test_it_refuses_an_edit_by_someone_outside_the_orders_scope(world):
    order = draft_order(world)
    with pytest.raises(PermissionDenied):
        services.update_order(order, actor=world.other_pm, data={"title": "改"},
                              expected_version=None)


def test_it_refuses_bad_lines_and_keeps_the_old_ones(world):
    order = draft_order(world)
    with pytest.raises(ValidationError) as caught:
        services.update_order(order, actor=world.manager, data={}, expected_version=None,
                              lines=[{"material": world.material, "quantity": "-3"}])
    assert "lines.1.quantity" in caught.value.message_dict
    assert list(order.lines.values_list("quantity", flat=True)) == [Decimal("12.5")]
