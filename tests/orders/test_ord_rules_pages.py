"""Assignment-rule pages: who may read and change rules, validation, order, dry run."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from eoms.audit.models import AuditEntry
from eoms.core.context import Channel, acting
from eoms.orders import services, services_rules
from eoms.orders.choices import AssignMode, OrderStatus, Priority
from eoms.orders.models import AssignmentGroup, AssignmentRule, Order
from eoms.testing.orders_world import build_orders
from eoms.testing.queries import page_size_independent

RULES = "/orders/rules/"
CREATE = "/orders/rules/new/"


@pytest.fixture
def orders(world) -> SimpleNamespace:
    return build_orders(world)


def _edit(rule: AssignmentRule) -> str:
    return f"/orders/rules/{rule.pk}/edit/"


def _rule(world, **data) -> AssignmentRule:
    values = {"name": "P1 加急", "assign_mode": AssignMode.USER, "assign_user": world.pm,
              **data}
    with acting(Channel.TEST):
        return services_rules.create_rule(actor=world.manager, data=values)


def _form(world, **extra) -> dict:
    data = {"name": "大额订单", "active": "on", "assign_mode": "user",
            "assign_user": world.pm.pk, "min_amount": "100000", "max_amount": ""}
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def _names_in_order() -> list[str]:
    return list(AssignmentRule.objects.order_by("position", "pk").values_list("name", flat=True))


def _events(obj) -> list[str]:
    return list(AuditEntry.objects.for_object(obj).order_by("seq")
                .values_list("event", flat=True))


def _html(response) -> str:
    return response.content.decode()


# --- who may do what -------------------------------------------------------------------------

def test_it_lets_a_project_manager_read_the_rules(world, login, orders):
    page = _html(login(world.pm).get(RULES))
    assert "兜底" in page and "在“项目经理组”中轮流分派" in page
    assert CREATE not in page and _edit(orders.rule) not in page


def test_it_refuses_a_project_manager_the_create_page(world, login, orders):
    client = login(world.pm)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, _form(world)).status_code == 403
    assert not AssignmentRule.objects.filter(name="大额订单").exists()


def test_it_refuses_a_project_manager_the_edit_move_and_delete(world, login, orders):
    client = login(world.pm)
    rule = orders.rule
    assert client.get(_edit(rule)).status_code == 403
    assert client.post(f"/orders/rules/{rule.pk}/move/", {"direction": "up"}).status_code == 403
    assert client.post(f"/orders/rules/{rule.pk}/delete/").status_code == 403
    assert AssignmentRule.objects.filter(pk=rule.pk, version=rule.version).exists()


def test_it_lets_an_auditor_read_but_not_add_a_group(world, login, orders):
    client = login(world.auditor)
    assert client.get(RULES).status_code == 200
    assert "项目经理组" in _html(client.get("/orders/rules/groups/"))
    assert client.get("/orders/rules/groups/new/").status_code == 403


def test_it_refuses_customers_and_workers_the_rules(world, login, orders):
    for user in (world.client, world.worker, world.outsider):
        assert login(user).get(RULES).status_code == 403


# --- creating and validating --------------------------------------------------------------------

def test_it_creates_a_rule_as_manager(world, login, orders):
    response = login(world.manager).post(CREATE, _form(
        world, priorities=["P1", "P2"], customer=world.customer.pk,
        material_categories=[world.category.pk]))
    assert response.status_code == 302, _html(response)[:2000]
    rule = AssignmentRule.objects.get(name="大额订单")
    assert (rule.assign_user, rule.priorities, rule.min_amount, rule.customer) == (
        world.pm, ["P1", "P2"], Decimal("100000"), world.customer)
    assert list(rule.material_categories.all()) == [world.category]
    assert rule.position > orders.rule.position  # added after the existing rules
    entry = AuditEntry.objects.for_object(rule).get(action="create")
    assert (entry.event, entry.actor) == ("assignment_rule.created", world.manager)


def test_it_rejects_a_user_mode_rule_without_a_user(world, login, orders):
    response = login(world.manager).post(CREATE, _form(world, assign_user=""))
    assert response.status_code == 200
    assert "分派方式为“指定人员”时，请选择一位项目经理。" in _html(response)
    assert not AssignmentRule.objects.filter(name="大额订单").exists()


def test_it_rejects_a_minimum_above_the_maximum(world, login, orders):
    response = login(world.manager).post(CREATE, _form(world, min_amount="500000",
                                                       max_amount="100000"))
    assert response.status_code == 200
    assert "不能低于最低预算金额" in _html(response)
    assert not AssignmentRule.objects.filter(name="大额订单").exists()


def test_it_rejects_a_project_manager_who_has_left(world, login, orders):
    rule = _rule(world, assign_user=world.other_pm)
    world.other_pm.is_active = False
    with acting(Channel.TEST):
        world.other_pm.save()
    client = login(world.manager)
    page = _html(client.get(_edit(rule)))
    assert "（已停用）" in page  # the current choice stays visible, marked
    response = client.post(_edit(rule), _form(world, name=rule.name,
                                              assign_user=world.other_pm.pk,
                                              version=rule.version))
    assert response.status_code == 200
    assert "不是在职的项目经理，不能接收订单。" in _html(response)
    assert AssignmentRule.objects.get(pk=rule.pk).version == rule.version


def test_it_rejects_a_group_mode_rule_whose_group_has_no_active_member(world, login, orders):
    with acting(Channel.TEST):
        empty = AssignmentGroup.objects.create(code="EMPTY", name="空组")
        empty.members.add(world.other_pm)
        world.other_pm.is_active = False
        world.other_pm.save()
    response = login(world.manager).post(CREATE, _form(
        world, assign_mode="round_robin", assign_user="", assign_group=empty.pk))
    assert "分派组 EMPTY 空组 没有在职的项目经理成员，规则无法分派。" in _html(response)
    assert not AssignmentRule.objects.filter(name="大额订单").exists()


def test_it_rejects_order_types_and_priorities_outside_the_choices(world, orders):
    with acting(Channel.TEST), pytest.raises(ValidationError) as caught:
        services_rules.create_rule(actor=world.manager, data={
            "name": "坏规则", "assign_mode": AssignMode.USER, "assign_user": world.pm,
            "priorities": ["P9"], "order_types": ["repair"]})
    errors = caught.value.message_dict
    assert "未知的优先级：P9" in errors["priorities"][0]
    assert "未知的订单类型：repair" in errors["order_types"][0]
    assert not AssignmentRule.objects.filter(name="坏规则").exists()


def test_it_asks_for_categories_when_a_rule_routes_lines_to_a_procurement_group(
        world, login, orders):
    with acting(Channel.TEST):
        buyers = AssignmentGroup.objects.create(code="BUY", name="采购组")
        buyers.members.add(world.buyer)
    response = login(world.manager).post(CREATE, _form(world, procurement_group=buyers.pk))
    assert "指定采购组时，请选择要交给该组的物料分类。" in _html(response)
    assert not AssignmentRule.objects.filter(name="大额订单").exists()


def test_it_tells_who_changed_a_rule_meanwhile(world, login, orders):
    rule = _rule(world)
    client = login(world.manager)
    stale = rule.version
    with acting(Channel.TEST):
        services_rules.update_rule(rule, actor=world.admin, data={"name": "P1 特急"},
                                   expected_version=None)
    response = client.post(_edit(rule), _form(world, name="P1 紧急", version=stale))
    assert "该记录已被" in _html(response) and "请刷新后重新编辑" in _html(response)
    assert AssignmentRule.objects.get(pk=rule.pk).name == "P1 特急"


def test_it_shows_the_rules_history_on_its_edit_page(world, login, orders):
    rule = _rule(world)
    client = login(world.manager)
    response = client.post(_edit(rule), _form(world, name="P1 紧急", priorities=["P1"],
                                              version=rule.version))
    assert response.status_code == 302
    page = _html(client.get(_edit(rule)))
    assert "修改分派规则" in page and "创建分派规则" in page and "P1 紧急" in page


# --- order, delete -----------------------------------------------------------------------------

def test_it_moves_a_rule_up(world, login, orders):
    first, second = _rule(world, name="甲"), _rule(world, name="乙")
    assert _names_in_order() == ["兜底", "甲", "乙"]
    response = login(world.manager).post(f"/orders/rules/{second.pk}/move/",
                                         {"direction": "up"})
    assert response.status_code == 302
    assert _names_in_order() == ["兜底", "乙", "甲"]
    assert _events(second) == ["assignment_rule.created", "assignment_rule.moved"]
    assert _events(first)[-1] == "assignment_rule.moved"


def test_it_moves_a_rule_down_and_shows_the_new_order(world, login, orders):
    _rule(world, name="甲")
    client = login(world.manager)
    client.post(f"/orders/rules/{orders.rule.pk}/move/", {"direction": "down"})
    assert _names_in_order() == ["甲", "兜底"]
    page = _html(client.get(RULES))
    assert page.index("甲") < page.index("兜底")


def test_it_refuses_to_move_the_first_rule_further_up(world, login, orders):
    _rule(world, name="甲")
    client = login(world.manager)
    before = AuditEntry.objects.count()
    response = client.post(f"/orders/rules/{orders.rule.pk}/move/", {"direction": "up"},
                           follow=True)
    assert "“兜底”已是第一条规则。" in _html(response)
    assert _names_in_order() == ["兜底", "甲"]
    assert AuditEntry.objects.count() == before


def test_it_refuses_to_delete_a_rule_that_assigned_orders(world, login, orders):
    response = login(world.manager).post(f"/orders/rules/{orders.rule.pk}/delete/",
                                         follow=True)
    assert "已分派过 1 个订单" in _html(response) and "请改为停用" in _html(response)
    assert AssignmentRule.objects.filter(pk=orders.rule.pk).exists()


def test_it_deletes_an_unused_rule(world, login, orders):
    rule = _rule(world)
    response = login(world.manager).post(f"/orders/rules/{rule.pk}/delete/")
    assert response.status_code == 302
    assert not AssignmentRule.objects.filter(pk=rule.pk).exists()
    assert AuditEntry.objects.filter(event="assignment_rule.deleted",
                                     actor=world.manager).exists()


# --- the list: words, counts, queries ------------------------------------------------------------

def test_it_says_each_rules_conditions_and_action_in_words(world, login, orders):
    _rule(world, name="大额 P1", priorities=["P1"], min_amount=Decimal("100000"),
          max_amount=Decimal("500000"), project=world.project, customer=world.customer)
    page = _html(login(world.manager).get(RULES))
    assert "优先级：P1 紧急" in page
    assert "预算 100,000.00 – 500,000.00 元" in page
    assert "项目：PRJ-T001 浦东厂房扩建" in page and "客户：上海申达建设有限公司" in page
    assert "分派给 李项目" in page
    assert "任何订单（兜底规则）" in page


def test_it_counts_the_orders_each_rule_assigned(world, login, orders):
    page = _html(login(world.manager).get(RULES))
    # 兜底 assigned the order of world.project; the other order was reassigned by hand.
    assert "已分派 1 个订单" in page


def test_it_costs_the_same_queries_for_10_and_100_rules(world, login, orders):
    def make(n: int) -> list[AssignmentRule]:
        start = AssignmentRule.objects.count()
        return AssignmentRule.objects.bulk_create([AssignmentRule(
            name=f"批量规则{start + i:05d}", position=2000 + start + i, active=False,
            assign_mode=AssignMode.USER, assign_user=world.pm) for i in range(n)])

    page_size_independent(login(world.manager), RULES, make)


# --- dry run -------------------------------------------------------------------------------------

def _draft(world, priority: str) -> Order:
    with acting(Channel.TEST):
        return services.create_order(actor=world.manager, data={
            "title": "试运行订单", "customer": world.customer, "project": world.project,
            "priority": priority, "budget_amount": Decimal("5000")})


def test_it_names_the_rule_a_dry_run_would_fire_and_saves_nothing(world, login, orders):
    rule = _rule(world, priorities=[Priority.P1])
    with acting(Channel.TEST):
        services_rules.move_rule(rule, actor=world.manager, direction="up")
    order = _draft(world, Priority.P1)
    client = login(world.pm)
    before = AuditEntry.objects.count()
    page = _html(client.get(RULES, {"order": order.code.lower()}))
    assert "将由规则“P1 加急”分派" in page
    assert "规则“P1 加急”命中：优先级 P1" in page and "负责人：李项目" in page
    order.refresh_from_db()
    assert (order.status, order.owner, order.assigned_by_rule) == (OrderStatus.DRAFT, None, None)
    assert AuditEntry.objects.count() == before


def test_it_dry_runs_to_the_catch_all_rule_when_no_other_matches(world, login, orders):
    _rule(world, priorities=[Priority.P1])  # after 兜底: never reached for P3 either
    order = _draft(world, Priority.P3)
    page = _html(login(world.manager).get(RULES, {"order": order.code}))
    assert "将由规则“兜底”分派" in page and "无条件（兜底规则）" in page


def test_it_says_when_no_active_rule_matches(world, login, orders):
    with acting(Channel.TEST):
        services_rules.update_rule(orders.rule, actor=world.manager, data={"active": False},
                                   expected_version=None)
    page = _html(login(world.manager).get(RULES, {"order": orders.order.code}))
    assert "没有匹配的启用规则" in page


def test_it_does_not_dry_run_an_order_the_user_may_not_see(world, login, orders):
    page = _html(login(world.pm).get(RULES, {"order": orders.other_order.code}))
    assert f"找不到订单 {orders.other_order.code}，或您无权查看。" in page
    assert orders.other_order.title not in page


# --- groups ---------------------------------------------------------------------------------------

def test_it_creates_a_group_as_manager(world, login, orders):
    response = login(world.manager).post("/orders/rules/groups/new/", {
        "code": "PM-EAST", "name": "华东项目经理", "members": [world.pm.pk, world.other_pm.pk]})
    assert response.status_code == 302
    group = AssignmentGroup.objects.get(code="PM-EAST")
    assert set(group.members.all()) == {world.pm, world.other_pm}
    assert AuditEntry.objects.for_object(group).get(action="create").event == \
        "assignment_group.created"


def test_it_keeps_a_project_manager_in_a_group_an_active_rule_uses(world, login, orders):
    group = orders.group
    response = login(world.manager).post(f"/orders/rules/groups/{group.pk}/edit/", {
        "code": group.code, "name": group.name, "members": [world.buyer.pk],
        "version": group.version})
    assert "组内至少要保留一名在职项目经理" in _html(response)
    assert list(group.members.all()) == [world.pm]
