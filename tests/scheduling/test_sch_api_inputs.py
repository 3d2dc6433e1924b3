"""Bad task bodies by API: problem+json naming each field at fault, in Chinese, and
nothing written (no task, no schedule, no audit entry)."""

import json

import pytest

from eoms.audit.models import AuditEntry
from eoms.scheduling.models import Schedule, Task
from eoms.testing.orders_world import build_orders, draft_order
from eoms.testing.scheduling_world import build_schedule

URL = "/api/v1/scheduling/tasks"


@pytest.fixture
def world(module_world, db):
    return module_world


@pytest.fixture
def plan(world):
    return build_schedule(world, build_orders(world))


@pytest.fixture
def client(world, login):
    return login(world.pm)


def _state():
    return (Task.objects.count(), Schedule.objects.count(), AuditEntry.objects.count(),
            list(Task.objects.order_by("pk").values_list("version", flat=True)))


def _refused(client, method, url, body, status=422, **headers):
    before = _state()
    response = client.generic(method, url, json.dumps(body), content_type="application/json",
                              headers=headers)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert _state() == before, "a refused body wrote something"
    return {e["field"]: e["message"] for e in response.json().get("errors", [])}


def _new(plan, **body):
    return {"order": plan.order.code, "name": "钢筋绑扎", **body}


def test_it_names_a_negative_duration(client, plan):
    errors = _refused(client, "POST", URL, _new(plan, duration_days=-2))
    assert errors == {"duration_days": "工期不能为负数。"}


def test_it_names_a_duration_that_is_not_a_number(client, plan):
    errors = _refused(client, "POST", URL, _new(plan, duration_days="三天"))
    assert errors == {"duration_days": "应为数字。"}


def test_it_names_a_dated_constraint_without_its_date(client, plan):
    errors = _refused(client, "POST", URL, _new(plan, constraint="MSO"))
    assert errors == {"constraint_date": "“必须开始于”需要填写限制日期。"}


def test_it_names_an_unknown_constraint(client, plan):
    errors = _refused(client, "POST", URL, _new(plan, constraint="SOON"))
    assert list(errors) == ["constraint"] and "ASAP" in errors["constraint"]


@pytest.mark.parametrize("value", ["2026/03/10", "下周一", "2026-02-30"])
def test_it_names_a_date_in_another_format(client, plan, value):
    errors = _refused(client, "POST", URL, _new(plan, constraint="SNET",
                                                 constraint_date=value))
    assert list(errors) == ["constraint_date"] and "YYYY-MM-DD" in errors["constraint_date"]


def test_it_names_every_unknown_reference_at_once(client, plan):
    errors = _refused(client, "POST", URL, _new(plan, owner="nobody", crew="BZ-NOPE",
                                                 calendar="CAL-NOPE", parent=999999))
    assert set(errors) == {"owner", "crew", "calendar", "parent"}
    assert "nobody" in errors["owner"] and "BZ-NOPE" in errors["crew"]


def test_it_names_a_parent_of_another_order(world, login, plan):
    errors = _refused(login(world.manager), "POST", URL,
                      _new(plan, parent=plan.other_task.pk))
    assert errors == {"parent": "上级任务必须属于同一订单。"}


def test_it_names_a_milestone_as_parent(client, plan):
    errors = _refused(client, "POST", URL, _new(plan, parent=plan.drawings.pk))
    assert errors == {"parent": "里程碑不能作为上级任务。"}


def test_it_names_a_missing_name_and_an_unknown_field(client, plan):
    errors = _refused(client, "POST", URL, {"order": plan.order.code, "colour": "red"})
    assert errors == {"name": "此项为必填项。", "colour": "不允许此字段。"}


def test_it_names_a_negative_cost(client, plan):
    errors = _refused(client, "POST", URL, _new(plan, planned_cost="-1"))
    assert errors == {"planned_cost": "不能小于 0。"}


def test_a_refused_first_task_leaves_no_schedule_behind(world, client, ctx):
    order = draft_order(world)
    errors = _refused(client, "POST", URL, {"order": order.code, "name": "首个任务",
                                            "duration_days": -1})
    assert list(errors) == ["duration_days"]
    assert not Schedule.objects.filter(order=order).exists()


def test_it_names_a_null_for_a_field_that_needs_a_value(client, plan):
    errors = _refused(client, "PATCH", f"{URL}/{plan.design.pk}",
                      {"name": None, "duration_days": None},
                      **{"If-Match": f'"{plan.design.version}"'})
    assert errors == {"name": "不能为空。", "duration_days": "不能为空。"}


def test_it_moves_a_task_under_its_own_child_nowhere(world, login, plan):
    errors = _refused(login(world.manager), "PATCH", f"{URL}/{plan.summary.pk}",
                      {"parent": plan.pour.pk}, **{"If-Match": f'"{plan.summary.version}"'})
    assert errors == {"parent": "不能把任务放到它自己的下级任务之下。"}


def test_it_needs_if_match_to_edit_a_task(client, plan):
    _refused(client, "PATCH", f"{URL}/{plan.design.pk}", {"name": "改名"}, status=428)


def test_it_refuses_a_stale_edit_and_says_the_current_version(client, plan):
    before = _state()
    response = client.patch(f"{URL}/{plan.design.pk}", json.dumps({"name": "改名"}),
                            content_type="application/json",
                            headers={"If-Match": f'"{plan.design.version + 1}"'})
    assert response.status_code == 412
    assert response.json()["current_etag"] == f'"{plan.design.version}"'
    assert _state() == before


def test_it_refuses_a_body_that_is_not_json(client, plan):
    before = _state()
    response = client.post(URL, "{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"
    assert _state() == before


def test_it_refuses_tasks_on_a_closed_order(world, client, plan, ctx):
    from eoms.orders.models import Order

    Order.objects.filter(pk=plan.order.pk).update(status="cancelled")
    before = _state()
    response = client.post(URL, json.dumps(_new(plan)), content_type="application/json")
    assert response.status_code == 409
    assert plan.order.code in response.json()["detail"]
    assert _state() == before
