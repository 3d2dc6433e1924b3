"""Walking an order through its lifecycle: reasons, hold and resume, the audit trail."""

import pytest
from django.core.exceptions import ValidationError

from eoms.audit.models import AuditEntry
from eoms.orders import services, workflow
from eoms.orders.choices import OrderStatus as S
from eoms.orders.models import Order
from eoms.testing.orders_world import draft_order

NEEDS_REASON = [(t.source, t.target) for t in workflow.TRANSITIONS if t.needs_reason]


@pytest.fixture
def world(module_world, db):
    return module_world


def _events(order):
    return list(AuditEntry.objects.for_object(order).order_by("seq")
                .values_list("event", "reason"))


def _assigned(world):
    order = draft_order(world)
    order = services.transition(order, S.SUBMITTED, actor=world.manager)
    return services.assign_order(order, actor=world.manager, to=world.pm, reason="熟悉现场")


@pytest.mark.parametrize(("source", "target"), NEEDS_REASON)
@pytest.mark.parametrize("reason", ["", "   "])
def test_it_refuses_an_empty_reason_and_changes_nothing(world, source, target, reason):
    order = draft_order(world)
    Order.objects.filter(pk=order.pk).update(status=source, owner=world.pm,
                                             held_from=S.ASSIGNED if source == S.ON_HOLD else "")
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.transition(order, target, actor=world.manager, reason=reason)
    assert "reason" in caught.value.message_dict
    fresh = Order.objects.get(pk=order.pk)
    assert (fresh.status, fresh.version) == (source, order.version)
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize("held", [S.SUBMITTED, S.ASSIGNED, S.IN_PROGRESS, S.INSPECTION])
def test_it_resumes_a_held_order_where_it_was(world, held):
    order = draft_order(world)
    Order.objects.filter(pk=order.pk).update(status=held, owner=world.pm)
    held_order = services.transition(order, S.ON_HOLD, actor=world.pm, reason="业主暂停")
    assert (held_order.status, held_order.held_from) == (S.ON_HOLD, held)
    resumed = services.transition(held_order, held, actor=world.pm)
    assert (resumed.status, resumed.held_from) == (held, "")
    assert Order.objects.get(pk=order.pk).status == held


@pytest.mark.parametrize("other", [S.SUBMITTED, S.ASSIGNED, S.INSPECTION, S.DELIVERED,
                                   S.CLOSED])
def test_it_lets_a_held_order_go_only_back_or_to_cancelled(world, other):
    order = services.transition(_assigned(world), S.IN_PROGRESS, actor=world.pm)
    held = services.transition(order, S.ON_HOLD, actor=world.pm, reason="图纸变更")
    with pytest.raises(services.InvalidTransition) as caught:
        services.transition(held, other, actor=world.admin)
    assert caught.value.allowed == [S.IN_PROGRESS, S.CANCELLED]
    assert Order.objects.get(pk=order.pk).status == S.ON_HOLD


def test_it_cancels_a_held_order_and_forgets_where_it_was(world):
    held = services.transition(_assigned(world), S.ON_HOLD, actor=world.manager, reason="缓建")
    cancelled = services.transition(held, S.CANCELLED, actor=world.manager, reason="业主取消")
    assert (cancelled.status, cancelled.held_from) == (S.CANCELLED, "")


def test_it_does_not_rerun_the_rules_when_a_submitted_order_resumes(world):
    order = services.transition(draft_order(world), S.SUBMITTED, actor=world.manager)
    submitted_at = order.submitted_at
    held = services.transition(order, S.ON_HOLD, actor=world.manager, reason="等待图纸")
    resumed = services.transition(held, S.SUBMITTED, actor=world.manager)
    assert resumed.submitted_at == submitted_at
    assert [e for e, _ in _events(order)][-1] == "order.resumed"
    assert [e for e, _ in _events(order)].count("order.unassigned") == 1


def test_it_records_each_step_under_its_event_name_with_its_reason(world):
    order = _assigned(world)
    for target, reason in [(S.IN_PROGRESS, ""), (S.ON_HOLD, "暴雨停工"), (S.IN_PROGRESS, ""),
                           (S.INSPECTION, ""), (S.IN_PROGRESS, "防水层起鼓，返工"),
                           (S.INSPECTION, ""), (S.DELIVERED, ""), (S.CLOSED, "")]:
        order = services.transition(order, target, actor=world.pm, reason=reason)
    events = _events(order)
    assert [e for e, _ in events] == [
        "order.created", "order.submitted", "order.unassigned", "order.reassigned",
        "order.in_progress", "order.on_hold", "order.resumed", "order.inspection",
        "order.in_progress", "order.inspection", "order.delivered", "order.closed"]
    reasons = dict(reversed(events))  # the first reason of each event
    assert reasons["order.on_hold"] == "暴雨停工"
    assert reasons["order.reassigned"] == "熟悉现场"
    assert ("order.in_progress", "防水层起鼓，返工") in events


def test_it_records_who_moved_the_order(world):
    order = services.transition(_assigned(world), S.IN_PROGRESS, actor=world.pm)
    entry = AuditEntry.objects.for_object(order).order_by("-seq").first()
    assert (entry.event, entry.actor_id) == ("order.in_progress", world.pm.pk)
    assert entry.changes["status"] == [S.ASSIGNED, S.IN_PROGRESS]


def test_it_stamps_the_delivery_date(world):
    order = _assigned(world)
    for target in (S.IN_PROGRESS, S.INSPECTION, S.DELIVERED):
        order = services.transition(order, target, actor=world.pm)
    assert order.delivered_on is not None
    assert not services.is_overdue(order)


def test_it_refuses_to_submit_an_empty_new_order(world):
    order = draft_order(world, lines=[], budget_amount=0)
    with pytest.raises(ValidationError):
        services.transition(order, S.SUBMITTED, actor=world.manager)
    assert Order.objects.get(pk=order.pk).status == S.DRAFT


def test_it_refuses_to_mark_an_order_assigned_without_an_owner(world):
    order = services.transition(draft_order(world), S.SUBMITTED, actor=world.manager)
    with pytest.raises(ValidationError) as caught:
        services.transition(order, S.ASSIGNED, actor=world.manager)
    assert "owner" in caught.value.message_dict
    assert Order.objects.get(pk=order.pk).status == S.SUBMITTED
