"""PUT /orders/crm/orders/{crm_id}: the CRM upserts orders by its own id, idempotently."""

import json

import pytest
from django.test import Client

from eoms.accounts import services as accounts
from eoms.audit.models import AuditEntry
from eoms.core.context import Channel, acting
from eoms.orders.choices import OrderStatus, OrderType, Source
from eoms.orders.models import Order, OrderLine
from eoms.testing.orders_world import build_orders

URL = "/api/v1/orders/crm/orders/"
BODY = {"title": "CRM 订单：三号楼机电", "customer": "CUS-T0001", "project": "PRJ-T001",
        "priority": "P2", "promised_date": "2026-12-20", "budget_amount": "120000.00",
        "lines": [{"material": "MAT-GJ-T001", "quantity": "8", "needed_by": "2026-12-01"}]}


@pytest.fixture
def world(module_world, db):
    return module_world


@pytest.fixture
def crm(world):
    """The CRM's client: a bearer token of the manager."""
    with acting(Channel.TEST):
        raw = accounts.create_token(world.manager, actor=None, name="CRM")[1]
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _put(client, crm_id, body):
    return client.put(URL + crm_id, data=json.dumps(body), content_type="application/json")


def test_it_creates_and_submits_the_order_the_crm_sends_first(world, crm, ctx):
    build_orders(world)
    response = _put(crm, "SO-1001", BODY)
    assert response.status_code == 201, response.content
    order = Order.objects.get(crm_id="SO-1001")
    assert order.source == Source.CRM and order.order_type == OrderType.NEW
    assert order.status == OrderStatus.ASSIGNED and order.owner == world.pm
    data = response.json()
    assert data["sync_status"] == "created" and data["code"] == order.code
    entry = AuditEntry.objects.for_object(order).order_by("seq").first()
    assert entry.channel == "api" and entry.actor_id == world.manager.pk


def test_it_changes_nothing_when_the_same_payload_comes_again(world, crm):
    _put(crm, "SO-1001", BODY)
    order = Order.objects.get(crm_id="SO-1001")
    entries, version = AuditEntry.objects.count(), order.version
    response = _put(crm, "SO-1001", BODY)
    assert response.status_code == 200
    assert response.json()["sync_status"] == "unchanged"
    assert Order.objects.filter(crm_id="SO-1001").count() == 1
    assert Order.objects.get(crm_id="SO-1001").version == version
    assert AuditEntry.objects.count() == entries
    assert response["ETag"] == f'"{version}"'


def test_it_sees_equal_values_written_differently_as_unchanged(world, crm):
    _put(crm, "SO-1001", BODY)
    entries = AuditEntry.objects.count()
    same = {**BODY, "budget_amount": 120000, "lines": [
        {"material": "MAT-GJ-T001", "quantity": 8.0, "unit": "吨", "needed_by": "2026-12-01"}]}
    assert _put(crm, "SO-1001", same).json()["sync_status"] == "unchanged"
    assert AuditEntry.objects.count() == entries


def test_it_updates_the_order_when_the_crm_data_changed(world, crm):
    _put(crm, "SO-1001", {**BODY, "submit": False})
    response = _put(crm, "SO-1001", {**BODY, "title": "CRM 订单：三号楼机电（修订）",
                                     "lines": [{"material": "MAT-GJ-T001", "quantity": 9}]})
    assert response.status_code == 200
    assert response.json()["sync_status"] == "updated"
    order = Order.objects.get(crm_id="SO-1001")
    assert order.title.endswith("（修订）") and order.version == 2
    assert list(order.lines.values_list("quantity", flat=True)) == [9]


def test_it_keeps_a_new_order_as_a_draft_when_told(world, crm):
    _put(crm, "SO-1001", {**BODY, "submit": False})
    assert Order.objects.get(crm_id="SO-1001").status == OrderStatus.DRAFT


def test_it_makes_a_change_order_of_a_payload_naming_its_parent(world, crm):
    _put(crm, "SO-1001", BODY)
    body = {**BODY, "title": "追加钢筋", "parent_crm_id": "SO-1001",
            "lines": [{"material": "MAT-GJ-T001", "quantity": 3}]}
    response = _put(crm, "SO-1001-C1", body)
    assert response.status_code == 201, response.content
    change = Order.objects.get(crm_id="SO-1001-C1")
    assert change.order_type == OrderType.CHANGE
    assert change.parent == Order.objects.get(crm_id="SO-1001")
    assert "SO-1001" in change.type_reason


def test_it_makes_an_extension_of_a_payload_that_only_moves_the_date(world, crm):
    _put(crm, "SO-1001", BODY)
    body = {"title": "延期到明年", "parent_crm_id": "SO-1001", "promised_date": "2027-02-01"}
    response = _put(crm, "SO-1001-E1", body)
    assert response.status_code == 201, response.content
    extension = Order.objects.get(crm_id="SO-1001-E1")
    assert extension.order_type == OrderType.EXTENSION
    assert str(extension.proposed_date) == "2027-02-01"
    entries = AuditEntry.objects.count()
    assert _put(crm, "SO-1001-E1", body).json()["sync_status"] == "unchanged"
    assert AuditEntry.objects.count() == entries


def test_it_names_the_customer_by_its_crm_id(world, crm, ctx):
    world.customer.__class__.objects.filter(pk=world.customer.pk).update(crm_id="C-88")
    body = {**{k: v for k, v in BODY.items() if k != "customer"}, "customer_crm_id": "C-88"}
    assert _put(crm, "SO-1002", body).status_code == 201
    assert Order.objects.get(crm_id="SO-1002").customer == world.customer


def test_it_names_an_unknown_parent_and_writes_nothing(world, crm):
    before = (Order.objects.count(), OrderLine.objects.count(), AuditEntry.objects.count())
    response = _put(crm, "SO-1003", {**BODY, "parent_crm_id": "SO-NOPE"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "parent_crm_id"
    assert (Order.objects.count(), OrderLine.objects.count(),
            AuditEntry.objects.count()) == before


def test_it_refuses_a_change_to_an_order_already_assigned(world, crm, ctx):
    build_orders(world)
    _put(crm, "SO-1001", BODY)
    response = _put(crm, "SO-1001", {**BODY, "title": "改标题"})
    assert response.status_code == 409
    assert Order.objects.get(crm_id="SO-1001").title == BODY["title"]


def test_it_refuses_the_crm_id_in_the_body(world, crm):
    response = _put(crm, "SO-1001", {**BODY, "crm_id": "OTHER"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "crm_id"
    assert not Order.objects.exists()


def test_it_forbids_the_upsert_to_a_role_that_may_not_add_orders(world, login):
    response = _put(login(world.finance), "SO-1001", BODY)
    assert response.status_code == 403
    assert not Order.objects.filter(crm_id="SO-1001").exists()


def test_it_hides_an_order_outside_the_callers_scope(world, crm, login):
    _put(crm, "SO-1001", BODY)
    other = login(world.other_pm)
    response = _put(other, "SO-1001", {**BODY, "project": "PRJ-T002", "customer": "CUS-T0002"})
    assert response.status_code == 404
    assert Order.objects.get(crm_id="SO-1001").project == world.project
