"""The calendar editor for each role: management keeps company calendars, a project
manager only his project's calendar, other staff read, customers see none."""

from __future__ import annotations

from datetime import date

import pytest

from eoms.core.context import Channel, acting
from eoms.scheduling import services_plan
from eoms.scheduling.models import CalendarException, WorkCalendar
from eoms.testing.scheduling_world import build_schedule


@pytest.fixture
def plan(world):
    return build_schedule(world)


@pytest.fixture
def company(world):
    with acting(Channel.TEST):
        return services_plan.save_calendar(None, actor=world.manager, data={
            "name": "公司标准日历", "is_default": True})


def _url(calendar, suffix=""):
    return f"/schedule/calendars/{calendar.pk}/{suffix}"


def test_it_lists_every_calendar_with_who_may_edit_it(world, login, plan, company):
    page = login(world.worker).get("/schedule/calendars/").content.decode()
    assert "公司标准日历" in page and "一号项目日历" in page
    assert "管理层、项目经理 李项目" in page  # the project calendar: its PM too
    assert "公司默认日历" in page
    assert "你可编辑" not in page  # the worker edits nothing
    pm_page = login(world.pm).get("/schedule/calendars/").content.decode()
    assert pm_page.count("你可编辑") == 2  # one row in the table, one in the phone list


def test_it_lets_the_manager_edit_the_company_calendar(world, login, company):
    client = login(world.manager)
    page = client.get(_url(company)).content.decode()
    assert 'name="part" value="hours"' in page  # the hours form is there
    response = client.post(_url(company, "edit/"), {
        "part": "hours", "year": "2026", "weekdays": ["0", "1", "2", "3", "4", "5"],
        "intervals": "8:00-12:00，13:30-17:30"})
    assert response.status_code == 302, response.content.decode()[:2000]
    company.refresh_from_db()
    assert company.weekdays == [0, 1, 2, 3, 4, 5]
    assert company.intervals == [["08:00", "12:00"], ["13:30", "17:30"]]
    response = client.post(_url(company, "exceptions/"), {
        "date": "2026-06-01", "kind": "holiday", "name": "公司年会"})
    assert response.status_code == 302
    assert CalendarException.objects.get(calendar=company, date=date(2026, 6, 1)).name == "公司年会"


def test_it_lets_a_project_manager_edit_only_his_projects_calendar(world, login, plan, company):
    client = login(world.pm)
    response = client.post(_url(plan.calendar, "exceptions/"), {
        "date": "2026-03-03", "kind": "holiday", "name": "停电"})
    assert response.status_code == 302
    assert plan.calendar.exceptions.filter(date=date(2026, 3, 3)).exists()
    for url, data in [(_url(company, "exceptions/"), {"date": "2026-03-03", "kind": "holiday"}),
                      (_url(company, "edit/"), {"part": "hours", "weekdays": ["0"],
                                                "intervals": "08:00-12:00"}),
                      (_url(company, "delete/"), {})]:
        assert client.post(url, data).status_code == 403, url
    assert not company.exceptions.exists()
    company.refresh_from_db()
    assert company.weekdays == [0, 1, 2, 3, 4]
    page = client.get(_url(company)).content.decode()
    assert "你只能查看这本日历；它由管理层维护。" in page
    assert 'name="part"' not in page


def test_it_refuses_another_project_manager(world, login, plan):
    client = login(world.other_pm)
    assert client.get(_url(plan.calendar)).status_code == 200  # reading is staff-wide
    assert client.get(_url(plan.calendar, "edit/")).status_code == 403
    response = client.post(_url(plan.calendar, "exceptions/"), {
        "date": "2026-03-03", "kind": "holiday"})
    assert response.status_code == 403
    assert not plan.calendar.exceptions.exists()


def test_it_shows_the_worker_a_read_only_editor(world, login, plan):
    client = login(world.worker)
    page = client.get(_url(plan.calendar) + "?year=2026&day=2026-10-01").content.decode()
    assert "国庆节（法定节假日）" in page
    assert "你只能查看这本日历；它由管理层、项目经理 李项目维护。" in page
    assert "保存这天的安排" not in page
    assert client.get("/schedule/calendars/new/").status_code == 403
    response = client.post(_url(plan.calendar, "exceptions/"), {
        "date": "2026-03-03", "kind": "holiday"})
    assert response.status_code == 403
    assert not plan.calendar.exceptions.exists()


@pytest.mark.parametrize("who", ["outsider", "client"])
def test_it_hides_calendars_from_customers(world, login, plan, who):
    client = login(getattr(world, who))
    assert client.get("/schedule/calendars/").status_code == 403
    assert client.get(_url(plan.calendar)).status_code == 404
    response = client.post(_url(plan.calendar, "exceptions/"), {
        "date": "2026-03-03", "kind": "holiday"})
    assert response.status_code == 404
    assert not plan.calendar.exceptions.exists()


def test_it_lets_a_project_manager_create_a_calendar_for_his_project_only(world, login):
    client = login(world.pm)
    page = client.get("/schedule/calendars/new/").content.decode()
    assert 'name="crew"' not in page and 'name="is_default"' not in page
    response = client.post("/schedule/calendars/new/", {
        "name": "浦东项目日历", "project": str(world.other_project.pk), "weekdays": ["0", "1"],
        "intervals": "08:00-12:00", "statutory_holidays": "on"})
    assert response.status_code == 200
    assert "请选择一个你能管理的项目。" in response.content.decode()
    response = client.post("/schedule/calendars/new/", {
        "name": "浦东项目日历", "project": str(world.project.pk), "weekdays": ["0", "1"],
        "intervals": "08:00-12:00", "statutory_holidays": "on"})
    assert response.status_code == 302
    created = WorkCalendar.objects.get(name="浦东项目日历")
    assert created.project == world.project and created.weekdays == [0, 1]
