"""Dragging a bar: POST /schedule/tasks/<pk>/move/ moves a task through move_task and
answers the tasks that changed, or refuses with the reason and changes nothing."""

import json
from datetime import date

import pytest
from django.urls import reverse

from eoms.audit.models import AuditEntry
from eoms.orders.choices import OrderStatus
from eoms.orders.models import Order
from eoms.scheduling.choices import Constraint
from eoms.scheduling.models import Task
from eoms.testing.orders_world import build_orders
from eoms.testing.scheduling_world import build_schedule


@pytest.fixture
def world(module_world, db):
    return module_world


@pytest.fixture
def plan(world, ctx):
    return build_schedule(world, build_orders(world))


def _move(client, task, **data):
    return client.post(reverse("scheduling:gantt_move", args=[task.pk]), data)


def _state(plan):
    tasks = Task.objects.filter(order=plan.order).order_by("pk")
    return (AuditEntry.objects.count(),
            list(tasks.values_list("pk", "version", "early_start", "early_finish", "duration",
                                   "constraint", "constraint_date")))


def test_it_moves_a_task_and_answers_its_successors_too(world, plan, login):
    client = login(world.pm)
    before = AuditEntry.objects.count()
    response = _move(client, plan.pour, start="2026-03-09",
                     version=plan.pour.version)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["ok"] is True and "底板浇筑" in answer["message"]
    changed = {row["id"]: row for row in answer["tasks"]}
    assert changed[plan.pour.pk]["start"] == "2026-03-09"
    assert changed[plan.cure.pk]["start"] == "2026-03-10"  # SS + 1 working day
    assert plan.handover.pk in changed and plan.summary.pk in changed
    assert changed.get(plan.design.pk, {"start": "2026-03-02"})["start"] == "2026-03-02"
    pour = Task.objects.get(pk=plan.pour.pk)
    assert (pour.early_start, pour.constraint, pour.constraint_date) == (
        date(2026, 3, 9), Constraint.SNET, date(2026, 3, 9))
    assert Task.objects.get(pk=plan.cure.pk).early_start == date(2026, 3, 10)
    assert AuditEntry.objects.count() > before
    assert AuditEntry.objects.filter(event="task.moved").exists()


def test_it_refuses_a_start_before_the_predecessor_allows_and_says_why(world, plan, login):
    client = login(world.pm)
    before = _state(plan)
    response = _move(client, plan.pour, start="2026-03-03")
    assert response.status_code == 400
    answer = response.json()
    assert answer["ok"] is False
    assert "图纸审批完成" in answer["message"] and "2026-03-05" in answer["message"]
    assert _state(plan) == before


def test_it_refuses_a_day_off(world, plan, login):
    client = login(world.pm)
    before = _state(plan)
    response = _move(client, plan.pour, start="2026-03-07")  # a Saturday
    assert response.status_code == 400
    assert response.json()["message"] == "2026-03-07 不是工作日。"
    assert _state(plan) == before


def test_it_stretches_a_task_by_its_finish(world, plan, login):
    response = _move(login(world.pm), plan.pour, finish="2026-03-09")
    assert response.status_code == 200, response.content
    pour = Task.objects.get(pk=plan.pour.pk)
    assert (pour.early_start, pour.early_finish, pour.duration) == (
        date(2026, 3, 5), date(2026, 3, 9), 3 * 480)
    changed = {row["id"]: row for row in response.json()["tasks"]}
    assert changed[plan.pour.pk]["days"] == 3.0 and changed[plan.pour.pk]["finish"] == "2026-03-09"


def test_it_accepts_json_and_the_if_match_header(world, plan, login):
    client = login(world.pm)
    response = client.post(reverse("scheduling:gantt_move", args=[plan.pour.pk]),
                           json.dumps({"start": "2026-03-09"}), content_type="application/json",
                           headers={"If-Match": f'"{plan.pour.version}"'})
    assert response.status_code == 200, response.content
    assert Task.objects.get(pk=plan.pour.pk).early_start == date(2026, 3, 9)


def test_it_refuses_a_stale_version_naming_who_changed_it(world, plan, login):
    client = login(world.pm)
    before = _state(plan)
    response = _move(client, plan.pour, start="2026-03-09", version=plan.pour.version - 1)
    assert response.status_code == 412
    assert "请刷新后重新编辑" in response.json()["message"]
    assert _state(plan) == before


@pytest.mark.parametrize(("data", "message"), [
    ({"start": "2026-13-01"}, "开始日期“2026-13-01”不是有效日期，请使用 YYYY-MM-DD 格式。"),
    ({"finish": "下周一"}, "完成日期“下周一”不是有效日期，请使用 YYYY-MM-DD 格式。"),
    ({}, "请给出新的开始日期或完成日期。"),
    ({"start": "2026-03-09", "version": "v2"}, "版本号“v2”无效。"),
    ({"finish": "2026-03-02"}, "完成日期不能早于开始日期。"),
])
def test_it_refuses_bad_input_with_a_clear_message(world, plan, login, data, message):
    client = login(world.pm)
    before = _state(plan)
    response = _move(client, plan.pour, **data)
    assert response.status_code == 400
    assert response.json()["message"] == message
    assert _state(plan) == before


def test_it_refuses_a_body_that_is_not_json(world, plan, login):
    response = login(world.pm).post(reverse("scheduling:gantt_move", args=[plan.pour.pk]),
                                    "{start:", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["message"] == "请求内容不是有效的 JSON。"


def test_it_refuses_moving_a_summary_or_a_task_of_a_closed_order(world, plan, login):
    client = login(world.pm)
    response = _move(client, plan.summary, start="2026-03-09")
    assert response.status_code == 400 and response.json()["code"] == "summary"
    Order.objects.filter(pk=plan.order.pk).update(status=OrderStatus.CLOSED)
    before = _state(plan)
    response = _move(client, plan.pour, start="2026-03-09")
    assert response.status_code == 400 and response.json()["code"] == "order_closed"
    assert _state(plan) == before


@pytest.mark.parametrize(("who", "status"), [
    ("buyer", 403), ("finance", 403), ("worker", 403), ("other_pm", 404), ("outsider", 404),
    ("client", 404),
])
def test_it_lets_only_planners_move(world, plan, login, who, status):
    client = login(world.users[who])
    before = _state(plan)
    response = _move(client, plan.pour, start="2026-03-09")
    assert response.status_code == status
    if status == 403:
        assert response.json()["message"] == "你没有调整该任务计划的权限。"
    assert _state(plan) == before


def test_it_sends_strangers_to_the_login_page_and_refuses_get(world, plan, client, login):
    url = reverse("scheduling:gantt_move", args=[plan.pour.pk])
    response = client.post(url, {"start": "2026-03-09"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert login(world.pm).get(url).status_code == 405
