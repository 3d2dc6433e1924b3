"""The scheduling API's whole-order answers (CPM table, critical path, a baseline with its
variance, a task's links) cost the same queries for 10 tasks as for 100: no query per task.
The paginated lists (/tasks, /calendars) are measured by tests/platform/test_pf_queries.py."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from eoms.scheduling import services_plan
from eoms.scheduling.models import Task, TaskLink
from eoms.testing.orders_world import build_orders
from eoms.testing.scheduling_world import build_schedule

URL = "/api/v1/scheduling"
_serial = itertools.count(1)


@pytest.fixture
def world(module_world, db):
    return module_world


@pytest.fixture
def plan(world):
    return build_schedule(world, build_orders(world))


def _add_tasks(world, plan, n):
    """n more critical tasks, every other one on the project calendar or in the crew,
    each linked from the pour (so they show in its links)."""
    tasks = Task.objects.bulk_create([Task(
        order=plan.order, name=f"批量任务{i:05d}", position=1000 + i, owner=world.worker,
        crew=world.crew if i % 2 else None, calendar=plan.calendar if i % 2 else None,
        critical=True, duration=480, total_float=960, external_id=f"X{i}")
        for i in (next(_serial) for _ in range(n))])
    TaskLink.objects.bulk_create([TaskLink(predecessor=plan.pour, successor=t) for t in tasks])
    return tasks


def _count(client, url):
    client.get(url)  # warm caches (content types, the session)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured.captured_queries), response.json()


@pytest.mark.parametrize("path", ["orders/{order}/cpm", "orders/{order}/critical-path",
                                  "tasks/{pour}/links?page_size=200"])
def test_it_costs_the_same_queries_for_10_and_100_tasks(world, login, plan, path):
    client = login(world.pm)
    url = f"{URL}/" + path.format(order=plan.order.code, pour=plan.pour.pk)
    _add_tasks(world, plan, 10)
    small, first = _count(client, url)
    _add_tasks(world, plan, 100)
    large, second = _count(client, url)
    rows = second["results"] if isinstance(second, dict) else second
    assert len(rows) > len(first["results"] if isinstance(first, dict) else first) + 90
    assert small == large, f"{url}: {small} queries for 10 tasks, {large} for 100"


def test_a_baseline_with_its_variance_costs_the_same_for_10_and_100_tasks(world, login, plan,
                                                                          ctx):
    client = login(world.pm)
    _add_tasks(world, plan, 10)
    small_baseline = services_plan.save_baseline(plan.order, actor=world.manager, name="小")
    small, _ = _count(client, f"{URL}/baselines/{small_baseline.pk}")
    _add_tasks(world, plan, 100)
    large_baseline = services_plan.save_baseline(plan.order, actor=world.manager, name="大")
    large, body = _count(client, f"{URL}/baselines/{large_baseline.pk}")
    assert len(body["tasks"]) == len(body["variance"]) == 116
    assert small == large
