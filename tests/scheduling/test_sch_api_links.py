"""Task links by API: all four types with lags, a loop refused naming its tasks, edits
with If-Match, and nothing written when a link is refused."""

import json

import pytest

from eoms.audit.models import AuditEntry
from eoms.scheduling.models import TaskLink
from eoms.testing.orders_world import build_orders
from eoms.testing.scheduling_world import build_schedule

URL = "/api/v1/scheduling"


@pytest.fixture
def world(module_world, db):
    return module_world


@pytest.fixture
def plan(world):
    return build_schedule(world, build_orders(world))


def _send(client, method, path, body, **headers):
    return client.generic(method, f"{URL}/{path}", json.dumps(body),
                          content_type="application/json", headers=headers)


def _refused(client, body, status=422):
    before = (TaskLink.objects.count(), AuditEntry.objects.count())
    response = _send(client, "POST", "links", body)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert (TaskLink.objects.count(), AuditEntry.objects.count()) == before
    return response.json()


def test_it_links_two_tasks_with_a_lag(world, login, plan):
    client = login(world.pm)
    body = {"predecessor": plan.design.pk, "successor": plan.handover.pk, "type": "FS",
            "lag_days": 10}
    response = _send(client, "POST", "links", body)
    assert response.status_code == 201, response.content
    link = TaskLink.objects.get(predecessor=plan.design, successor=plan.handover)
    assert response["Location"] == f"{URL}/links/{link.pk}"
    data = response.json()
    assert (data["type"], data["lag_days"], data["predecessor_name"]) == ("FS", 10.0, "深化设计")
    assert link.lag == 4800
    handover = client.get(f"{URL}/tasks/{plan.handover.pk}").json()
    assert handover["early_start"] == "2026-03-19"  # 10 working days after 03-04


@pytest.mark.parametrize("kind", ["SS", "FF", "SF"])
def test_it_takes_every_link_type(world, login, plan, kind):
    response = _send(login(world.pm), "POST", "links",
                     {"predecessor": plan.design.pk, "successor": plan.handover.pk,
                      "type": kind, "lag_days": "-0.5"})
    assert response.status_code == 201, response.content
    assert (response.json()["type"], response.json()["lag_days"]) == (kind, -0.5)


def test_it_refuses_a_link_that_closes_a_loop_and_names_it(world, login, plan):
    client = login(world.pm)
    body = _refused(client, {"predecessor": plan.handover.pk,
                             "successor": plan.design.pk})
    [error] = body["errors"]
    assert error["field"] == "predecessor" and "循环" in error["message"]
    for name in ("深化设计", "图纸审批完成", "底板浇筑", "养护", "移交验收"):
        assert name in error["message"]


def test_it_refuses_an_unknown_link_type(world, login, plan):
    body = _refused(login(world.pm), {"predecessor": plan.design.pk,
                                      "successor": plan.handover.pk, "type": "XX"})
    assert [e["field"] for e in body["errors"]] == ["type"]
    assert "FS" in body["errors"][0]["message"]


def test_it_refuses_a_task_linked_to_itself(world, login, plan):
    body = _refused(login(world.pm), {"predecessor": plan.design.pk,
                                      "successor": plan.design.pk})
    assert body["errors"] == [{"field": "predecessor", "message": "任务不能依赖它自己。"}]


def test_it_refuses_a_link_across_orders(world, login, plan):
    body = _refused(login(world.manager), {"predecessor": plan.other_task.pk,
                                           "successor": plan.design.pk})
    assert body["errors"] == [{"field": "predecessor", "message": "只能关联同一订单的任务。"}]


def test_it_refuses_a_link_that_exists(world, login, plan):
    body = _refused(login(world.pm), {"predecessor": plan.pour.pk, "successor": plan.cure.pk})
    assert body["errors"][0]["field"] == "predecessor" and "已经是" in \
        body["errors"][0]["message"]


def test_it_names_tasks_the_user_cannot_see(world, login, plan):
    body = _refused(login(world.other_pm), {"predecessor": plan.design.pk,
                                            "successor": plan.other_task.pk})
    assert [e["field"] for e in body["errors"]] == ["predecessor"]


def test_it_names_a_lag_that_is_not_a_number(world, login, plan):
    body = _refused(login(world.pm), {"predecessor": plan.design.pk,
                                      "successor": plan.handover.pk, "lag_days": "两天"})
    assert body["errors"] == [{"field": "lag_days", "message": "应为数字。"}]


@pytest.mark.parametrize("who", ["worker", "buyer", "qc"])
def test_it_forbids_linking_to_those_who_do_not_plan(world, login, plan, who):
    _refused(login(world.users[who]), {"predecessor": plan.pour.pk,
                                       "successor": plan.handover.pk}, status=403)


def test_it_lists_the_links_of_a_task_both_ways(world, login, plan):
    response = login(world.worker).get(f"{URL}/tasks/{plan.pour.pk}/links")
    assert response.status_code == 200
    pairs = [(r["predecessor_name"], r["successor_name"], r["type"], r["lag_days"])
             for r in response.json()["results"]]
    assert pairs == [("图纸审批完成", "底板浇筑", "FS", 0.0), ("底板浇筑", "养护", "SS", 1.0)]


def test_it_changes_the_type_and_keeps_the_lag(world, login, plan):
    client = login(world.pm)
    link = TaskLink.objects.get(predecessor=plan.pour, successor=plan.cure)
    etag = client.get(f"{URL}/links/{link.pk}")["ETag"]
    response = _send(client, "PATCH", f"links/{link.pk}", {"type": "FF"},
                     **{"If-Match": etag})
    assert response.status_code == 200, response.content
    assert (response.json()["type"], response.json()["lag_days"]) == ("FF", 1.0)
    link.refresh_from_db()
    assert (link.link_type, link.lag, link.version) == ("FF", 480, 2)


def test_it_needs_if_match_to_change_a_link(world, login, plan):
    link = TaskLink.objects.get(predecessor=plan.pour, successor=plan.cure)
    response = _send(login(world.pm), "PATCH", f"links/{link.pk}", {"lag_days": 3})
    assert response.status_code == 428
    link.refresh_from_db()
    assert link.lag == 480


def test_it_deletes_a_link(world, login, plan):
    link = TaskLink.objects.get(predecessor=plan.cure, successor=plan.handover)
    assert login(world.pm).delete(f"{URL}/links/{link.pk}").status_code == 204
    assert not TaskLink.objects.filter(pk=link.pk).exists()
    assert AuditEntry.objects.filter(event="task.unlinked").exists()


def test_it_hides_a_link_from_an_outsider(world, login, plan):
    link = TaskLink.objects.get(predecessor=plan.cure, successor=plan.handover)
    assert login(world.outsider).get(f"{URL}/links/{link.pk}").status_code == 404
    assert login(world.outsider).delete(f"{URL}/links/{link.pk}").status_code == 404
    assert TaskLink.objects.filter(pk=link.pk).exists()
