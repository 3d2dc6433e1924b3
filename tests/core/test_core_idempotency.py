"""Idempotency-Key: the same POST retried gives the first answer and writes nothing new."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from eoms.accounts import services
from eoms.core.context import Channel, acting
from eoms.core.models import IdempotencyRecord
from eoms.masterdata.models import Customer
from eoms.testing.world import build_world

CUSTOMERS = "/api/v1/masterdata/customers"
BODY = {"name": "宁波港务建设有限公司", "phone": "0574-1"}


def _token(user) -> str:
    with acting(Channel.TEST):
        return services.create_token(user, actor=user, name="retry")[1]


def _post(client: Client, body: dict, key: str):
    return client.post(CUSTOMERS, body, content_type="application/json",
                       headers={"Idempotency-Key": key})


def _client(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_it_creates_one_object_for_ten_identical_posts(world):
    client = _client(_token(world.manager))
    answers = [_post(client, BODY, "order-7f3a") for _ in range(10)]
    assert Customer.objects.filter(name=BODY["name"]).count() == 1
    assert {a.status_code for a in answers} == {201}
    assert len({a.content for a in answers}) == 1
    assert [a.get("Idempotent-Replayed") for a in answers] == [None] + ["true"] * 9


def test_it_refuses_the_same_key_with_another_body(world):
    client = _client(_token(world.manager))
    assert _post(client, BODY, "order-7f3a").status_code == 201
    other = _post(client, {**BODY, "phone": "0574-2"}, "order-7f3a")
    assert other.status_code == 422
    assert other["Content-Type"] == "application/problem+json"
    assert Customer.objects.get(name=BODY["name"]).phone == "0574-1"


def test_it_keeps_keys_apart_per_caller(world):
    first = _post(_client(_token(world.manager)), BODY, "k-1")
    second = _post(_client(_token(world.admin)), {**BODY, "name": "温州瓯江建设有限公司"}, "k-1")
    assert (first.status_code, second.status_code) == (201, 201)
    assert IdempotencyRecord.objects.filter(key="k-1").count() == 2


def test_it_replays_a_refused_answer_too(world):
    client = _client(_token(world.manager))
    first = _post(client, {"name": ""}, "k-2")
    again = _post(client, {"name": ""}, "k-2")
    assert first.status_code == again.status_code == 422
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert "幂等键冲突" in _post(client, BODY, "k-2").json()["title"]
    assert not Customer.objects.filter(name=BODY["name"]).exists()


@pytest.mark.django_db(transaction=True)
def test_it_creates_one_object_for_ten_concurrent_identical_posts():
    world = build_world()
    raw = _token(world.manager)
    answers: list = [None] * 10
    start = threading.Barrier(10)

    def send(i: int) -> None:
        try:
            client = _client(raw)
            start.wait()
            answers[i] = _post(client, BODY, "concurrent-1")
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Customer.objects.filter(name=BODY["name"]).count() == 1
    assert {a.status_code for a in answers} == {201}, [a.content[:200] for a in answers]
    assert len({a.content for a in answers}) == 1


def test_it_does_not_remember_a_refusal_of_who_is_asking(world, login):
    """A 403 (no permission, failed CSRF check) wrote nothing: the retry is heard again."""
    refused = _post(_client(_token(world.worker)), BODY, "order-403")
    assert refused.status_code == 403
    assert not IdempotencyRecord.objects.filter(key="order-403").exists()
    session = Client(enforce_csrf_checks=True)
    session.force_login(world.manager)
    no_csrf = _post(session, BODY, "order-csrf")
    assert no_csrf.status_code == 403
    assert not IdempotencyRecord.objects.filter(key="order-csrf").exists()
    assert not Customer.objects.filter(name=BODY["name"]).exists()
