"""The assignment rules, run when an order is submitted: each condition, rule order,
the three ways of picking an owner, no match, and routing lines to procurement groups."""

from decimal import Decimal

import pytest

from eoms.accounts import services as accounts
from eoms.accounts.models import Role, User
from eoms.core.models import Notification
from eoms.masterdata.models import Material, MaterialCategory
from eoms.orders import services
from eoms.orders.choices import AssignMode
from eoms.orders.choices import OrderStatus as S
from eoms.orders.models import AssignmentGroup, AssignmentRule, Order
from eoms.testing.orders_world import draft_order


@pytest.fixture
def world(module_world, db, ctx):
    return module_world


@pytest.fixture
def waterproofing(world):
    category = MaterialCategory.objects.create(code="FS", name="防水材料")
    return Material.objects.create(code="MAT-FS-T001", name="SBS 改性沥青防水卷材 4mm",
                                   unit="m²", category=category,
                                   standard_price=Decimal("38.00"))


def _rule(name="规则", position=100, categories=(), **fields):
    rule = AssignmentRule.objects.create(name=name, position=position, **fields)
    rule.material_categories.set(categories)
    return rule


def _group(code, *members):
    group = AssignmentGroup.objects.create(code=code, name=code)
    group.members.set(members)
    return group


def _submit(world, **data):
    return services.transition(draft_order(world, **data), S.SUBMITTED, actor=world.manager)


def _pm(username):
    return accounts.create_user(actor=None, check_permission=False, username=username,
                                password="rule-engine-pass-2026", roles=[Role.PROJECT_MANAGER])


# The draft order: new, P3, world.customer / world.project, 86 000.00, one line of rebar.
CONDITIONS = [
    ({"order_types": ["new"]}, True),
    ({"order_types": ["change", "extension"]}, False),
    ({"priorities": ["P1", "P3"]}, True),
    ({"priorities": ["P1"]}, False),
    ({"customer": "customer"}, True),
    ({"customer": "other_customer"}, False),
    ({"project": "project"}, True),
    ({"project": "other_project"}, False),
    ({"min_amount": Decimal("86000.00")}, True),
    ({"min_amount": Decimal("86000.01")}, False),
    ({"max_amount": Decimal("86000.00")}, True),
    ({"max_amount": Decimal("85999.99")}, False),
    ({"min_amount": Decimal("50000"), "max_amount": Decimal("100000")}, True),
    ({"categories": "rebar"}, True),
    ({"categories": "waterproofing"}, False),
]


@pytest.mark.parametrize(("condition", "fits"), CONDITIONS)
def test_it_applies_each_condition(world, waterproofing, condition, fits):
    fields = dict(condition)
    for name in ("customer", "project"):
        if name in fields:
            fields[name] = getattr(world, fields[name])
    categories = {"rebar": [world.category], "waterproofing": [waterproofing.category]}.get(
        fields.pop("categories", ""), [])
    rule = _rule(categories=categories, assign_user=world.pm, **fields)
    order = _submit(world)
    if fits:
        assert (order.status, order.owner, order.assigned_by_rule) == (S.ASSIGNED, world.pm,
                                                                       rule)
        assert order.assignment_note.startswith("规则“规则”命中：")
    else:
        assert (order.status, order.owner, order.assigned_by_rule) == (S.SUBMITTED, None, None)


def test_it_explains_which_conditions_held(world):
    _rule(name="P1 加急", priorities=["P1"], min_amount=Decimal("50000"), assign_user=world.pm)
    order = _submit(world, priority="P1")
    assert order.assignment_note == "规则“P1 加急”命中：优先级 P1；金额 ≥ 50,000.00"


def test_it_takes_the_first_matching_rule_by_position(world):
    _rule(name="后", position=20, assign_user=world.pm)
    first = _rule(name="先", position=10, assign_user=world.other_pm)
    _rule(name="不符", position=5, priorities=["P1"], assign_user=world.pm)
    order = _submit(world)
    assert (order.owner, order.assigned_by_rule) == (world.other_pm, first)


def test_it_breaks_a_position_tie_by_creation_order(world):
    first = _rule(name="甲", position=10, assign_user=world.other_pm)
    _rule(name="乙", position=10, assign_user=world.pm)
    assert _submit(world).assigned_by_rule == first


def test_it_skips_an_inactive_rule(world):
    _rule(name="停用", position=1, active=False, assign_user=world.other_pm)
    used = _rule(name="启用", position=2, assign_user=world.pm)
    order = _submit(world)
    assert (order.owner, order.assigned_by_rule) == (world.pm, used)


def test_it_leaves_the_order_unassigned_when_the_named_user_is_inactive(world):
    _rule(name="指定张工", assign_user=world.other_pm)
    User.objects.filter(pk=world.other_pm.pk).update(is_active=False)
    order = _submit(world)
    assert (order.status, order.owner) == (S.SUBMITTED, None)
    assert "指定张工" in order.assignment_note and "没有可用人员" in order.assignment_note


def test_it_takes_turns_round_robin_in_member_order(world):
    third = _pm("pm3")
    group = _group("PMS", third, world.other_pm, world.pm)
    _rule(assign_mode=AssignMode.ROUND_ROBIN, assign_group=group)
    members = sorted([world.pm, world.other_pm, third], key=lambda u: u.pk)
    owners = [_submit(world).owner for _ in range(4)]
    assert owners == [*members, members[0]]
    group.refresh_from_db()
    assert group.last_assigned == members[0]


def test_it_skips_an_inactive_member_in_the_round_robin(world):
    group = _group("PMS", world.pm, world.other_pm)
    _rule(assign_mode=AssignMode.ROUND_ROBIN, assign_group=group)
    User.objects.filter(pk=world.other_pm.pk).update(is_active=False)
    assert [_submit(world).owner for _ in range(2)] == [world.pm, world.pm]


def test_it_picks_the_least_loaded_member(world):
    group = _group("PMS", world.pm, world.other_pm)
    busy, idle = sorted([world.pm, world.other_pm], key=lambda u: u.pk)
    for status in (S.ASSIGNED, S.IN_PROGRESS):
        Order.objects.filter(pk=draft_order(world).pk).update(status=status, owner=busy)
    Order.objects.filter(pk=draft_order(world).pk).update(status=S.ON_HOLD, owner=idle)
    for status in (S.CLOSED, S.DELIVERED, S.CANCELLED):  # finished work is no load
        Order.objects.filter(pk=draft_order(world).pk).update(status=status, owner=idle)
    _rule(assign_mode=AssignMode.LEAST_LOADED, assign_group=group)
    assert _submit(world).owner == idle


def test_it_breaks_a_least_loaded_tie_by_member_order(world):
    group = _group("PMS", world.pm, world.other_pm)
    _rule(assign_mode=AssignMode.LEAST_LOADED, assign_group=group)
    first = min([world.pm, world.other_pm], key=lambda u: u.pk)
    assert _submit(world).owner == first


def test_it_waits_for_a_manager_when_no_rule_matches(world):
    _rule(priorities=["P1"], assign_user=world.pm)
    order = _submit(world)
    assert (order.status, order.owner) == (S.SUBMITTED, None)
    assert order.assignment_note == "没有匹配的分派规则，等待人工分派"
    told = Notification.objects.filter(kind="order.unassigned")
    assert list(told.values_list("user", flat=True)) == [world.manager.pk]
    assert told.get().title == f"订单 {order.code} 待分派"


def test_it_routes_only_lines_of_the_rules_categories_to_procurement(world, waterproofing):
    buyers = _group("CG", world.buyer)
    _rule(name="防水材料采购", categories=[waterproofing.category], procurement_group=buyers)
    order = _submit(world, lines=[
        {"material": world.material, "quantity": "3"},
        {"material": waterproofing, "quantity": "850"}])
    groups = dict(order.lines.values_list("material__code", "procurement_group"))
    assert groups == {"MAT-GJ-T001": None, "MAT-FS-T001": buyers.pk}


def test_it_does_not_route_when_the_rules_other_conditions_fail(world, waterproofing):
    buyers = _group("CG", world.buyer)
    _rule(categories=[waterproofing.category], procurement_group=buyers, priorities=["P1"])
    order = _submit(world, lines=[{"material": waterproofing, "quantity": "850"}])
    assert order.lines.get().procurement_group is None


def test_it_still_assigns_an_owner_after_a_routing_only_rule(world, waterproofing):
    buyers = _group("CG", world.buyer)
    _rule(name="采购", position=1, categories=[waterproofing.category],
          procurement_group=buyers)
    owner_rule = _rule(name="兜底", position=2, assign_user=world.pm)
    order = _submit(world, lines=[{"material": waterproofing, "quantity": "850"}])
    assert (order.owner, order.assigned_by_rule) == (world.pm, owner_rule)
    assert order.lines.get().procurement_group == buyers
