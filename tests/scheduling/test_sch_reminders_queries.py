"""The sweep reads the same number of times for 10 overdue tasks as for 100: one set of
queries for the sweep, bulk inserts for the reminders and notifications."""

from __future__ import annotations

import itertools
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from eoms.core.context import Channel, acting
from eoms.core.models import Notification
from eoms.scheduling import reminders
from eoms.scheduling.models import Task, TaskReminder
from eoms.testing.scheduling_world import build_schedule

DAY = date(2026, 3, 16)  # a Monday: every task of the world's plan is late by then
_serial = itertools.count(1)


def _late_tasks(plan, world, n):
    """Leaf tasks already scheduled (computed dates written as the recompute would)."""
    rows = []
    for _ in range(n):
        i = next(_serial)
        rows.append(Task(order=plan.order, name=f"批量逾期任务{i:04d}", position=100 + i,
                         wbs=str(100 + i), owner=world.worker, crew=world.crew,
                         early_start=date(2026, 3, 2), early_finish=date(2026, 3, 3),
                         late_start=date(2026, 3, 2), late_finish=date(2026, 3, 3)))
    return Task.objects.bulk_create(rows)


def _measured(day):
    with CaptureQueriesContext(connection) as captured, acting(Channel.JOB):
        result = reminders.sweep(day)
    sql = [q["sql"] for q in captured.captured_queries]
    return result, sql


def _reads(sql):
    return [q for q in sql if not q.lstrip().upper().startswith("INSERT")]


def test_it_costs_the_same_queries_for_10_and_100_late_tasks(world, settings):
    settings.OVERDUE_ESCALATION_DAYS = 1  # every late task escalates too: managers are read
    plan = build_schedule(world)
    _late_tasks(plan, world, 10)
    small, small_sql = _measured(DAY)
    TaskReminder.objects.all().delete()
    Notification.objects.all().delete()
    _late_tasks(plan, world, 90)
    large, large_sql = _measured(DAY)
    assert (small.overdue, large.overdue) == (15, 105)  # + design, drawings, pour, cure, handover
    assert large.escalated == 105 and large.notifications > small.notifications
    assert len(_reads(small_sql)) == len(_reads(large_sql)), "\n".join(
        ["--- 10"] + _reads(small_sql) + ["--- 100"] + _reads(large_sql))
    # Inserts grow with what is sent, in batches (SQLite takes ~120 notification rows each).
    assert len(large_sql) - len(_reads(large_sql)) <= 6
