"""An extension order moves its parent's promised date only once management approves."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from eoms.audit.models import AuditEntry
from eoms.orders import services
from eoms.orders.choices import ExtensionState, OrderType
from eoms.orders.models import Order
from eoms.testing.orders_world import build_orders, draft_order


@pytest.fixture
def world(module_world, db):
    return module_world


@pytest.fixture
def parent(world):
    return build_orders(world).order


@pytest.fixture
def extension(world, parent):
    return draft_order(world, title="雨季顺延", parent_code=parent.code, lines=[],
                       promised_date=parent.promised_date + timedelta(days=21))


def test_it_proposes_the_new_date_without_moving_any(world, parent, extension):
    assert extension.order_type == OrderType.EXTENSION
    assert extension.proposed_date == parent.promised_date + timedelta(days=21)
    assert extension.promised_date == parent.promised_date
    assert Order.objects.get(pk=parent.pk).promised_date == parent.promised_date


def test_it_takes_the_requested_date_as_the_proposal_when_no_promise_is_given(world, parent):
    later = parent.promised_date + timedelta(days=9)
    ext = services.create_order(actor=world.manager, lines=[],
                                data={"title": "顺延", "parent_code": parent.code,
                                      "requested_date": later})
    assert (ext.order_type, ext.proposed_date) == (OrderType.EXTENSION, later)


def test_it_moves_the_parents_promised_date_on_approval(world, parent, extension):
    decided = services.decide_extension(extension, actor=world.manager, approve=True)
    assert decided.extension_state == ExtensionState.APPROVED
    assert decided.promised_date == extension.proposed_date
    fresh = Order.objects.get(pk=parent.pk)
    assert fresh.promised_date == extension.proposed_date
    assert fresh.version == parent.version + 1
    entry = AuditEntry.objects.for_object(parent).order_by("-seq").first()
    assert entry.event == "order.extension_approved"
    assert entry.changes["promised_date"][1] == extension.proposed_date.isoformat()


def test_it_needs_a_reason_to_reject(world, parent, extension):
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.decide_extension(extension, actor=world.manager, approve=False, reason=" ")
    assert "reason" in caught.value.message_dict
    assert Order.objects.get(pk=extension.pk).extension_state == ExtensionState.PENDING
    assert AuditEntry.objects.count() == entries


def test_it_leaves_the_parent_alone_on_rejection(world, parent, extension):
    decided = services.decide_extension(extension, actor=world.manager, approve=False,
                                        reason="工期不可顺延")
    assert decided.extension_state == ExtensionState.REJECTED
    assert Order.objects.get(pk=parent.pk).promised_date == parent.promised_date
    entry = AuditEntry.objects.for_object(extension).order_by("-seq").first()
    assert (entry.event, entry.reason) == ("order.extension_rejected", "工期不可顺延")


def test_it_decides_an_extension_only_once(world, extension):
    services.decide_extension(extension, actor=world.manager, approve=True)
    with pytest.raises(ValidationError):
        services.decide_extension(extension, actor=world.manager, approve=False, reason="x")


def test_it_refuses_to_decide_a_plain_order(world, parent):
    with pytest.raises(ValidationError):
        services.decide_extension(parent, actor=world.manager, approve=True)


def test_it_lets_only_management_decide(world, parent, extension):
    with pytest.raises(PermissionDenied):
        services.decide_extension(extension, actor=world.pm, approve=True)
    assert Order.objects.get(pk=parent.pk).promised_date == parent.promised_date
