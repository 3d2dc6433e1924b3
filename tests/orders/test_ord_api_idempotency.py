"""Idempotency-Key on order creation: a retry replays the first answer, writing nothing."""

import json

import pytest

from eoms.audit.models import AuditEntry
from eoms.orders.models import Order

URL = "/api/v1/orders"
BODY = {"title": "重试订单", "project": "PRJ-T001", "budget_amount": "1000",
        "lines": [{"material": "MAT-GJ-T001", "quantity": 1}]}


@pytest.fixture
def world(module_world, db):
    return module_world


def _post(client, body, key):
    return client.post(URL, data=json.dumps(body), content_type="application/json",
                       headers={"Idempotency-Key": key})


def test_it_creates_one_order_for_the_same_key_twice(world, login):
    client = login(world.pm)
    first = _post(client, BODY, "order-key-1")
    entries = AuditEntry.objects.count()
    again = _post(client, BODY, "order-key-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["code"] == first.json()["code"]
    assert Order.objects.filter(title="重试订单").count() == 1
    assert AuditEntry.objects.count() == entries


def test_it_creates_two_orders_for_two_keys(world, login):
    client = login(world.pm)
    _post(client, BODY, "order-key-1")
    _post(client, BODY, "order-key-2")
    assert Order.objects.filter(title="重试订单").count() == 2


def test_it_refuses_the_same_key_with_another_body(world, login):
    client = login(world.pm)
    _post(client, BODY, "order-key-1")
    response = _post(client, {**BODY, "title": "另一个订单"}, "order-key-1")
    assert response.status_code == 422
    assert not Order.objects.filter(title="另一个订单").exists()
