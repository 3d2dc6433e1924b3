"""Recognising an arriving order's type (new / change / extension) and its parent."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from eoms.orders import services
from eoms.orders.choices import ExtensionState, OrderType
from eoms.orders.models import Order
from eoms.testing.orders_world import build_orders, draft_order


@pytest.fixture
def world(module_world, db):
    return module_world


@pytest.fixture
def parent(world):
    order = build_orders(world).order
    Order.objects.filter(pk=order.pk).update(crm_id="CRM-ORD-7781")
    return Order.objects.get(pk=order.pk)


def _later(order, days=14):
    return order.promised_date + timedelta(days=days)


def test_it_treats_input_without_a_reference_as_new(world):
    order = draft_order(world)
    assert (order.order_type, order.parent) == (OrderType.NEW, None)
    assert order.type_reason == "未引用已有订单，按新建处理"


def test_it_finds_the_parent_by_its_code(world, parent):
    order = draft_order(world, title="增加集水坑防水", parent_code=parent.code.lower())
    assert (order.order_type, order.parent) == (OrderType.CHANGE, parent)
    assert order.type_reason == f"引用了订单编号 {parent.code.lower()}，判断为变更"


def test_it_finds_the_parent_by_the_crms_id(world, parent):
    order = draft_order(world, title="CRM 变更", parent_crm_id="CRM-ORD-7781")
    assert (order.order_type, order.parent) == (OrderType.CHANGE, parent)
    assert "引用了 CRM 订单 CRM-ORD-7781" in order.type_reason


def test_it_finds_a_code_mentioned_in_chinese_text(world, parent):
    order = draft_order(world, title=f"关于{parent.code}的底板加厚变更")
    assert (order.order_type, order.parent) == (OrderType.CHANGE, parent)
    assert order.type_reason.startswith(f"标题或说明中提到订单 {parent.code}")


def test_it_finds_a_code_mentioned_in_the_description(world, parent):
    order = draft_order(world, title="底板加厚", description=f"原订单：{parent.code}。")
    assert order.parent == parent


def test_it_ignores_a_mentioned_code_that_does_not_exist(world, parent):
    order = draft_order(world, title="参考 ORD-1999-000001 的做法")
    assert (order.order_type, order.parent) == (OrderType.NEW, None)


def test_it_calls_a_date_only_change_an_extension(world, parent):
    order = draft_order(world, title="工期顺延", parent_code=parent.code, lines=[],
                        promised_date=_later(parent))
    assert (order.order_type, order.parent) == (OrderType.EXTENSION, parent)
    assert order.type_reason == f"引用了订单编号 {parent.code}，且只改变交付日期，判断为延期"
    assert order.extension_state == ExtensionState.PENDING


def test_it_keeps_the_same_amount_an_extension(world, parent):
    order = draft_order(world, title="顺延", parent_code=parent.code, lines=[],
                        budget_amount="86000.00", promised_date=_later(parent))
    assert order.order_type == OrderType.EXTENSION


def test_it_calls_new_lines_with_a_new_date_a_change(world, parent):
    order = draft_order(world, title="顺延并加量", parent_code=parent.code,
                        promised_date=_later(parent))
    assert order.order_type == OrderType.CHANGE


def test_it_calls_a_new_amount_with_a_new_date_a_change(world, parent):
    order = draft_order(world, title="顺延并追加", parent_code=parent.code, lines=[],
                        budget_amount=Decimal("99000"), promised_date=_later(parent))
    assert order.order_type == OrderType.CHANGE


def test_it_calls_an_unchanged_date_a_change(world, parent):
    order = draft_order(world, title="改做法", parent_code=parent.code, lines=[],
                        promised_date=parent.promised_date)
    assert order.order_type == OrderType.CHANGE


def test_it_keeps_the_systems_reasoning_when_the_submitter_overrides(world, parent):
    order = services.create_order(
        actor=world.manager, order_type=OrderType.CHANGE,
        data={"title": "顺延", "parent_code": parent.code, "promised_date": _later(parent)})
    assert (order.order_type, order.parent) == (OrderType.CHANGE, parent)
    assert order.type_reason == (f"提交人指定为“变更”（系统判断：引用了订单编号 {parent.code}，"
                                 "且只改变交付日期，判断为延期）")
    assert order.extension_state == ExtensionState.NONE


def test_it_drops_the_parent_when_the_submitter_says_new(world, parent):
    title = f"与 {parent.code} 无关的新单"
    assert draft_order(world, title=title).parent == parent
    overridden = draft_order(world, title=title, order_type=OrderType.NEW)
    assert (overridden.order_type, overridden.parent) == (OrderType.NEW, None)
    assert "系统判断：标题或说明中提到订单" in overridden.type_reason


def test_it_inherits_customer_and_project_from_the_parent(world, parent):
    order = services.create_order(actor=world.manager,
                                  data={"title": "追加", "parent_code": parent.code})
    assert (order.customer, order.project) == (parent.customer, parent.project)


def test_it_refuses_a_change_without_a_parent(world):
    before = Order.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.create_order(actor=world.manager, order_type=OrderType.CHANGE,
                              data={"title": "变更", "customer": world.customer,
                                    "project": world.project})
    assert caught.value.message_dict["parent_code"] == ["变更或延期订单必须引用原订单。"]
    assert Order.objects.count() == before


def test_it_refuses_a_reference_to_an_unknown_order(world):
    before = Order.objects.count()
    with pytest.raises(ValidationError) as caught:
        draft_order(world, parent_code="ORD-2026-999999")
    assert caught.value.message_dict["parent_code"] == [
        "找不到引用的原订单 ORD-2026-999999。"]
    assert Order.objects.count() == before


def test_it_refuses_a_parent_the_submitter_cannot_see_as_if_unknown(world):
    other = build_orders(world).other_order
    with pytest.raises(ValidationError) as caught:
        draft_order(world, actor=world.pm, parent_code=other.code)
    assert caught.value.message_dict["parent_code"] == [
        f"找不到引用的原订单 {other.code}。"]


def test_it_ignores_a_mentioned_code_of_an_order_the_submitter_cannot_see(world):
    other = build_orders(world).other_order
    order = draft_order(world, actor=world.pm, title=f"参照 {other.code} 做法")
    assert (order.order_type, order.parent) == (OrderType.NEW, None)
    assert order.type_reason == "未引用已有订单，按新建处理"


def test_it_refuses_an_unknown_type(world):
    before = Order.objects.count()
    with pytest.raises(ValidationError) as caught:
        draft_order(world, order_type="rush")
    assert caught.value.message_dict["order_type"] == ["未知的订单类型“rush”。"]
    assert Order.objects.count() == before
