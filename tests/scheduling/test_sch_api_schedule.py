"""An order's schedule by API: settings with If-Match, recompute, warnings in words, the
critical path, the CPM table as the CLI prints it, and baselines with their variance."""

import json

import pytest

from eoms.audit.models import AuditEntry
from eoms.core.context import Channel, acting
from eoms.scheduling import services
from eoms.scheduling.models import Baseline, Schedule
from eoms.testing.orders_world import build_orders, draft_order
from eoms.testing.scheduling_world import build_schedule

URL = "/api/v1/scheduling"
CPM_KEYS = {"external_id", "name", "is_summary", "early_start", "early_finish", "late_start",
            "late_finish", "total_float", "free_float", "critical"}


@pytest.fixture
def world(module_world, db):
    return module_world


@pytest.fixture
def plan(world):
    return build_schedule(world, build_orders(world))


def _send(client, method, path, body, **headers):
    return client.generic(method, f"{URL}/{path}", json.dumps(body),
                          content_type="application/json", headers=headers)


def test_it_reads_the_schedule_by_order_code_or_id(world, login, plan):
    client = login(world.pm)
    by_code = client.get(f"{URL}/orders/{plan.order.code}/schedule")
    by_id = client.get(f"{URL}/orders/{plan.order.pk}/schedule")
    assert by_code.status_code == by_id.status_code == 200
    assert by_code.json() == by_id.json()
    data = by_code.json()
    assert (data["start"], data["finish"], data["warnings"]) == ("2026-03-02", "2026-03-12", [])
    assert data["computed_at"] and by_code["ETag"] == f'"{plan.schedule.version}"'


@pytest.mark.parametrize("who", ["client", "worker", "outsider", "other_pm"])
def test_it_hides_the_schedule_from_those_who_do_not_plan_or_follow_it(world, login, plan,
                                                                        who):
    for path in ("schedule", "critical-path", "cpm", "baselines"):
        response = login(world.users[who]).get(f"{URL}/orders/{plan.order.pk}/{path}")
        assert response.status_code == 404, (path, response.content)


def test_it_says_when_an_order_has_no_schedule_yet(world, login, plan, ctx):
    order = draft_order(world)
    response = login(world.pm).get(f"{URL}/orders/{order.code}/schedule")
    assert response.status_code == 404
    assert order.code in response.json()["detail"]


def test_it_moves_the_start_and_everything_follows(world, login, plan):
    client = login(world.pm)
    response = _send(client, "PATCH", f"orders/{plan.order.code}/schedule",
                     {"start": "2026-03-09"}, **{"If-Match": f'"{plan.schedule.version}"'})
    assert response.status_code == 200, response.content
    assert (response.json()["start"], response.json()["finish"]) == ("2026-03-09", "2026-03-19")
    assert response["ETag"] == f'"{plan.schedule.version + 1}"'


def test_it_needs_if_match_to_change_a_schedule(world, login, plan):
    response = _send(login(world.pm), "PATCH", f"orders/{plan.order.code}/schedule",
                     {"start": "2026-03-09"})
    assert response.status_code == 428
    assert Schedule.objects.get(pk=plan.schedule.pk).start.isoformat() == "2026-03-02"


def test_it_refuses_a_stale_schedule_edit(world, login, plan):
    response = _send(login(world.pm), "PATCH", f"orders/{plan.order.code}/schedule",
                     {"start": "2026-03-09"}, **{"If-Match": '"77"'})
    assert response.status_code == 412
    assert response.json()["current_etag"] == f'"{plan.schedule.version}"'


def test_it_names_an_unknown_calendar_and_a_null_start(world, login, plan):
    response = _send(login(world.pm), "PATCH", f"orders/{plan.order.code}/schedule",
                     {"calendar": "CAL-NOPE", "start": None},
                     **{"If-Match": f'"{plan.schedule.version}"'})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"calendar", "start"}


def test_it_makes_the_schedule_of_an_order_that_has_none(world, login, plan, ctx):
    order = draft_order(world)
    response = _send(login(world.pm), "PATCH", f"orders/{order.code}/schedule",
                     {"start": "2026-04-01", "calendar": plan.calendar.code})
    assert response.status_code == 200, response.content
    assert (response.json()["start"], response.json()["calendar"]) == (
        "2026-04-01", plan.calendar.code)


def test_it_forbids_a_buyer_to_change_the_schedule_he_reads(world, login, plan):
    client = login(world.buyer)
    assert client.get(f"{URL}/orders/{plan.order.code}/schedule").status_code == 200
    response = _send(client, "PATCH", f"orders/{plan.order.code}/schedule",
                     {"start": "2026-03-09"}, **{"If-Match": f'"{plan.schedule.version}"'})
    assert response.status_code == 403


def test_it_recomputes_on_request(world, login, plan):
    response = login(world.pm).post(f"{URL}/orders/{plan.order.code}/schedule/recompute")
    assert response.status_code == 200
    assert AuditEntry.objects.filter(event="schedule.recomputed").exists()
    assert login(world.buyer).post(
        f"{URL}/orders/{plan.order.code}/schedule/recompute").status_code == 403


def test_it_explains_a_constraint_the_schedule_cannot_keep(world, login, plan, ctx):
    services.update_task(plan.handover, actor=world.manager,
                         data={"constraint": "FNLT", "constraint_date": "2026-03-05"})
    data = login(world.pm).get(f"{URL}/orders/{plan.order.code}/schedule").json()
    assert {"task": plan.handover.pk, "code": "constraint_violated",
            "message": "任务“移交验收”的限制条件无法满足。"} in data["warnings"]


def test_it_warns_of_years_whose_holidays_are_not_known(world, login, plan, ctx):
    from eoms.scheduling import services_plan

    services_plan.update_schedule(plan.order, actor=world.manager, data={"start": "2027-12-20"})
    warnings = login(world.pm).get(f"{URL}/orders/{plan.order.code}/schedule").json()["warnings"]
    assert any(w["code"] == "calendar_no_data:2027" and "2027 年" in w["message"]
               for w in warnings), warnings


def test_it_lists_the_critical_path_in_order(world, login, plan, ctx):
    services.create_task(plan.order, actor=world.manager,
                         data={"name": "临时设施", "duration_days": 2})
    response = login(world.buyer).get(f"{URL}/orders/{plan.order.code}/critical-path")
    assert response.status_code == 200
    assert [t["name"] for t in response.json()] == ["深化设计", "图纸审批完成", "底板浇筑",
                                                    "养护", "移交验收"]


def test_it_answers_the_cpm_table_as_the_cli_prints_it(world, login, plan, ctx):
    services.create_task(plan.order, actor=world.manager,
                         data={"name": "临时设施", "duration_days": 2, "external_id": "17"})
    response = login(world.pm).get(f"{URL}/orders/{plan.order.code}/cpm")
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json()}
    assert all(set(row) == CPM_KEYS for row in rows.values())
    spare = rows["临时设施"]
    assert (spare["external_id"], spare["early_start"], spare["early_finish"]) == (
        "17", "2026-03-02", "2026-03-03")
    assert (spare["late_finish"], spare["total_float"], spare["critical"]) == (
        "2026-03-12", 7.0, False)
    assert rows["主体施工"]["is_summary"] and rows["底板浇筑"]["external_id"] is None


# --- baselines --------------------------------------------------------------------------------

def test_it_saves_a_baseline_and_shows_the_variance_after_a_slip(world, login, plan):
    client = login(world.pm)
    response = _send(client, "POST", f"orders/{plan.order.code}/baselines",
                     {"name": "合同基线", "note": "签约时"})
    assert response.status_code == 201, response.content
    baseline = Baseline.objects.get(name="合同基线")
    assert response["Location"] == f"{URL}/baselines/{baseline.pk}"
    assert (response.json()["task_count"], response.json()["created_by"]) == (6, "pm")
    _send(client, "POST", f"tasks/{plan.design.pk}/move", {"start": "2026-03-04"})
    detail = client.get(f"{URL}/baselines/{baseline.pk}").json()
    snap = {row["name"]: row for row in detail["tasks"]}
    assert (snap["底板浇筑"]["start"], snap["底板浇筑"]["duration_days"]) == ("2026-03-05", 2.0)
    slip = {row["name"]: row for row in detail["variance"]}["底板浇筑"]
    assert (slip["baseline_finish"], slip["current_finish"], slip["finish_variance_days"]) == (
        "2026-03-06", "2026-03-10", 2.0)


def test_it_lists_the_baselines_of_an_order(world, login, plan, ctx):
    from eoms.scheduling import services_plan

    for name in ("第一版", "第二版"):
        services_plan.save_baseline(plan.order, actor=world.manager, name=name)
    response = login(world.qc).get(f"{URL}/orders/{plan.order.code}/baselines")
    assert response.status_code == 200
    assert [b["name"] for b in response.json()["results"]] == ["第二版", "第一版"]


def test_it_refuses_a_baseline_name_used_before(world, login, plan, ctx):
    from eoms.scheduling import services_plan

    services_plan.save_baseline(plan.order, actor=world.manager, name="合同基线")
    client = login(world.pm)
    before = Baseline.objects.count()
    response = _send(client, "POST", f"orders/{plan.order.code}/baselines",
                     {"name": "合同基线"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"
    assert Baseline.objects.count() == before


def test_it_forbids_a_buyer_to_save_or_delete_baselines(world, login, plan, ctx):
    from eoms.scheduling import services_plan

    baseline = services_plan.save_baseline(plan.order, actor=world.manager, name="合同基线")
    client = login(world.buyer)
    assert _send(client, "POST", f"orders/{plan.order.code}/baselines",
                 {"name": "采购基线"}).status_code == 403
    assert client.delete(f"{URL}/baselines/{baseline.pk}").status_code == 403
    assert Baseline.objects.count() == 1


def test_it_deletes_a_baseline(world, login, plan, ctx):
    from eoms.scheduling import services_plan

    baseline = services_plan.save_baseline(plan.order, actor=world.manager, name="合同基线")
    assert login(world.pm).delete(f"{URL}/baselines/{baseline.pk}").status_code == 204
    assert not Baseline.objects.exists()
    assert login(world.pm).get(f"{URL}/baselines/{baseline.pk}").status_code == 404


def test_it_refuses_a_baseline_of_an_order_without_tasks(world, login, plan):
    with acting(Channel.TEST):
        order = draft_order(world)
    response = _send(login(world.pm), "POST", f"orders/{order.code}/baselines",
                     {"name": "空基线"})
    assert response.status_code == 409
    assert "没有任务" in response.json()["detail"]


def test_the_cpm_table_equals_the_cli_output_even_on_a_crew_calendar(world, login, plan, ctx):
    import io

    from django.core.management import call_command

    from eoms.scheduling import services_plan

    services_plan.save_calendar(None, actor=world.manager, data={
        "name": "班组两班倒", "crew": world.crew, "intervals": [["06:00", "18:00"]]})
    services.create_task(plan.order, actor=world.manager,
                         data={"name": "临时设施", "duration_days": 2, "external_id": "17"})
    out = io.StringIO()
    call_command("schedule", "cpm", plan.order.code, "--json", "--user", "pm", stdout=out)
    api = login(world.pm).get(f"{URL}/orders/{plan.order.code}/cpm").json()
    assert api == json.loads(out.getvalue())
    assert {row["name"]: row["total_float"] for row in api}["临时设施"] == 5
    cure = login(world.pm).get(f"{URL}/tasks/{plan.cure.pk}").json()
    assert cure["duration_days"] == 3.333  # 5 days of 8 hours on the crew's 12-hour days
