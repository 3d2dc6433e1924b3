"""Overdue reminders: who hears of a late task, by mail through a real SMTP server, once a
day, on working days only; done tasks, summaries and closed orders stay silent."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from eoms.core.context import Channel, acting
from eoms.core.models import Notification, NotificationPreference
from eoms.orders import services as order_services
from eoms.orders.choices import OrderStatus
from eoms.scheduling import reminders, services
from eoms.scheduling.models import TaskReminder
from eoms.scheduling.signals import task_overdue
from eoms.testing.scheduling_world import build_schedule
from eoms.testing.smtp import text_of

# The world's plan: 底板浇筑 (owner: worker) finishes Friday 2026-03-06, 养护 (crew 钢筋一班,
# led by worker) Thursday 2026-03-12. Monday 2026-03-09 is the first working day after.
MONDAY = date(2026, 3, 9)


@pytest.fixture
def plan(world, settings):
    settings.OVERDUE_ESCALATION_DAYS = 3
    settings.MILESTONE_WARNING_DAYS = 10
    return build_schedule(world)


def _sweep(capture, day):
    with capture(execute=True), acting(Channel.JOB):
        return reminders.sweep(day)


def _overdue_titles(user):
    return sorted(Notification.objects.filter(user=user, kind=reminders.OVERDUE)
                  .values_list("title", flat=True))


def test_it_mails_the_owner_and_the_project_manager_of_a_late_task(
        plan, world, smtp_server, django_capture_on_commit_callbacks):
    smtp_server.received.clear()
    _sweep(django_capture_on_commit_callbacks, MONDAY)
    code = plan.order.code
    to_worker = [m for m in smtp_server.messages if m["To"] == "worker@example.com"]
    assert [m["Subject"].strip() for m in to_worker] == [
        f"[EOMS] 任务逾期：{code} 底板浇筑（逾期第 1 个工作日）"]
    text = text_of(to_worker[0])
    assert "计划 2026-03-06 完成" in text and "今天是逾期第 1 个工作日" in text
    assert "负责人：孙施工" in text and "项目经理：李项目" in text
    assert f"http://127.0.0.1:8000/schedule/tasks/{plan.pour.pk}/" in text
    # The project manager (order owner and project manager: one person, one mail a task)
    # hears of every late task of his order: design, the drawings milestone, the pour.
    assert _overdue_titles(world.pm) == sorted(
        f"任务逾期：{code} {name}（逾期第 {n} 个工作日）"
        for name, n in (("深化设计", 3), ("图纸审批完成", 3), ("底板浇筑", 1)))
    assert len([m for m in smtp_server.messages if m["To"] == "pm@example.com"]) == 3
    assert Notification.objects.get(user=world.worker, kind=reminders.OVERDUE).url == \
        f"/schedule/tasks/{plan.pour.pk}/"


def test_it_tells_the_crew_leader_of_his_crews_late_task(
        plan, world, django_capture_on_commit_callbacks):
    _sweep(django_capture_on_commit_callbacks, date(2026, 3, 13))  # Friday after 养护
    titles = _overdue_titles(world.worker)
    assert f"任务逾期：{plan.order.code} 养护（逾期第 1 个工作日）" in titles
    body = Notification.objects.get(user=world.worker, title__contains="养护").body
    assert "班组：钢筋一班（班组长 孙施工）" in body
    assert not Notification.objects.filter(user__in=[world.qc, world.buyer, world.other_pm],
                                           kind__startswith="schedule.")


def test_a_second_run_the_same_day_sends_nothing(
        plan, world, smtp_server, django_capture_on_commit_callbacks):
    first = _sweep(django_capture_on_commit_callbacks, MONDAY)
    smtp_server.received.clear()
    before = Notification.objects.count()
    second = _sweep(django_capture_on_commit_callbacks, MONDAY)
    assert first.overdue == 3 and first.notifications > 0
    assert (second.overdue, second.notifications) == (0, 0)
    assert Notification.objects.count() == before
    assert smtp_server.messages == []
    # The next working day reminds again.
    assert _sweep(django_capture_on_commit_callbacks, date(2026, 3, 10)).overdue == 3


def test_it_sends_nothing_on_a_weekend(plan, world, django_capture_on_commit_callbacks):
    result = _sweep(django_capture_on_commit_callbacks, date(2026, 3, 8))  # Sunday
    assert (result.overdue, result.notifications) == (0, 0)
    assert not TaskReminder.objects.exists()


def test_done_tasks_are_silent(plan, world, smtp_server, django_capture_on_commit_callbacks):
    with acting(Channel.TEST):
        services.report_progress(plan.pour, actor=world.pm, percent=100,
                                 actual_start=date(2026, 3, 5), actual_finish=date(2026, 3, 6))
    smtp_server.received.clear()
    _sweep(django_capture_on_commit_callbacks, MONDAY)
    assert not Notification.objects.filter(user=world.worker)
    assert "worker@example.com" not in [m["To"] for m in smtp_server.messages]
    assert not TaskReminder.objects.filter(task=plan.pour)


def test_summary_tasks_and_closed_or_cancelled_orders_are_silent(
        plan, world, django_capture_on_commit_callbacks):
    _sweep(django_capture_on_commit_callbacks, date(2026, 3, 16))
    assert not TaskReminder.objects.filter(task=plan.summary)
    assert TaskReminder.objects.filter(task=plan.pour).exists()
    TaskReminder.objects.all().delete()
    Notification.objects.all().delete()
    with acting(Channel.TEST):
        order_services.transition(plan.order, OrderStatus.CANCELLED, actor=world.manager,
                                  reason="客户取消")
    result = _sweep(django_capture_on_commit_callbacks, date(2026, 3, 16))
    assert (result.overdue, result.notifications) == (0, 0)


def test_it_respects_who_turned_the_mail_off(
        plan, world, smtp_server, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=world.worker, kind=reminders.OVERDUE,
                                          email=False)
    smtp_server.received.clear()
    _sweep(django_capture_on_commit_callbacks, MONDAY)
    assert "worker@example.com" not in [m["To"] for m in smtp_server.messages]
    assert Notification.objects.get(user=world.worker).read_at is None  # still in the app


def test_it_sends_the_task_overdue_signal_after_commit(
        plan, world, django_capture_on_commit_callbacks):
    heard = []

    def listener(sender, task, day, days_overdue, escalated, **kwargs):
        heard.append((task.pk, day, days_overdue, escalated))

    task_overdue.connect(listener)
    try:
        _sweep(django_capture_on_commit_callbacks, MONDAY)
        _sweep(django_capture_on_commit_callbacks, MONDAY)  # nothing new: no signal
    finally:
        task_overdue.disconnect(listener)
    assert sorted(heard) == sorted([(plan.design.pk, MONDAY, 3, False),
                                    (plan.drawings.pk, MONDAY, 3, False),
                                    (plan.pour.pk, MONDAY, 1, False)])


def test_the_command_runs_the_sweep_for_a_day(plan, world, capsys):
    call_command("schedule_reminders", "--date", "2026-03-09")
    assert "2026-03-09: 3 overdue, 0 escalated" in capsys.readouterr().out
    assert TaskReminder.objects.filter(day=MONDAY).count() == 3


def test_the_command_refuses_a_bad_date(plan, world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("schedule_reminders", "--date", "9.3.2026")
    assert not TaskReminder.objects.exists()
