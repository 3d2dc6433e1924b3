"""The Gantt chart's compact document and its cache: the columns decode to the rows, the
cached document follows every change made through the services, and a reader who sees or
may drag only some tasks never gets another reader's document."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from eoms.scheduling import gantt_data, services, services_plan
from eoms.scheduling.gantt_data import EDITABLE, FIELDS
from eoms.scheduling.models import Task
from eoms.testing.orders_world import build_orders
from eoms.testing.scheduling_world import build_schedule


@pytest.fixture
def world(module_world, db):
    return module_world


@pytest.fixture
def plan(world, ctx):
    cache.clear()
    return build_schedule(world, build_orders(world))


def _doc(client, order, **query):
    response = client.get(reverse("scheduling:gantt_order_data", args=[order.pk]), query)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/json"
    return response.json()


def _rows(doc):
    return {row[0]: dict(zip(FIELDS, row, strict=True)) for row in gantt_data.decode(doc)}


def _row(task_id, group=0, parent=-1, depth=0, wbs="1", name="甲", start=3, finish=5,
         days=3.0, total_float=0.0, flags=0, percent=0, bstart=None, bfinish=None, version=1,
         owner=None):
    return [task_id, group, parent, depth, wbs, name, start, finish, days, total_float, flags,
            percent, bstart, bfinish, version, owner]


def test_it_decodes_the_columns_to_the_rows_they_were_made_of():
    rows = [
        _row(40, wbs="1", name="主体施工", days=9.0, flags=4, owner=7),
        _row(41, parent=0, depth=1, wbs="1.1", name="深化设计", start=-2, finish=0,
             total_float=1.5, bstart=-4, bfinish=1, owner=7),
        _row(39, parent=1, depth=2, wbs="1.1.1", name="深化设计", start=None, finish=None,
             days=0.5, version=3, owner=8),
        _row(45, parent=0, depth=1, wbs="1.A", name="图纸审批完成", start=7, finish=7, days=0.0,
             flags=2 | 16),
        _row(46, group=1, wbs="2", name="配电箱安装", start=0, finish=None, percent=40,
             bstart=2, bfinish=None),
        _row(50, group=1, wbs="", name="桥架安装", start=None, finish=9, bstart=1, bfinish=2),
        _row(51, group=1, parent=5, depth=1, wbs="07", name="桥架安装"),
    ]
    links = [[1, 3, 0], [0, 4, 1], [5, 6, 3], [1, 2, 2]]
    doc, owners = gantt_data.encode(rows, links, groups=3)
    assert owners == [7, 8] and doc["names"].count("深化设计") == 1
    assert doc["groupSizes"] == [4, 3, 0]
    doc["ownerNames"] = ["孙施工", "王工"]
    names = {7: "孙施工", 8: "王工", None: ""}
    assert gantt_data.decode(doc) == [[*row[:-1], names[row[-1]]] for row in rows]
    assert [link[:3] for link in gantt_data.decode_links(doc)] == links


def test_it_decodes_an_empty_chart():
    doc, owners = gantt_data.encode([], [], groups=1)
    doc["ownerNames"] = []
    assert owners == [] and gantt_data.decode(doc) == [] and gantt_data.decode_links(doc) == []


def test_it_answers_the_same_tasks_from_the_cache(world, plan, login):
    client = login(world.pm)
    first = _doc(client, plan.order)
    with CaptureQueriesContext(connection) as again:
        second = _doc(client, plan.order)
    assert second == first
    tables = " ".join(query["sql"] for query in again.captured_queries)
    assert "early_start" not in tables  # no task was read again, only counted


def test_it_keeps_serving_the_cached_chart_until_a_service_changes_the_plan(world, plan,
                                                                             login, ctx):
    client = login(world.pm)
    assert _rows(_doc(client, plan.order))[plan.pour.pk]["name"] == "底板浇筑"
    # A write around the services is not seen (the document is cached) ...
    Task.objects.filter(pk=plan.pour.pk).update(name="绕过服务的改名")
    assert _rows(_doc(client, plan.order))[plan.pour.pk]["name"] == "底板浇筑"
    # ... a change through them is, at once.
    services.update_task(Task.objects.get(pk=plan.pour.pk), actor=world.manager,
                         data={"name": "底板浇筑（一区）"})
    assert _rows(_doc(client, plan.order))[plan.pour.pk]["name"] == "底板浇筑（一区）"


def _start(doc, task):
    return date.fromisoformat(doc["origin"]) + timedelta(days=_rows(doc)[task.pk]["start"])


def test_it_moves_the_successors_in_the_cached_chart_after_a_move(world, plan, login, ctx):
    client = login(world.pm)
    assert _start(_doc(client, plan.order), plan.cure) == date(2026, 3, 6)
    services.move_task(plan.design, actor=world.manager, start=date(2026, 3, 9))
    assert _start(_doc(client, plan.order), plan.cure) == date(2026, 3, 13)


def test_it_follows_links_baselines_and_calendars(world, plan, login, ctx):
    client = login(world.pm)
    doc = _doc(client, plan.order)
    links = len(gantt_data.decode_links(doc))
    services.add_link(plan.design, plan.handover, actor=world.manager)
    assert len(gantt_data.decode_links(_doc(client, plan.order))) == links + 1
    services_plan.save_baseline(plan.order, actor=world.manager, name="合同基线")
    assert _rows(_doc(client, plan.order))[plan.pour.pk]["bstart"] is not None
    day = date(2026, 3, 20)
    services_plan.set_exception(plan.calendar, actor=world.manager, day=day, kind="holiday",
                                name="公司停工")
    doc = _doc(client, plan.order)
    assert (day - date.fromisoformat(doc["origin"])).days in doc["calendar"]["holidays"]


def test_it_shows_a_renamed_owner_at_once(world, plan, login, ctx):
    client = login(world.pm)
    assert _rows(_doc(client, plan.order))[plan.pour.pk]["owner"] == "孙施工"
    worker = world.worker
    old = worker.last_name, worker.first_name
    worker.last_name, worker.first_name = "孙", "二工"
    worker.save(update_fields=["last_name", "first_name"])
    try:
        assert _rows(_doc(client, plan.order))[plan.pour.pk]["owner"] == "孙二工"
    finally:
        worker.last_name, worker.first_name = old
        worker.save(update_fields=["last_name", "first_name"])


def test_it_never_gives_a_worker_the_planners_cached_chart(world, plan, login):
    assert len(_rows(_doc(login(world.pm), plan.order))) == 6
    rows = _rows(_doc(login(world.worker), plan.order))
    assert set(rows) == {plan.pour.pk, plan.cure.pk}
    assert not any(r["flags"] & EDITABLE for r in rows.values())


def test_it_never_offers_a_reader_the_planners_drags(world, plan, login):
    pm = _rows(_doc(login(world.pm), plan.order))
    assert pm[plan.pour.pk]["flags"] & EDITABLE
    finance = _rows(_doc(login(world.finance), plan.order))
    assert set(finance) == set(pm) and not any(r["flags"] & EDITABLE for r in finance.values())
    assert _rows(_doc(login(world.pm), plan.order))[plan.pour.pk]["flags"] & EDITABLE


def test_it_marks_overdue_tasks_as_of_today(world, plan, login, ctx):
    """Today is part of the cache key: a task turns overdue the day after its finish."""
    client = login(world.pm)
    doc = _doc(client, plan.order)
    today = date.fromisoformat(doc["origin"]) + timedelta(days=doc["today"])
    finish = date.fromisoformat(doc["origin"]) + timedelta(
        days=_rows(doc)[plan.handover.pk]["finish"])
    assert bool(_rows(doc)[plan.handover.pk]["flags"] & gantt_data.OVERDUE) == (finish < today)


def test_it_caches_a_projects_chart_per_reader_kind(world, plan, login, ctx):
    url = reverse("scheduling:gantt_project_data", args=[world.project.pk])
    pm = login(world.pm).get(url).json()
    worker = login(world.worker).get(url).json()
    assert len(gantt_data.decode(pm)) == 6
    assert {row[0] for row in gantt_data.decode(worker)} == {plan.pour.pk, plan.cure.pk}
    services.update_task(Task.objects.get(pk=plan.cure.pk), actor=world.manager,
                         data={"name": "养护（洒水）"})
    again = login(world.pm).get(url).json()
    assert "养护（洒水）" in {row[5] for row in gantt_data.decode(again)}
