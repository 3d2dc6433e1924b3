"""Idempotency-Key on master-data POSTs: a retry replays the first answer, writing nothing."""

import json

from eoms.masterdata.models import Customer

URL = "/api/v1/masterdata/customers"


def _post(client, body, key):
    return client.post(URL, data=json.dumps(body), content_type="application/json",
                       headers={"Idempotency-Key": key})


def test_it_creates_one_row_for_the_same_key_twice(world, login):
    client = login(world.manager)
    first = _post(client, {"name": "重试客户"}, "key-1")
    again = _post(client, {"name": "重试客户"}, "key-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Customer.objects.filter(name="重试客户").count() == 1


def test_it_refuses_the_same_key_with_another_body(world, login):
    client = login(world.manager)
    _post(client, {"name": "重试客户"}, "key-1")
    response = _post(client, {"name": "另一个客户"}, "key-1")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert not Customer.objects.filter(name="另一个客户").exists()


def test_it_replays_a_refusal_for_the_same_key_and_writes_nothing(world, login):
    client = login(world.manager)
    bad = {"name": "长" * 201}
    first, again = _post(client, bad, "key-2"), _post(client, bad, "key-2")
    assert first.status_code == again.status_code == 422
    assert again["Idempotent-Replayed"] == "true"
    assert Customer.objects.count() == 2
