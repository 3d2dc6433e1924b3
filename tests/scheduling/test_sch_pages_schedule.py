"""The order's schedule page, its settings and the recompute button, for each role."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from eoms.audit.models import AuditEntry
from eoms.core.context import Channel, acting
from eoms.scheduling import services, services_plan
from eoms.scheduling.models import Schedule
from eoms.testing.orders_world import draft_order
from eoms.testing.scheduling_world import build_schedule


@pytest.fixture
def plan(world):
    return build_schedule(world)


def page(client, order):
    return client.get(reverse("scheduling:order_schedule", args=[order.pk]))


def test_it_shows_the_pm_the_wbs_table_in_outline_order(plan, world, login):
    response = page(login(world.pm), plan.order)
    assert response.status_code == 200
    rows = [(r.task.wbs, r.task.name, r.depth) for r in response.context["rows"]]
    assert rows == [("1", "主体施工", 0), ("1.1", "深化设计", 1), ("1.2", "底板浇筑", 1),
                    ("1.3", "养护", 1), ("2", "图纸审批完成", 0), ("3", "移交验收", 0)]
    text = response.content.decode()
    assert "sch-indent-1" in text and "孙施工" in text and "钢筋一班" in text
    design = response.context["rows"][1]
    assert design.duration_days == "3" and design.total_float_days == "0"
    for label in ("新建任务", "重新计算", "设置"):
        assert label in text


def test_it_marks_critical_and_overdue_tasks(plan, world, login):
    with acting(Channel.TEST):  # the world's plan lies in March 2026: all of it is late
        services.report_progress(plan.design, actor=world.pm, actual_start=date(2026, 3, 2),
                                 actual_finish=date(2026, 3, 4))
    response = page(login(world.pm), plan.order)
    rows = {r.task.name: r for r in response.context["rows"]}
    assert not rows["深化设计"].overdue and rows["深化设计"].status == "done"
    assert rows["底板浇筑"].overdue and rows["移交验收"].overdue
    assert not rows["主体施工"].overdue  # a summary is not itself overdue
    assert response.context["overdue_count"] == 4
    assert response.context["critical_count"] == sum(
        1 for r in rows.values() if r.task.critical and not r.task.is_summary) > 0
    text = response.content.decode()
    assert "逾期" in text and "关键" in text


def test_it_warns_when_a_year_has_no_statutory_holiday_data(plan, world, login):
    with acting(Channel.TEST):
        services_plan.update_schedule(plan.order, actor=world.pm,
                                      data={"start": date(2026, 12, 24)})
    response = page(login(world.pm), plan.order)
    assert "2027 年的法定节假日数据尚未收录，按周末和手工录入的假日计算" in \
        response.content.decode()


def test_it_compares_the_computed_finish_with_the_promised_date(plan, world, login):
    promised = plan.order.promised_date
    with acting(Channel.TEST):
        services_plan.update_schedule(plan.order, actor=world.pm,
                                      data={"start": promised + timedelta(days=7)})
    schedule = Schedule.objects.get(order=plan.order)
    response = page(login(world.pm), plan.order)
    late = (schedule.finish - promised).days
    assert late > 7 and response.context["late_days"] == late
    assert f"晚于承诺 {late} 天" in response.content.decode()


def test_it_shows_an_empty_schedule_with_what_to_do(world, login):
    with acting(Channel.TEST):
        order = draft_order(world)
    response = page(login(world.pm), order)
    text = response.content.decode()
    assert response.status_code == 200
    assert "还没有任务：新建任务或导入 MS Project / P6 文件" in text
    assert reverse("scheduling:task_create", args=[order.pk]) in text


def test_it_lets_a_buyer_read_the_schedule_without_planning_it(plan, world, login):
    response = page(login(world.buyer), plan.order)
    assert response.status_code == 200
    text = response.content.decode()
    assert "底板浇筑" in text
    assert reverse("scheduling:task_create", args=[plan.order.pk]) not in text
    assert reverse("scheduling:schedule_recompute", args=[plan.order.pk]) not in text


@pytest.mark.parametrize("who", ["worker", "client", "outsider", "other_pm"])
def test_it_hides_the_schedule_from_those_who_do_not_read_the_orders_plan(plan, world,
                                                                          login, who):
    assert page(login(getattr(world, who)), plan.order).status_code == 404


def test_it_saves_the_settings_and_recomputes(plan, world, login):
    client = login(world.pm)
    url = reverse("scheduling:schedule_settings", args=[plan.order.pk])
    response = client.post(url, {"start": "2026-03-09", "status_date": "", "calendar": ""})
    assert response.status_code == 302
    schedule = Schedule.objects.get(order=plan.order)
    assert schedule.start == date(2026, 3, 9) and schedule.status_date is None
    plan.design.refresh_from_db()
    assert plan.design.early_start == date(2026, 3, 9)
    response = client.post(url, {"start": "2026-03-09", "status_date": "2026-03-12",
                                 "calendar": plan.calendar.pk})
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert schedule.status_date == date(2026, 3, 12) and schedule.calendar == plan.calendar


def test_it_refuses_settings_without_a_start_and_writes_nothing(plan, world, login):
    client = login(world.pm)
    before = (AuditEntry.objects.count(), Schedule.objects.get(order=plan.order).version)
    response = client.post(reverse("scheduling:schedule_settings", args=[plan.order.pk]),
                           {"start": "", "status_date": "", "calendar": ""})
    assert response.status_code == 200
    assert "请填写计划开始日期。" in response.content.decode()
    assert (AuditEntry.objects.count(),
            Schedule.objects.get(order=plan.order).version) == before


def test_it_refuses_the_settings_to_a_buyer(plan, world, login):
    url = reverse("scheduling:schedule_settings", args=[plan.order.pk])
    assert login(world.buyer).get(url).status_code == 403


def test_it_recomputes_on_request_for_a_planner_only(plan, world, login):
    url = reverse("scheduling:schedule_recompute", args=[plan.order.pk])
    assert login(world.buyer).post(url).status_code == 403
    assert login(world.worker).post(url).status_code == 404
    response = login(world.pm).post(url)
    assert response.status_code == 302
    assert AuditEntry.objects.filter(event="schedule.recomputed").count() == 1
