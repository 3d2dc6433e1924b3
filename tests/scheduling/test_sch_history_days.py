"""A task's history shows durations, floats and link lags in working days of the task's
calendar (they are stored in working minutes), under labels without the stored unit; the
audit search keeps showing the values as stored."""

from __future__ import annotations

import html

import pytest

from eoms.audit.history import prepare
from eoms.audit.models import AuditEntry
from eoms.core.context import Channel, acting
from eoms.scheduling import services, services_plan
from eoms.scheduling.models import TaskLink
from eoms.scheduling.views_common import task_history
from eoms.testing.scheduling_world import build_schedule


@pytest.fixture
def plan(world):
    return build_schedule(world)


def _link(plan):
    return TaskLink.objects.get(predecessor=plan.pour, successor=plan.cure)


def _rows(items, field):
    return [(row["before"], row["after"]) for item in items for row in item.changes
            if row["field"] == field]


def test_it_shows_a_changed_lag_in_working_days(world, plan):
    with acting(Channel.TEST):
        services.update_link(_link(plan), actor=world.manager, link_type="SS", lag_days="2.5")
        services.update_link(_link(plan), actor=world.manager, link_type="SS", lag_days="-1")
    items = task_history(plan.cure, world.pm, parent_visible=True)
    rows = _rows(items, "延隔")  # newest first; 养护 → 移交验收 was made with no lag
    assert rows[:2] == [("2.5 个工作日", "-1 个工作日"), ("1 个工作日", "2.5 个工作日")]
    assert sorted(rows[2:]) == [("—", "0 个工作日"), ("—", "1 个工作日")]
    assert not _rows(items, "延隔（工作分钟）")


def test_it_shows_a_changed_duration_in_working_days(world, plan):
    with acting(Channel.TEST):
        services.update_task(plan.pour, actor=world.manager, data={"duration_days": "0.5"})
    items = task_history(plan.pour, world.pm, parent_visible=True)
    assert ("2 个工作日", "0.5 个工作日") in _rows(items, "工期")
    assert not _rows(items, "工期（工作分钟）")


def test_it_counts_days_in_the_hours_of_the_tasks_calendar(world, plan):
    with acting(Channel.TEST):  # a 4-hour day: the 2-day pour (960 minutes) is 4 days now
        services_plan.save_calendar(plan.calendar, actor=world.manager,
                                    data={"intervals": [["08:00", "12:00"]]})
        services.update_task(plan.pour, actor=world.manager, data={"duration_days": 1})
    items = task_history(plan.pour, world.pm, parent_visible=True)
    assert ("4 个工作日", "1 个工作日") in _rows(items, "工期")


def test_the_task_page_shows_the_history_in_working_days(world, plan, login):
    with acting(Channel.TEST):
        services.update_link(_link(plan), actor=world.manager, link_type="SS", lag_days=3)
    response = login(world.pm).get(f"/schedule/tasks/{plan.cure.pk}/")
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    history = page[page.index('id="history"'):]
    assert "3 个工作日" in history and "延隔" in history
    assert "1440" not in history and "工作分钟" not in history


def test_the_audit_search_keeps_the_stored_minutes(world, plan):
    with acting(Channel.TEST):
        services.update_link(_link(plan), actor=world.manager, link_type="SS", lag_days=3)
    entries = AuditEntry.objects.for_object(_link(plan)).select_related("content_type")
    rows = _rows(prepare(entries, resolve_names=False), "延隔（工作分钟）")
    assert ("480", "1440") in rows


def test_it_shows_the_days_of_a_deleted_link_in_the_default_day(world, plan):
    link = _link(plan)
    with acting(Channel.TEST):
        services.update_link(link, actor=world.manager, link_type="SS", lag_days=2)
    entries = list(AuditEntry.objects.for_object(link).select_related("content_type"))
    with acting(Channel.TEST):
        services.delete_link(link, actor=world.manager)
    assert ("1 个工作日", "2 个工作日") in _rows(prepare(entries), "延隔")


def test_it_reads_the_day_lengths_once_for_a_long_history(world, plan,
                                                          django_assert_max_num_queries):
    with acting(Channel.TEST):
        for lag in range(2, 30):
            services.update_link(_link(plan), actor=world.manager, link_type="SS", lag_days=lag)
            services.update_task(plan.cure, actor=world.manager, data={"duration_days": lag})
    entries = list(AuditEntry.objects.filter(event__in=("task.link_updated", "task.updated"))
                   .select_related("content_type"))
    assert len(entries) >= 56
    with django_assert_max_num_queries(12):
        items = prepare(entries)
    assert sum(len(_rows([i], "延隔")) + len(_rows([i], "工期")) for i in items) >= 56
