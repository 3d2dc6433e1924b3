"""The daily job: due at 07:30 local time (Huey hands it UTC timestamps), registered with
the worker, and running the sweep in a job audit context."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from huey.contrib.djhuey import HUEY

from eoms.audit.models import AuditEntry
from eoms.core.models import Notification
from eoms.scheduling import tasks
from eoms.scheduling.models import TaskReminder
from eoms.testing.scheduling_world import build_schedule


def test_it_is_due_at_half_past_seven_in_the_configured_time_zone(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    due = tasks.at_local_time(tasks.REMINDER_TIME)
    assert HUEY.utc
    assert due(datetime(2026, 3, 8, 23, 30))  # 07:30 on 9 March in Shanghai
    assert not due(datetime(2026, 3, 9, 7, 30))  # 15:30 in Shanghai
    assert not due(datetime(2026, 3, 8, 23, 31))


def test_it_follows_daylight_saving_time(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    due = tasks.at_local_time(tasks.REMINDER_TIME)
    assert due(datetime(2026, 1, 15, 6, 30))  # CET, UTC+1
    assert due(datetime(2026, 7, 15, 5, 30))  # CEST, UTC+2
    assert not due(datetime(2026, 7, 15, 6, 30))


def test_the_worker_knows_the_periodic_job():
    periodic = {t.name for t in HUEY._registry.periodic_tasks}
    assert "send_schedule_reminders" in periodic


def test_the_job_sweeps_today_as_the_job_channel(world):
    build_schedule(world)  # its tasks are in March 2026: late on any later working day
    sent = tasks.send_schedule_reminders.call_local()
    assert sent == Notification.objects.filter(kind__startswith="schedule.").count()
    days = set(TaskReminder.objects.values_list("day", flat=True))
    assert days <= {timezone.localdate()}
    recorded = AuditEntry.objects.filter(event="schedule.reminders_sent")
    assert [e.channel for e in recorded] == (["job"] if sent else [])


def test_the_notification_kinds_are_registered_with_chinese_labels():
    from eoms.core import notifications
    from eoms.scheduling import reminders

    labels = {kind: str(notifications.KINDS[kind][0]) for kind in
              (reminders.OVERDUE, reminders.ESCALATED, reminders.MILESTONE_AT_RISK)}
    assert labels == {"schedule.task_overdue": "任务逾期提醒",
                      "schedule.task_escalated": "任务逾期升级",
                      "schedule.milestone_at_risk": "里程碑延误预警"}
    assert all(notifications.KINDS[kind][1] for kind in labels)  # mailed by default
