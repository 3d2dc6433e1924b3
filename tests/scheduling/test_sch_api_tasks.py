"""The tasks API: a list with filters, a task with its ETag, create by codes, edit with
If-Match (successors follow), delete; who sees and who plans which tasks."""

import json

import pytest

from eoms.audit.models import AuditEntry
from eoms.scheduling.models import Task
from eoms.testing.orders_world import build_orders
from eoms.testing.scheduling_world import build_schedule

URL = "/api/v1/scheduling/tasks"
PLAN_ORDER = ["主体施工", "图纸审批完成", "深化设计", "底板浇筑", "养护", "移交验收"]


@pytest.fixture
def world(module_world, db):
    return module_world


@pytest.fixture
def plan(world):
    return build_schedule(world, build_orders(world))


def _send(client, method, url, body, **headers):
    return client.generic(method, url, json.dumps(body), content_type="application/json",
                          headers=headers)


def _names(response):
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def test_it_lists_the_tasks_of_an_order_in_plan_order(world, login, plan):
    response = login(world.pm).get(URL, {"order": plan.order.code})
    assert _names(response) == PLAN_ORDER
    rows = {row["name"]: row for row in response.json()["results"]}
    assert rows["主体施工"]["is_summary"] and rows["主体施工"]["duration_days"] is None
    pour = rows["底板浇筑"]
    assert (pour["wbs"], pour["parent"], pour["owner"]) == ("1.2", plan.summary.pk, "worker")
    assert (pour["duration_days"], pour["early_start"], pour["early_finish"]) == (
        2.0, "2026-03-05", "2026-03-06")
    assert rows["养护"]["crew"] == "BZ-T01" and rows["图纸审批完成"]["milestone"] == \
        "drawings_approved"
    assert response.json()["count"] == 6


def test_it_finds_the_order_by_id_too(world, login, plan):
    assert _names(login(world.pm).get(URL, {"order": plan.order.pk})) == PLAN_ORDER


def test_it_shows_a_worker_only_his_own_and_his_crews_tasks(world, login, plan):
    assert _names(login(world.worker).get(URL)) == ["底板浇筑", "养护"]
    assert _names(login(world.worker).get(URL, {"owner": "me"})) == ["底板浇筑"]


def test_it_shows_a_project_manager_only_the_orders_of_his_projects(world, login, plan):
    assert "配电箱安装" not in _names(login(world.pm).get(URL))
    assert _names(login(world.other_pm).get(URL)) == ["配电箱安装"]


def test_it_filters_milestones_and_summaries(world, login, plan):
    client = login(world.manager)
    assert _names(client.get(URL, {"milestone": "true"})) == ["图纸审批完成"]
    assert "主体施工" not in _names(client.get(URL, {"summary": "false"}))


def test_it_filters_overdue_tasks_and_leaves_out_finished_ones(world, login, plan, ctx):
    from django.utils import timezone

    from eoms.scheduling import services

    services.report_progress(plan.design, actor=world.manager, percent=100)
    today = timezone.localdate()
    expected = [t.name for t in Task.objects.filter(order=plan.order, is_summary=False)
                .exclude(status="done").order_by("position") if t.early_finish < today]
    names = _names(login(world.manager).get(URL, {"order": plan.order.code, "overdue": "true"}))
    assert names == expected and "深化设计" not in names
    assert "深化设计" in _names(login(world.manager).get(URL, {"order": plan.order.code,
                                                          "overdue": "false"}))


def test_it_sorts_by_an_indexed_field(world, login, plan):
    response = login(world.manager).get(URL, {"order": plan.order.code,
                                              "ordering": "-early_finish"})
    finishes = [row["early_finish"] for row in response.json()["results"]]
    assert finishes == sorted(finishes, reverse=True) and finishes[0] == "2026-03-12"


def test_it_refuses_to_sort_by_a_field_without_index(world, login, plan):
    response = login(world.manager).get(URL, {"ordering": "name"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "ordering"


def test_it_forbids_the_task_list_to_a_customer(world, login, plan):
    response = login(world.client).get(URL)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("who", ["outsider", "client", "other_pm"])
def test_it_hides_a_task_outside_the_users_scope(world, login, plan, who):
    response = login(world.users[who]).get(f"{URL}/{plan.pour.pk}")
    assert response.status_code == 404
    assert "底板浇筑" not in response.content.decode()


def test_it_hides_from_a_worker_the_tasks_that_are_not_his(world, login, plan):
    assert login(world.worker).get(f"{URL}/{plan.design.pk}").status_code == 404
    assert login(world.worker).get(f"{URL}/{plan.pour.pk}").status_code == 200


def test_it_reads_a_task_with_its_etag(world, login, plan):
    response = login(world.qc).get(f"{URL}/{plan.pour.pk}")
    assert response.status_code == 200
    assert response["ETag"] == f'"{plan.pour.version}"'
    assert response.json()["order"] == plan.order.code


def test_it_creates_a_task_named_by_codes(world, login, plan):
    body = {"order": plan.order.code, "name": "钢筋绑扎", "parent": plan.summary.pk,
            "owner": "worker", "crew": "BZ-T01", "duration_days": "2.5",
            "constraint": "SNET", "constraint_date": "2026-03-10", "planned_cost": "1200.50",
            "external_id": "UID-77"}
    response = _send(login(world.pm), "POST", URL, body)
    assert response.status_code == 201, response.content
    task = Task.objects.get(name="钢筋绑扎")
    assert response["Location"] == f"{URL}/{task.pk}"
    assert response["ETag"] == f'"{task.version}"'
    data = response.json()
    assert (data["wbs"], data["owner"], data["crew"], data["duration_days"]) == (
        "1.4", "worker", "BZ-T01", 2.5)
    assert data["early_start"] == "2026-03-10" and data["constraint"] == "SNET"
    assert task.duration == 1200  # 2.5 days of 8 hours, in working minutes
    assert AuditEntry.objects.for_object(task).filter(event="task.created").exists()


def test_it_creates_a_task_on_an_order_named_by_id(world, login, plan):
    response = _send(login(world.manager), "POST", URL,
                     {"order": plan.order.pk, "name": "场地清理", "duration_days": 1})
    assert response.status_code == 201, response.content
    assert response.json()["order"] == plan.order.code


@pytest.mark.parametrize("who", ["worker", "buyer", "qc", "finance", "client"])
def test_it_forbids_planning_to_roles_that_do_not_plan(world, login, plan, who):
    before = Task.objects.count()
    response = _send(login(world.users[who]), "POST", URL,
                     {"order": plan.order.code, "name": "越权任务"})
    assert response.status_code == 403
    assert Task.objects.count() == before


def test_it_does_not_find_an_order_outside_the_planners_projects(world, login, plan):
    response = _send(login(world.other_pm), "POST", URL,
                     {"order": plan.order.code, "name": "越权任务"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["order"]
    assert not Task.objects.filter(name="越权任务").exists()


def test_it_edits_a_task_and_its_successors_follow(world, login, plan):
    client = login(world.pm)
    etag = client.get(f"{URL}/{plan.design.pk}")["ETag"]
    response = _send(client, "PATCH", f"{URL}/{plan.design.pk}", {"duration_days": 5},
                     **{"If-Match": etag})
    assert response.status_code == 200, response.content
    assert response.json()["duration_days"] == 5.0
    assert response["ETag"] == f'"{plan.design.version + 1}"'
    pour = client.get(f"{URL}/{plan.pour.pk}").json()
    assert pour["early_start"] == "2026-03-09"  # was 03-05: two more days of design


def test_it_clears_the_owner_with_null(world, login, plan):
    client = login(world.pm)
    response = _send(client, "PATCH", f"{URL}/{plan.pour.pk}", {"owner": None},
                     **{"If-Match": f'"{plan.pour.version}"'})
    assert response.status_code == 200, response.content
    assert response.json()["owner"] is None


def test_a_worker_may_not_edit_even_his_own_task(world, login, plan):
    response = _send(login(world.worker), "PATCH", f"{URL}/{plan.pour.pk}",
                     {"name": "改名"}, **{"If-Match": f'"{plan.pour.version}"'})
    assert response.status_code == 403
    plan.pour.refresh_from_db()
    assert plan.pour.name == "底板浇筑"


def test_it_deletes_a_task_and_recomputes(world, login, plan):
    response = login(world.pm).delete(f"{URL}/{plan.handover.pk}")
    assert response.status_code == 204
    assert not Task.objects.filter(pk=plan.handover.pk).exists()
    assert AuditEntry.objects.filter(event="task.deleted").exists()


def test_it_forbids_a_buyer_to_delete_a_task_he_sees(world, login, plan):
    assert login(world.buyer).get(f"{URL}/{plan.handover.pk}").status_code == 200
    assert login(world.buyer).delete(f"{URL}/{plan.handover.pk}").status_code == 403
    assert Task.objects.filter(pk=plan.handover.pk).exists()
