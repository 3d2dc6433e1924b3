"""Idempotency-Key on scheduling POSTs: a phone or an integration that retries gets the
first answer again and nothing is written twice."""

import json

import pytest

from eoms.audit.models import AuditEntry
from eoms.scheduling.models import Task, TaskLink
from eoms.testing.orders_world import build_orders
from eoms.testing.scheduling_world import build_schedule

URL = "/api/v1/scheduling"


@pytest.fixture
def world(module_world, db):
    return module_world


@pytest.fixture
def plan(world):
    return build_schedule(world, build_orders(world))


def _post(client, path, body, key):
    return client.post(f"{URL}/{path}", data=json.dumps(body), content_type="application/json",
                       headers={"Idempotency-Key": key})


def test_it_creates_one_task_for_the_same_key_twice(world, login, plan):
    client = login(world.pm)
    body = {"order": plan.order.code, "name": "重试任务", "duration_days": 1}
    first = _post(client, "tasks", body, "task-key-1")
    entries = AuditEntry.objects.count()
    again = _post(client, "tasks", body, "task-key-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert Task.objects.filter(name="重试任务").count() == 1
    assert AuditEntry.objects.count() == entries


def test_it_reports_progress_once_for_a_retried_report(world, login, plan):
    client = login(world.worker)
    first = _post(client, f"tasks/{plan.pour.pk}/progress", {"percent": 30}, "progress-1")
    version = Task.objects.get(pk=plan.pour.pk).version
    again = _post(client, f"tasks/{plan.pour.pk}/progress", {"percent": 30}, "progress-1")
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert Task.objects.get(pk=plan.pour.pk).version == version


def test_it_links_once_and_refuses_the_key_with_another_body(world, login, plan):
    client = login(world.pm)
    body = {"predecessor": plan.design.pk, "successor": plan.handover.pk}
    assert _post(client, "links", body, "link-1").status_code == 201
    assert _post(client, "links", body, "link-1").status_code == 201
    other = _post(client, "links", {**body, "type": "SS"}, "link-1")
    assert other.status_code == 422
    assert TaskLink.objects.filter(predecessor=plan.design, successor=plan.handover).count() == 1


def test_a_retried_refusal_answers_the_same_refusal(world, login, plan):
    client = login(world.pm)
    bad = {"order": plan.order.code, "name": "重试任务", "duration_days": -1}
    first = _post(client, "tasks", bad, "task-key-2")
    again = _post(client, "tasks", bad, "task-key-2")
    assert first.status_code == again.status_code == 422
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert not Task.objects.filter(name="重试任务").exists()
