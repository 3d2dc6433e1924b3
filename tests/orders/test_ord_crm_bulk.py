"""Bulk CRM sync: each record on its own, per-record results, a bad one holds back nothing."""

import json

import pytest

from eoms.audit.models import AuditEntry
from eoms.masterdata.models import Customer
from eoms.orders.models import Order, OrderLine

ORDERS = "/api/v1/orders/crm/orders/bulk"
CUSTOMERS = "/api/v1/orders/crm/customers/bulk"


@pytest.fixture
def world(module_world, db):
    return module_world


def _record(crm_id, **extra):
    return {"crm_id": crm_id, "title": f"CRM 订单 {crm_id}", "project": "PRJ-T001",
            "budget_amount": "5000", "submit": False,
            "lines": [{"material": "MAT-GJ-T001", "quantity": 2}], **extra}


def _post(client, url, records):
    return client.post(url, data=json.dumps({"records": records}),
                       content_type="application/json")


def test_it_upserts_the_good_records_and_reports_the_bad_one(world, login):
    records = [_record("SO-1"), _record("SO-2", lines=[{"material": "MAT-GJ-T001",
                                                        "quantity": -1}]),
               _record("SO-3", site="SITE-T02"), _record("SO-4")]
    response = _post(login(world.manager), ORDERS, records)
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["created"], data["errors"]) == (2, 2)
    results = {r["crm_id"]: r for r in data["results"]}
    assert results["SO-1"]["status"] == "created" and results["SO-1"]["code"].startswith("ORD-")
    assert results["SO-2"]["status"] == "error"
    assert results["SO-2"]["errors"][0]["field"] == "lines.0.quantity"
    assert results["SO-3"]["errors"][0]["field"] == "site"
    assert set(Order.objects.values_list("crm_id", flat=True)) == {"SO-1", "SO-4"}
    assert OrderLine.objects.filter(order__crm_id__in=["SO-2", "SO-3"]).count() == 0


def test_it_reports_unchanged_records_and_writes_nothing_the_second_time(world, login):
    client = login(world.manager)
    records = [_record("SO-1"), _record("SO-2")]
    _post(client, ORDERS, records)
    entries = AuditEntry.objects.count()
    data = _post(client, ORDERS, [records[0], {**records[1], "title": "改了标题"}]).json()
    assert [r["status"] for r in data["results"]] == ["unchanged", "updated"]
    assert AuditEntry.objects.filter(event="order.updated").count() == 1
    assert AuditEntry.objects.count() == entries + 1


def test_it_reports_a_record_without_crm_id(world, login):
    record = {k: v for k, v in _record("x").items() if k != "crm_id"}
    data = _post(login(world.manager), ORDERS, [record, _record("SO-9")]).json()
    assert data["results"][0]["status"] == "error" and data["results"][0]["crm_id"] is None
    assert data["results"][0]["errors"][0]["field"] == "crm_id"
    assert data["results"][1]["status"] == "created"


def test_it_reports_a_crm_id_sent_twice(world, login):
    data = _post(login(world.manager), ORDERS, [_record("SO-1"), _record("SO-1")]).json()
    assert [r["status"] for r in data["results"]] == ["created", "error"]
    assert Order.objects.filter(crm_id="SO-1").count() == 1


def test_it_refuses_more_than_500_records(world, login):
    records = [_record(f"SO-{i}") for i in range(501)]
    response = _post(login(world.manager), ORDERS, records)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "records"
    assert not Order.objects.exists()


def test_it_forbids_bulk_orders_to_a_role_that_may_not_add_them(world, login):
    assert _post(login(world.finance), ORDERS, [_record("SO-1")]).status_code == 403


def test_it_upserts_customers_in_bulk(world, login):
    client = login(world.manager)
    records = [{"crm_id": "C-1", "name": "宁波港建设有限公司"},
               {"crm_id": "C-2", "name": ""},
               {"crm_id": "C-3", "name": "温州瓯江建设有限公司", "phone": "0577-1"}]
    data = _post(client, CUSTOMERS, records).json()
    assert [r["status"] for r in data["results"]] == ["created", "error", "created"]
    assert data["results"][1]["errors"][0]["field"] == "name"
    again = _post(client, CUSTOMERS, [records[0], {**records[2], "phone": "0577-2"}]).json()
    assert [r["status"] for r in again["results"]] == ["unchanged", "updated"]
    assert Customer.objects.get(crm_id="C-3").phone == "0577-2"


def test_it_forbids_bulk_customers_to_a_project_manager(world, login):
    response = _post(login(world.pm), CUSTOMERS, [{"crm_id": "C-1", "name": "甲公司"}])
    assert response.status_code == 403
    assert not Customer.objects.filter(crm_id="C-1").exists()
