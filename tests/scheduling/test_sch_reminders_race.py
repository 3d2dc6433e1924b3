"""Two workers running the sweep at the same moment send each reminder once."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection

from eoms.core.context import Channel, acting
from eoms.core.models import Notification
from eoms.scheduling import reminders
from eoms.scheduling.models import Task, TaskReminder
from eoms.testing.scheduling_world import build_schedule

MONDAY = date(2026, 3, 9)
LATE = 200  # enough work between reading and writing for the two threads to interleave


def _worker(barrier, results, errors):
    try:
        barrier.wait(timeout=10)
        with acting(Channel.JOB):
            results.append(reminders.sweep(MONDAY))
    except Exception as exc:  # reported by the test
        errors.append(exc)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_send_each_reminder_once(world):
    plan = build_schedule(world)
    Task.objects.bulk_create([
        Task(order=plan.order, name=f"并发逾期任务{i:04d}", position=100 + i, owner=world.worker,
             early_start=date(2026, 3, 2), early_finish=date(2026, 3, 3)) for i in range(LATE)])
    barrier = threading.Barrier(2)
    results: list = []
    errors: list = []
    threads = [threading.Thread(target=_worker, args=(barrier, results, errors))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sorted(r.overdue for r in results) == [0, 3 + LATE]
    assert TaskReminder.objects.filter(day=MONDAY, kind="overdue").count() == 3 + LATE
    assert Notification.objects.filter(kind__startswith="schedule.").count() == sum(
        r.notifications for r in results)
    # the project manager hears of every late task, the worker of his own
    assert Notification.objects.filter(kind=reminders.OVERDUE).count() == (3 + LATE) + (1 + LATE)
