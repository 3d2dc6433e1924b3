"""Creating an order: what is written, who may, and bad input that writes nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from eoms.audit.models import AuditEntry
from eoms.core.models import IssuedCode
from eoms.orders.choices import OrderStatus, Source
from eoms.orders.models import Order, OrderLine
from eoms.testing.orders_world import draft_order

TABLES = (Order, OrderLine, AuditEntry, IssuedCode)


@pytest.fixture
def world(module_world, db):
    return module_world


def _counts():
    return [model.objects.count() for model in TABLES]


def test_it_creates_a_coded_draft_with_its_lines(world):
    order = draft_order(world, lines=[
        {"material": world.material, "quantity": "12.5", "notes": "底板"},
        {"material": world.material, "quantity": Decimal("3"), "unit": "根"}])
    assert order.code.startswith("ORD-") and order.status == OrderStatus.DRAFT
    assert order.created_by == world.manager and order.source == Source.MANUAL
    rows = list(order.lines.values_list("line_no", "quantity", "unit", "notes"))
    assert rows == [(1, Decimal("12.500"), "吨", "底板"), (2, Decimal("3.000"), "根", "")]


def test_it_records_the_creation_as_one_business_event(world):
    order = draft_order(world)
    entries = AuditEntry.objects.filter(event="order.created")
    assert {e.object_repr.split()[0] for e in entries} >= {order.code}
    assert set(entries.values_list("actor", flat=True)) == {world.manager.pk}


def test_it_issues_each_code_once(world):
    codes = {draft_order(world).code for _ in range(3)}
    assert len(codes) == 3


def test_it_lets_the_projects_manager_create_in_his_project(world):
    assert draft_order(world, actor=world.pm).project == world.project


def test_it_lets_a_customer_create_for_his_own_customer(world):
    assert draft_order(world, actor=world.client).customer == world.customer


@pytest.mark.parametrize("key", ["pm", "buyer", "client"])
def test_it_refuses_an_order_outside_the_actors_projects(world, key):
    before = _counts()
    with pytest.raises(PermissionDenied):
        draft_order(world, actor=world.users[key], project=world.other_project)
    assert _counts() == before


@pytest.mark.parametrize("key", ["worker", "finance", "auditor", "qc"])
def test_it_refuses_roles_that_do_not_create_orders(world, key):
    before = _counts()
    with pytest.raises(PermissionDenied):
        draft_order(world, actor=world.users[key])
    assert _counts() == before


def test_it_refuses_a_site_of_another_project(world):
    before = _counts()
    with pytest.raises(ValidationError) as caught:
        draft_order(world, site=world.other_site)
    assert caught.value.message_dict == {"site": ["工地不属于所选项目。"]}
    assert _counts() == before


def test_it_refuses_a_project_of_another_customer(world):
    before = _counts()
    with pytest.raises(ValidationError) as caught:
        draft_order(world, customer=world.other_customer)
    assert caught.value.message_dict == {"project": ["项目不属于所选客户。"]}
    assert _counts() == before


@pytest.mark.parametrize(("quantity", "field"), [
    ("-1", "quantity"), ("0", "quantity"), ("abc", "quantity"), ("NaN", "quantity"),
    (None, "quantity")])
def test_it_refuses_a_bad_quantity(world, quantity, field):
    before = _counts()
    with pytest.raises(ValidationError) as caught:
        draft_order(world, lines=[{"material": world.material, "quantity": "2"},
                                  {"material": world.material, "quantity": quantity}])
    assert list(caught.value.message_dict) == [f"lines.2.{field}"]
    assert _counts() == before


def test_it_refuses_a_line_without_material(world):
    before = _counts()
    with pytest.raises(ValidationError) as caught:
        draft_order(world, lines=[{"quantity": "2"}])
    assert caught.value.message_dict == {"lines.1.material": ["请选择物料。"]}
    assert _counts() == before


def test_it_refuses_a_negative_budget(world):
    before = _counts()
    with pytest.raises(ValidationError) as caught:
        draft_order(world, budget_amount=Decimal("-1"))
    assert "budget_amount" in caught.value.message_dict
    assert _counts() == before


def test_it_refuses_a_missing_title(world):
    before = _counts()
    with pytest.raises(ValidationError) as caught:
        draft_order(world, title="")
    assert "title" in caught.value.message_dict
    assert _counts() == before


def test_it_refuses_a_crm_id_already_used(world):
    draft_order(world, crm_id="CRM-ORD-1")
    before = _counts()
    with pytest.raises(ValidationError) as caught:
        draft_order(world, crm_id="CRM-ORD-1")
    assert "crm_id" in caught.value.message_dict
    assert _counts() == before
