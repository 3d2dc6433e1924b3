"""Escalation to management after N working days overdue, counted on the task's calendar
(weekends, the Labour Day holiday and its 调休 Saturday), once per overdue spell."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from eoms.core.context import Channel, acting
from eoms.core.models import Notification
from eoms.scheduling import reminders, services
from eoms.scheduling.models import TaskReminder
from eoms.testing.scheduling_world import build_schedule

# 2026: Thursday 30 April is the last working day before Labour Day (1–5 May off);
# Saturday 9 May is a make-up working day (调休), Sunday 10 May is off.
FINISH = date(2026, 4, 30)


@pytest.fixture
def late(world, settings):
    """A task owned by the worker that must finish on 30 April."""
    settings.OVERDUE_ESCALATION_DAYS = 3
    plan = build_schedule(world)
    with acting(Channel.TEST):
        return services.create_task(plan.order, actor=world.manager, data={
            "name": "设备进场", "duration_days": 1, "owner": world.worker,
            "constraint": "MFO", "constraint_date": FINISH})


def _sweep(capture, day):
    with capture(execute=True), acting(Channel.JOB):
        return reminders.sweep(day)


def _days(capture, first, last):
    day = first
    while day <= last:
        _sweep(capture, day)
        day += timedelta(days=1)


def _reminded(task, kind):
    return sorted(TaskReminder.objects.filter(task=task, kind=kind).values_list("day", flat=True))


def test_it_escalates_only_after_n_working_days_across_holiday_and_weekend(
        late, world, smtp_server, django_capture_on_commit_callbacks):
    late.refresh_from_db()
    assert late.early_finish == FINISH
    smtp_server.received.clear()
    _days(django_capture_on_commit_callbacks, date(2026, 5, 1), date(2026, 5, 11))
    # Reminders on working days only: 6, 7, 8 May, Saturday 9 May (调休) and Monday 11 May.
    assert _reminded(late, "overdue") == [date(2026, 5, d) for d in (6, 7, 8, 9, 11)]
    # 8 May is 8 calendar days late but only the 3rd working day: no escalation yet.
    # 9 May, the 4th working day (3 full working days overdue), escalates — once.
    assert _reminded(late, "escalated") == [date(2026, 5, 9)]
    escalated = Notification.objects.filter(kind=reminders.ESCALATED, url__endswith=f"/{late.pk}/")
    assert [n.user for n in escalated] == [world.manager]
    assert escalated[0].title == (f"逾期升级：{late.order.code} 设备进场 已逾期 4 个工作日")
    assert "逾期超过 3 个工作日仍未完成" in escalated[0].body
    mails = [m for m in smtp_server.messages if m["To"] == "manager@example.com"
             and "设备进场" in m["Subject"]]
    assert len(mails) == 1
    assert not Notification.objects.filter(kind=reminders.ESCALATED, user=world.worker)


def test_management_hears_again_when_the_replanned_task_is_late_again(
        late, world, django_capture_on_commit_callbacks):
    _days(django_capture_on_commit_callbacks, date(2026, 5, 6), date(2026, 5, 9))
    assert _reminded(late, "escalated") == [date(2026, 5, 9)]
    with acting(Channel.TEST):
        late.refresh_from_db()
        services.update_task(late, actor=world.manager, data={
            "constraint_date": date(2026, 5, 20)}, expected_version=late.version)
    _days(django_capture_on_commit_callbacks, date(2026, 5, 21), date(2026, 5, 27))
    assert _reminded(late, "escalated") == [date(2026, 5, 9), date(2026, 5, 26)]


def test_a_later_limit_escalates_later(late, world, settings,
                                       django_capture_on_commit_callbacks):
    settings.OVERDUE_ESCALATION_DAYS = 4
    _days(django_capture_on_commit_callbacks, date(2026, 5, 6), date(2026, 5, 11))
    assert _reminded(late, "escalated") == [date(2026, 5, 11)]
