"""The Gantt chart's data costs the same queries for 10 tasks as for 100 (and for one order
as for several), for the roles whose scopes add joins."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from eoms.scheduling import gantt_data, recompute, services, services_plan
from eoms.scheduling.models import Schedule, Task, TaskLink
from eoms.testing.orders_world import build_orders, draft_order
from eoms.testing.scheduling_world import START, build_schedule


@pytest.fixture
def world(module_world, db):
    return module_world


@pytest.fixture
def plan(world, ctx):
    return build_schedule(world, build_orders(world))


def _grow(order, n, owner=None):
    """n more tasks under a new summary, chained FS, owned by `owner`; one recompute."""
    last = Task.objects.filter(order=order).order_by("-position").first()
    position = last.position if last else 0
    summary = Task.objects.create(order=order, name=f"批量阶段{position}", position=position + 1)
    tasks = Task.objects.bulk_create([
        Task(order=order, parent=summary, name=f"批量工序{position + i:05d}", duration=480,
             position=position + 2 + i, owner=owner, milestone="custom" if i % 10 == 9 else "")
        for i in range(n)])
    TaskLink.objects.bulk_create([TaskLink(predecessor=a, successor=b, link_type="FS")
                                  for a, b in zip(tasks, tasks[1:], strict=False)])
    recompute.recompute(order)
    return tasks


def _count(client, url):
    client.get(url)  # warm: sessions, content types
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured.captured_queries), response.json()


@pytest.mark.parametrize("who", ["manager", "pm", "worker"])
def test_an_orders_chart_costs_the_same_queries_for_10_and_100_tasks(world, plan, login, ctx,
                                                                      who):
    services_plan.save_baseline(plan.order, actor=world.manager, name="基线一")
    client = login(world.users[who])
    url = reverse("scheduling:gantt_order_data", args=[plan.order.pk])
    _grow(plan.order, 10, owner=world.worker)
    small, doc_small = _count(client, url)
    _grow(plan.order, 100, owner=world.worker)
    services_plan.save_baseline(plan.order, actor=world.manager, name="基线二")
    large, doc_large = _count(client, url)
    assert len(doc_large["tasks"]["id"]) >= len(doc_small["tasks"]["id"]) + 100
    assert len(doc_large["links"]) >= len(doc_small["links"]) + 99 * 3  # 3 numbers a link
    assert small == large, f"{who}: {small} queries for the small plan, {large} for the large"


def test_a_projects_chart_costs_the_same_queries_for_one_order_and_several(world, plan, login,
                                                                           ctx):
    services_plan.save_baseline(plan.order, actor=world.manager, name="基线")
    client = login(world.pm)
    url = reverse("scheduling:gantt_project_data", args=[world.project.pk])
    one, doc_one = _count(client, url)
    for k in range(3):
        order = draft_order(world, title=f"批量订单{k}")
        Schedule.objects.create(order=order, start=START)
        _grow(order, 20)
        services_plan.save_baseline(order, actor=world.manager, name="基线")
    several, doc_several = _count(client, url)
    assert len(doc_several["groups"]) == len(doc_one["groups"]) + 3
    assert one == several


def test_the_answer_to_a_move_costs_the_same_queries_for_few_and_many_changes(world, plan,
                                                                              ctx):
    def measured(n):
        tasks = _grow(plan.order, n)
        before = gantt_data.snapshot(plan.order)
        services.move_task(tasks[0], actor=world.manager, start=START.replace(day=30))
        gantt_data.changes(world.pm, plan.order, before)  # warm: the user's roles
        with CaptureQueriesContext(connection) as captured:
            changed = gantt_data.changes(world.pm, plan.order, before)
        assert len(changed) >= n
        return len(captured.captured_queries)

    assert measured(10) == measured(100)
