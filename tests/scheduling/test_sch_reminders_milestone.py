"""Milestone early warning: a milestone with no float left warns the project manager in
the days before its date — not after it, not when it has float, not when it is done."""

from __future__ import annotations

from datetime import date

import pytest

from eoms.core.context import Channel, acting
from eoms.core.models import Notification
from eoms.scheduling import reminders, services
from eoms.scheduling.models import TaskReminder
from eoms.testing.scheduling_world import build_schedule
from eoms.testing.smtp import text_of

# The world's milestone 图纸审批完成 falls on Wednesday 2026-03-04 with zero float (it is on
# the critical path).
MILESTONE_DAY = date(2026, 3, 4)


@pytest.fixture
def plan(world, settings):
    settings.MILESTONE_WARNING_DAYS = 10
    return build_schedule(world)


def _sweep(capture, day):
    with capture(execute=True), acting(Channel.JOB):
        return reminders.sweep(day)


def _warnings(user=None):
    found = Notification.objects.filter(kind=reminders.MILESTONE_AT_RISK)
    return found.filter(user=user) if user is not None else found


def test_it_warns_the_project_manager_before_the_date(
        plan, world, smtp_server, django_capture_on_commit_callbacks):
    assert plan.drawings.early_finish == MILESTONE_DAY and plan.drawings.total_float == 0
    smtp_server.received.clear()
    result = _sweep(django_capture_on_commit_callbacks, date(2026, 2, 27))  # Friday before
    assert result.milestones == 1
    warning = _warnings(world.pm).get()
    assert warning.title == f"里程碑预警：{plan.order.code} 图纸审批完成 计划 2026-03-04 达成"
    assert "总时差 0 个工作日" in warning.body and "项目经理：李项目" in warning.body
    assert warning.url == f"/schedule/tasks/{plan.drawings.pk}/"
    mail = next(m for m in smtp_server.messages if m["To"] == "pm@example.com")
    assert "里程碑预警" in mail["Subject"]
    assert "图纸审批完成" in text_of(mail)
    assert _warnings().count() == 1  # the project manager only: not the worker, not management


def test_it_warns_every_working_day_up_to_the_date_and_stops_after(
        plan, world, django_capture_on_commit_callbacks):
    for day in range(2, 7):  # Monday 2 to Friday 6 March
        _sweep(django_capture_on_commit_callbacks, date(2026, 3, day))
    days = TaskReminder.objects.filter(task=plan.drawings, kind="milestone_float")
    assert sorted(days.values_list("day", flat=True)) == [date(2026, 3, 2), date(2026, 3, 3),
                                                          MILESTONE_DAY]
    # After its date the milestone is late: an overdue reminder, no more early warning.
    overdue = TaskReminder.objects.filter(task=plan.drawings, kind="overdue")
    assert sorted(overdue.values_list("day", flat=True)) == [date(2026, 3, 5), date(2026, 3, 6)]


def test_it_waits_until_the_milestone_is_within_the_warning_days(
        plan, world, settings, django_capture_on_commit_callbacks):
    settings.MILESTONE_WARNING_DAYS = 3
    assert _sweep(django_capture_on_commit_callbacks, date(2026, 2, 27)).milestones == 0
    assert _sweep(django_capture_on_commit_callbacks, date(2026, 3, 2)).milestones == 1


def test_a_milestone_with_float_left_is_silent(plan, world, django_capture_on_commit_callbacks):
    with acting(Channel.TEST):
        spare = services.create_task(plan.order, actor=world.manager, data={
            "name": "设备到场", "milestone": "equipment_on_site"})
        services.add_link(plan.design, spare, actor=world.manager)  # and nothing after it
    spare.refresh_from_db()
    assert spare.total_float > 0 and spare.early_finish == MILESTONE_DAY
    _sweep(django_capture_on_commit_callbacks, date(2026, 3, 2))
    assert not TaskReminder.objects.filter(task=spare)
    assert TaskReminder.objects.filter(task=plan.drawings, kind="milestone_float").exists()


def test_a_done_milestone_is_silent(plan, world, django_capture_on_commit_callbacks):
    with acting(Channel.TEST):
        services.report_progress(plan.drawings, actor=world.pm, actual_finish=MILESTONE_DAY)
    result = _sweep(django_capture_on_commit_callbacks, date(2026, 3, 2))
    assert result.milestones == 0
    assert not _warnings().exists()
