"""Progress from the field and moves from the Gantt, by API: who may report, who may
plan, and a move the schedule cannot take refused with the reason, writing nothing."""

import json

import pytest
from django.utils import timezone

from eoms.audit.models import AuditEntry
from eoms.scheduling.models import Task
from eoms.testing.orders_world import build_orders
from eoms.testing.scheduling_world import build_schedule

URL = "/api/v1/scheduling/tasks"


@pytest.fixture
def world(module_world, db):
    return module_world


@pytest.fixture
def plan(world):
    return build_schedule(world, build_orders(world))


def _post(client, path, body, **headers):
    return client.post(f"{URL}/{path}", data=json.dumps(body), content_type="application/json",
                       headers=headers)


def _unchanged(task):
    fields = ("version", "percent_complete", "actual_start", "actual_finish", "status",
              "constraint", "constraint_date", "duration", "early_start")
    before = {f: getattr(task, f) for f in fields}
    entries = AuditEntry.objects.count()

    def check():
        fresh = Task.objects.get(pk=task.pk)
        assert {f: getattr(fresh, f) for f in fields} == before, "a refused request wrote"
        assert AuditEntry.objects.count() == entries

    return check


def _problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


def test_the_owner_reports_progress_on_his_task(world, login, plan):
    response = _post(login(world.worker), f"{plan.pour.pk}/progress", {"percent": 40})
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["percent_complete"], data["status"]) == (40, "in_progress")
    assert data["actual_start"] == timezone.localdate().isoformat()
    assert AuditEntry.objects.filter(event="task.progress").exists()


def test_the_crew_leader_reports_progress_on_his_crews_task(world, login, plan):
    response = _post(login(world.worker), f"{plan.cure.pk}/progress",
                     {"percent": 100, "actual_start": "2026-03-06",
                      "actual_finish": "2026-03-12"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["status"], data["actual_finish"], data["percent_complete"]) == (
        "done", "2026-03-12", 100)


@pytest.mark.parametrize("who", ["buyer", "qc", "finance", "auditor"])
def test_it_forbids_progress_to_those_who_only_read_the_task(world, login, plan, who):
    client = login(world.users[who])
    check = _unchanged(plan.pour)
    assert client.get(f"{URL}/{plan.pour.pk}").status_code == 200
    _problem(_post(client, f"{plan.pour.pk}/progress", {"percent": 40}), 403)
    check()


def test_it_hides_another_workers_task_from_the_worker(world, login, plan):
    _problem(_post(login(world.worker), f"{plan.design.pk}/progress", {"percent": 40}), 404)


def test_it_refuses_a_percent_over_100(world, login, plan):
    client = login(world.worker)
    check = _unchanged(plan.pour)
    body = _problem(_post(client, f"{plan.pour.pk}/progress",
                          {"percent": 150}), 422)
    assert body["errors"] == [{"field": "percent", "message": "不能大于 100。"}]
    check()


def test_it_refuses_a_finish_before_the_start(world, login, plan):
    client = login(world.worker)
    check = _unchanged(plan.pour)
    body = _problem(_post(client, f"{plan.pour.pk}/progress",
                          {"actual_start": "2026-03-10", "actual_finish": "2026-03-05"}), 422)
    assert body["errors"] == [{"field": "actual_finish",
                               "message": "实际完成日期不能早于实际开始日期。"}]
    check()


def test_it_refuses_a_date_in_another_format(world, login, plan):
    body = _problem(_post(login(world.worker), f"{plan.pour.pk}/progress",
                          {"actual_start": "2026年3月5日"}), 422)
    assert body["errors"][0]["field"] == "actual_start"
    assert "YYYY-MM-DD" in body["errors"][0]["message"]


def test_it_asks_for_something_to_report(world, login, plan):
    body = _problem(_post(login(world.worker), f"{plan.pour.pk}/progress", {}), 422)
    assert body["errors"][0]["field"] == "body"


def test_it_refuses_progress_on_a_summary_task(world, login, plan):
    client = login(world.pm)
    check = _unchanged(plan.summary)
    body = _problem(_post(client, f"{plan.summary.pk}/progress", {"percent": 10}),
                    409)
    assert "汇总" in body["detail"]
    check()


def test_it_refuses_progress_against_a_stale_version(world, login, plan):
    client = login(world.worker)
    check = _unchanged(plan.pour)
    _problem(_post(client, f"{plan.pour.pk}/progress", {"percent": 10},
                   **{"If-Match": '"999"'}), 412)
    check()


# --- moves ----------------------------------------------------------------------------------

def test_a_planner_moves_a_task_and_the_successors_follow(world, login, plan):
    client = login(world.pm)
    response = _post(client, f"{plan.design.pk}/move", {"start": "2026-03-09"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["early_start"], data["constraint"], data["constraint_date"]) == (
        "2026-03-09", "SNET", "2026-03-09")
    assert client.get(f"{URL}/{plan.pour.pk}").json()["early_start"] == "2026-03-12"


def test_a_planner_stretches_a_task_by_its_finish(world, login, plan):
    response = _post(login(world.pm), f"{plan.design.pk}/move", {"finish": "2026-03-06"})
    assert response.status_code == 200, response.content
    assert (response.json()["duration_days"], response.json()["early_finish"]) == (
        5.0, "2026-03-06")


def test_it_refuses_a_move_to_a_day_off(world, login, plan):
    client = login(world.pm)
    check = _unchanged(plan.design)
    body = _problem(_post(client, f"{plan.design.pk}/move", {"start": "2026-03-07"}),
                    422)
    assert body["errors"] == [{"field": "start", "message": "2026-03-07 不是工作日。"}]
    check()


def test_it_refuses_a_move_before_the_predecessors_allow_and_says_why(world, login, plan):
    client = login(world.pm)
    check = _unchanged(plan.pour)
    body = _problem(_post(client, f"{plan.pour.pk}/move", {"start": "2026-03-03"}),
                    422)
    [error] = body["errors"]
    assert error["field"] == "start"
    assert "图纸审批完成" in error["message"] and "2026-03-05" in error["message"]
    check()


def test_it_refuses_to_move_a_started_task(world, login, plan, ctx):
    from eoms.scheduling import services

    services.report_progress(plan.pour, actor=world.manager, percent=20)
    started = Task.objects.get(pk=plan.pour.pk)
    client = login(world.pm)
    check = _unchanged(started)
    body = _problem(_post(client, f"{plan.pour.pk}/move", {"start": "2026-03-10"}),
                    409)
    assert "开工" in body["detail"] and body["code"] == "started"
    check()


def test_it_asks_for_a_start_or_a_finish(world, login, plan):
    body = _problem(_post(login(world.pm), f"{plan.design.pk}/move", {}), 422)
    assert body["errors"][0]["field"] == "body"


def test_a_worker_may_not_move_his_own_task(world, login, plan):
    client = login(world.worker)
    check = _unchanged(plan.pour)
    _problem(_post(client, f"{plan.pour.pk}/move", {"start": "2026-03-10"}), 403)
    check()


def test_it_refuses_a_move_against_a_stale_version(world, login, plan):
    client = login(world.pm)
    check = _unchanged(plan.design)
    _problem(_post(client, f"{plan.design.pk}/move", {"start": "2026-03-09"},
                   **{"If-Match": f'"{plan.design.version + 5}"'}), 412)
    check()
