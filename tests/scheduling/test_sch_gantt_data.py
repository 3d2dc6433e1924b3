"""The JSON the Gantt chart reads: outline order, dates as day numbers, flags, links of
all four types, baselines, and what each role sees and may drag."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from eoms.orders.choices import OrderStatus
from eoms.orders.models import Order
from eoms.scheduling import gantt_data, services, services_plan
from eoms.scheduling.gantt_data import (
    AFTER_PREDECESSOR,
    CRITICAL,
    DONE,
    EDITABLE,
    FIELDS,
    MILESTONE,
    OVERDUE,
    SUMMARY,
)
from eoms.scheduling.models import Task
from eoms.testing.orders_world import build_orders
from eoms.testing.scheduling_world import build_schedule


@pytest.fixture
def world(module_world, db):
    return module_world


@pytest.fixture
def plan(world, ctx):
    return build_schedule(world, build_orders(world))  # the module's world: fresh orders


def _doc(client, order):
    response = client.get(reverse("scheduling:gantt_order_data", args=[order.pk]))
    assert response.status_code == 200, response.content[:300]
    return response.json()


def _rows(doc):
    return {row[0]: dict(zip(FIELDS, row, strict=True)) for row in gantt_data.decode(doc)}


def _day(doc, value):
    return (value - date.fromisoformat(doc["origin"])).days


def test_it_sends_the_tasks_in_outline_order_with_their_dates(world, plan, login):
    doc = _doc(login(world.pm), plan.order)
    names = [row[FIELDS.index("name")] for row in gantt_data.decode(doc)]
    assert names == ["主体施工", "深化设计", "底板浇筑", "养护", "图纸审批完成", "移交验收"]
    rows = _rows(doc)
    pour = rows[plan.pour.pk]
    assert pour["wbs"] == "1.2" and pour["depth"] == 1
    assert gantt_data.decode(doc)[pour["parent"]][0] == plan.summary.pk
    assert (pour["start"], pour["finish"]) == (_day(doc, plan.pour.early_start),
                                               _day(doc, plan.pour.early_finish))
    assert pour["days"] == 2.0 and pour["owner"] == "孙施工"
    assert rows[plan.summary.pk]["days"] == 9.0  # 2026-03-02 … 03-12, working days


def test_it_flags_critical_tasks_milestones_and_summaries(world, plan, login):
    rows = _rows(_doc(login(world.pm), plan.order))
    drawings = rows[plan.drawings.pk]["flags"]
    assert drawings & MILESTONE and drawings & AFTER_PREDECESSOR and drawings & CRITICAL
    assert rows[plan.summary.pk]["flags"] & SUMMARY
    assert not rows[plan.pour.pk]["flags"] & (SUMMARY | MILESTONE)
    for task in (plan.design, plan.pour, plan.cure, plan.handover):
        task.refresh_from_db()
        assert bool(rows[task.pk]["flags"] & CRITICAL) == task.critical


def test_it_marks_overdue_tasks_but_not_finished_ones(world, plan, login, ctx):
    services.report_progress(plan.design, actor=world.manager, percent=100,
                             actual_start=plan.design.early_start,
                             actual_finish=plan.design.early_finish)
    rows = _rows(_doc(login(world.pm), plan.order))
    design = rows[plan.design.pk]["flags"]
    assert design & DONE and not design & OVERDUE
    late = plan.handover.early_finish < timezone.localdate()
    assert bool(rows[plan.handover.pk]["flags"] & OVERDUE) == late


def test_it_links_the_rows_with_all_four_link_types(world, plan, login):
    doc = _doc(login(world.pm), plan.order)
    ids = [row[0] for row in gantt_data.decode(doc)]
    links = {(ids[a], ids[b]): (kind, critical)
             for a, b, kind, critical in gantt_data.decode_links(doc)}
    assert links[(plan.design.pk, plan.drawings.pk)][0] == 0  # FS
    assert links[(plan.pour.pk, plan.cure.pk)][0] == 1  # SS
    assert links[(plan.cure.pk, plan.handover.pk)][0] == 2  # FF
    assert len(links) == 4


def test_it_sends_a_start_to_finish_link_as_type_3(world, plan, login, ctx):
    extra = services.create_task(plan.order, actor=world.manager,
                                 data={"name": "临时围挡拆除", "duration_days": 1})
    services.add_link(plan.design, extra, actor=world.manager, link_type="SF")
    doc = _doc(login(world.pm), plan.order)
    ids = [row[0] for row in gantt_data.decode(doc)]
    found = [kind for a, b, kind, _c in gantt_data.decode_links(doc)
             if (ids[a], ids[b]) == (plan.design.pk, extra.pk)]
    assert found == [3]


def test_it_lets_the_planner_drag_and_the_others_only_look(world, plan, login):
    pm_rows = _rows(_doc(login(world.pm), plan.order))
    assert pm_rows[plan.pour.pk]["flags"] & EDITABLE
    assert not pm_rows[plan.summary.pk]["flags"] & EDITABLE  # dates follow its children
    for who in ("buyer", "finance", "auditor"):
        rows = _rows(_doc(login(world.users[who]), plan.order))
        assert len(rows) == 6 and not any(r["flags"] & EDITABLE for r in rows.values()), who


def test_it_shows_a_worker_only_his_own_and_his_crews_tasks(world, plan, login):
    doc = _doc(login(world.worker), plan.order)
    rows = _rows(doc)
    assert set(rows) == {plan.pour.pk, plan.cure.pk}
    assert all(r["parent"] == -1 and r["depth"] == 0 for r in rows.values())
    assert not any(r["flags"] & EDITABLE for r in rows.values())
    assert len(gantt_data.decode_links(doc)) == 1  # pour → cure: the others end out of sight


def test_it_does_not_offer_a_started_task_or_a_closed_order_to_drag(world, plan, login, ctx):
    services.report_progress(plan.design, actor=world.manager, percent=50,
                             actual_start=plan.design.early_start)
    client = login(world.pm)
    rows = _rows(_doc(client, plan.order))
    assert not rows[plan.design.pk]["flags"] & EDITABLE
    assert rows[plan.pour.pk]["flags"] & EDITABLE
    Order.objects.filter(pk=plan.order.pk).update(status=OrderStatus.CLOSED)
    rows = _rows(_doc(client, plan.order))
    assert not any(r["flags"] & EDITABLE for r in rows.values())


def test_it_draws_the_latest_baseline_unless_told_otherwise(world, plan, login, ctx):
    first = services_plan.save_baseline(plan.order, actor=world.manager, name="合同基线")
    services.update_task(plan.design, actor=world.manager, data={"duration_days": 5})
    second = services_plan.save_baseline(plan.order, actor=world.manager, name="调整基线")
    client = login(world.pm)
    doc = _doc(client, plan.order)
    assert doc["baseline"] == second.pk
    assert [b["name"] for b in doc["baselines"]] == ["调整基线", "合同基线"]
    pour = _rows(doc)[plan.pour.pk]
    assert pour["bstart"] == pour["start"]
    url = reverse("scheduling:gantt_order_data", args=[plan.order.pk])
    older = client.get(url, {"baseline": first.pk}).json()
    assert older["baseline"] == first.pk
    pour_then = _rows(older)[plan.pour.pk]
    assert pour_then["bstart"] == _day(older, date(2026, 3, 5))
    assert pour_then["bstart"] < pour_then["start"]  # design grew by two days since
    none = client.get(url, {"baseline": "none"}).json()
    assert none["baseline"] is None and _rows(none)[plan.pour.pk]["bstart"] is None


def test_it_keeps_baselines_from_a_worker(world, plan, login, ctx):
    services_plan.save_baseline(plan.order, actor=world.manager, name="合同基线")
    doc = _doc(login(world.worker), plan.order)
    assert doc["baselines"] == [] and _rows(doc)[plan.pour.pk]["bstart"] is None


def test_it_sends_the_calendar_for_shading_and_snapping(world, plan, login):
    doc = _doc(login(world.pm), plan.order)
    assert doc["calendar"]["weekdays"] == [0, 1, 2, 3, 4]
    holidays = {date.fromisoformat(doc["origin"]) + timedelta(days=d)
                for d in doc["calendar"]["holidays"]}
    assert date(2026, 5, 1) in holidays and date(2026, 10, 1) in holidays  # 劳动节, 国庆节
    workdays = {date.fromisoformat(doc["origin"]) + timedelta(days=d)
                for d in doc["calendar"]["workdays"]}
    assert date(2026, 9, 20) in workdays  # a Sunday worked (调休) before 国庆节
    assert doc["moveUrl"] == reverse("scheduling:gantt_move", args=[0])


def test_it_groups_a_projects_orders(world, plan, login, ctx):
    second = services.create_task(plan.orders.other_order, actor=world.manager,
                                  data={"name": "桥架安装", "duration_days": 2})
    url = reverse("scheduling:gantt_project_data", args=[world.project.pk])
    doc = login(world.pm).get(url).json()
    assert [g["code"] for g in doc["groups"]] == [plan.order.code]
    assert {row[1] for row in gantt_data.decode(doc)} == {0}
    assert second.pk not in {row[0] for row in gantt_data.decode(doc)}  # the other project's
    manager = login(world.manager).get(
        reverse("scheduling:gantt_project_data", args=[world.other_project.pk])).json()
    assert [g["code"] for g in manager["groups"]] == [plan.orders.other_order.code]
    assert {row[5] for row in gantt_data.decode(manager)} == {"配电箱安装", "桥架安装"}


def test_it_reports_only_what_a_move_changed(world, plan, ctx):
    before = gantt_data.snapshot(plan.order)
    services.move_task(plan.design, actor=world.manager, start=date(2026, 3, 9))
    changed = {row["id"]: row for row in gantt_data.changes(world.pm, plan.order, before)}
    assert plan.design.pk in changed and plan.handover.pk in changed
    assert changed[plan.design.pk]["start"] == "2026-03-09"
    assert changed[plan.pour.pk]["start"] == "2026-03-12"
    assert set(changed[plan.pour.pk]) == {"id", "start", "finish", "days", "float", "flags",
                                          "percent", "version"}
    assert gantt_data.changes(world.pm, plan.order, gantt_data.snapshot(plan.order)) == []
    assert not Task.objects.filter(pk__in=changed, order=plan.orders.other_order).exists()
