"""The demo's orders: every status, real owners by rule, children, and a real audit trail."""

import pytest
from django.db import transaction

from eoms.audit.models import AuditEntry
from eoms.demo import loader
from eoms.orders import services
from eoms.orders.choices import ExtensionState, OrderStatus, OrderType
from eoms.orders.models import AssignmentRule, Order, OrderComment


@pytest.fixture(scope="module")
def module_demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield loader.run()
        transaction.set_rollback(True)


@pytest.fixture
def demo(module_demo, db):
    return module_demo


def test_it_has_orders_in_every_status_and_project(demo):
    assert set(Order.objects.values_list("status", flat=True)) == set(OrderStatus.values)
    assert Order.objects.values("project").distinct().count() == 3
    assert 30 <= Order.objects.count() <= 40


def test_it_owns_each_assigned_order_by_a_rule_that_says_why(demo):
    assigned = Order.objects.filter(status=OrderStatus.ASSIGNED)
    assert assigned.exists()
    for order in assigned:
        assert order.owner is not None and order.assigned_by_rule is not None
        assert order.assignment_note.startswith(f"规则“{order.assigned_by_rule.name}”命中")


def test_it_leaves_some_orders_waiting_for_a_manager(demo):
    waiting = Order.objects.filter(status=OrderStatus.SUBMITTED, owner=None)
    assert waiting.count() == 2
    assert {o.assignment_note for o in waiting} == {"没有匹配的分派规则，等待人工分派"}


def test_it_routes_waterproofing_lines_to_the_procurement_group(demo):
    order = Order.objects.get(title="屋面 SBS 防水卷材铺设")
    assert {line.procurement_group.code for line in order.lines.all()} == {"CG"}
    rebar = Order.objects.get(title="厂房柱钢筋加工与安装")
    assert {line.procurement_group for line in rebar.lines.all()} == {None}


def test_it_has_changes_and_one_pending_extension(demo):
    children = Order.objects.exclude(order_type=OrderType.NEW)
    assert children.filter(order_type=OrderType.CHANGE).count() >= 2
    pending = children.get(extension_state=ExtensionState.PENDING)
    assert pending.proposed_date > pending.parent.promised_date
    approved = children.get(extension_state=ExtensionState.APPROVED)
    assert approved.parent.promised_date == approved.proposed_date


def test_it_has_a_few_overdue_orders(demo):
    overdue = [o for o in Order.objects.filter(order_type=OrderType.NEW)
               if services.is_overdue(o)]
    assert 2 <= len(overdue) <= 6


def test_it_records_each_orders_lifecycle_in_the_audit_log(demo):
    order = Order.objects.get(title="B2 车库顶板 C35P6 抗渗混凝土浇筑")
    events = list(AuditEntry.objects.for_object(order).order_by("seq")
                  .values_list("event", flat=True))
    assert events == ["order.created", "order.submitted", "order.assigned", "order.in_progress",
                      "order.inspection", "order.in_progress", "order.inspection"]
    rework = (AuditEntry.objects.for_object(order).filter(event="order.in_progress")
              .order_by("seq").last())
    assert rework.actor.username == "demo_qc1" and "蜂窝" in rework.reason


def test_it_adds_comments_and_rules(demo):
    assert OrderComment.objects.count() >= 10
    assert list(AssignmentRule.objects.values_list("name", flat=True))[-1] == "兜底"
