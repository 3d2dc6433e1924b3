"""The year view: what colour each day gets, the warning for years without holiday data,
and what a change on the calendar does to the schedules that use it."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest

from eoms.core.context import Channel, acting
from eoms.scheduling import calendars, services_plan
from eoms.scheduling.models import WorkCalendar
from eoms.testing.scheduling_world import build_schedule

WARNING = "2027 年的法定节假日尚未收录：按周末计算，请手工录入放假和调休安排"


@pytest.fixture
def plan(world):
    return build_schedule(world)


def _page(client, calendar, query=""):
    response = client.get(f"/schedule/calendars/{calendar.pk}/{query}")
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _kind(page, day):
    """The colour class of one date's cell."""
    found = re.search(rf'<td class="eoms-cal-([a-z-]+)[^"]*" title="{day} ', page)
    assert found, f"no cell for {day}"
    return found.group(1)


def test_it_colours_each_kind_of_day(world, login, plan):
    with acting(Channel.TEST):
        services_plan.set_exception(plan.calendar, actor=world.manager, day=date(2026, 6, 1),
                                    kind="holiday", name="公司年会")
        services_plan.set_exception(plan.calendar, actor=world.manager, day=date(2026, 6, 6),
                                    kind="workday", name="赶工")
    page = _page(login(world.worker), plan.calendar, "?year=2026")
    assert _kind(page, "2026-03-02") == "work"  # a Monday
    assert _kind(page, "2026-03-07") == "weekend"  # a Saturday
    assert _kind(page, "2026-10-01") == "holiday"
    assert _kind(page, "2026-10-10") == "makeup"  # a Saturday worked for National Day
    assert _kind(page, "2026-06-01") == "company-off"
    assert _kind(page, "2026-06-06") == "company-work"
    assert 'title="2026-10-01 国庆节（法定节假日）"' in page
    assert 'title="2026-06-01 公司年会（公司休息日）"' in page
    assert page.count('<td class="eoms-cal-') == 365
    # the colours agree with the engine's calendar, day by day
    spec = calendars.to_spec(WorkCalendar.objects.get(pk=plan.calendar.pk))
    working = calendars.working_days_inclusive(spec, date(2026, 1, 1), date(2026, 12, 31))
    assert f"2026 年 · {working} 个工作日" in page
    cells = re.findall(r'<td class="eoms-cal-([a-z-]+)', page)
    assert sum(k in ("work", "makeup", "company-work") for k in cells) == working


def test_it_ignores_statutory_days_on_a_calendar_that_does_not_follow_them(world, login):
    with acting(Channel.TEST):
        own = services_plan.save_calendar(None, actor=world.manager, data={
            "name": "连续作业日历", "weekdays": [0, 1, 2, 3, 4, 5, 6],
            "statutory_holidays": False})
    page = _page(login(world.manager), own, "?year=2026")
    assert _kind(page, "2026-10-01") == "work" and _kind(page, "2026-03-07") == "work"
    assert "2026 年 · 365 个工作日" in page
    assert "尚未收录" not in _page(login(world.manager), own, "?year=2027")


def test_it_warns_about_years_without_holiday_data_until_someone_enters_them(world, login,
                                                                             plan):
    assert calendars.STATUTORY_LAST_YEAR == 2026  # chinese-calendar 1.11; update the test
    client = login(world.pm)
    assert WARNING not in _page(client, plan.calendar, "?year=2026")
    page = _page(client, plan.calendar, "?year=2027")
    assert WARNING in page
    assert _kind(page, "2027-10-01") == "work"  # a Friday: weekends only, as it says
    response = client.post(f"/schedule/calendars/{plan.calendar.pk}/exceptions/", {
        "date": "2027-10-01", "kind": "holiday", "name": "国庆节", "year": "2027"})
    assert response.status_code == 302
    page = _page(client, plan.calendar, "?year=2027")
    assert WARNING not in page
    assert _kind(page, "2027-10-01") == "company-off"
    assert "2028 年的法定节假日尚未收录" in _page(client, plan.calendar, "?year=2028")


def test_it_prefills_the_form_for_the_day_clicked(world, login, plan):
    client = login(world.pm)
    page = _page(client, plan.calendar, "?year=2026&day=2026-03-03")
    assert 'value="2026-03-03"' in page
    assert re.search(r'<option value="holiday" selected>', page)  # a working day: a holiday
    page = _page(client, plan.calendar, "?year=2026&day=2026-03-07")
    assert re.search(r'<option value="workday" selected>', page)  # a Saturday: work it
    assert "取消这天的例外" not in page.split('id="exceptions"')[0]


def _dates(*tasks):
    for task in tasks:
        task.refresh_from_db()
    return [(t.early_start, t.early_finish) for t in tasks]


def test_a_holiday_set_on_the_page_moves_the_schedule_and_cancelling_it_moves_it_back(
        world, login, plan):
    client = login(world.pm)
    tasks = (plan.design, plan.drawings, plan.pour, plan.cure, plan.handover)
    before = _dates(*tasks)
    assert before == [(date(2026, 3, 2), date(2026, 3, 4)), (date(2026, 3, 4), date(2026, 3, 4)),
                      (date(2026, 3, 5), date(2026, 3, 6)), (date(2026, 3, 6), date(2026, 3, 12)),
                      (date(2026, 3, 12), date(2026, 3, 12))]
    response = client.post(f"/schedule/calendars/{plan.calendar.pk}/exceptions/", {
        "date": "2026-03-03", "kind": "holiday", "name": "停电检修"})
    assert response.status_code == 302
    assert response["Location"].endswith("?year=2026&day=2026-03-03#day-panel")
    assert _dates(*tasks) == [
        (date(2026, 3, 2), date(2026, 3, 5)), (date(2026, 3, 5), date(2026, 3, 5)),
        (date(2026, 3, 6), date(2026, 3, 9)), (date(2026, 3, 9), date(2026, 3, 13)),
        (date(2026, 3, 13), date(2026, 3, 13))]
    page = _page(client, plan.calendar, "?year=2026&day=2026-03-03")
    assert "停电检修（公司休息日）" in page
    row = plan.calendar.exceptions.get(date=date(2026, 3, 3))
    response = client.post(f"/schedule/calendars/exceptions/{row.pk}/delete/")
    assert response.status_code == 302
    assert _dates(*tasks) == before


def test_it_refuses_to_delete_a_calendar_in_use_and_says_why(world, login, plan):
    with acting(Channel.TEST):
        services_plan.update_schedule(plan.order, actor=world.manager,
                                      data={"calendar": plan.calendar})
    client = login(world.pm)
    response = client.post(f"/schedule/calendars/{plan.calendar.pk}/delete/", follow=True)
    assert "该日历正被进度计划使用，不能删除。" in response.content.decode()
    assert WorkCalendar.objects.filter(pk=plan.calendar.pk).exists()
    with acting(Channel.TEST):
        services_plan.update_schedule(plan.order, actor=world.manager, data={"calendar": None})
    response = client.post(f"/schedule/calendars/{plan.calendar.pk}/delete/", follow=True)
    assert "已删除工作日历“一号项目日历”。" in response.content.decode()
    assert not WorkCalendar.objects.filter(pk=plan.calendar.pk).exists()
