"""Bad input on the calendar pages writes nothing and says exactly what is wrong."""

from __future__ import annotations

import html

import pytest

from eoms.audit.models import AuditEntry
from eoms.scheduling.models import CalendarException, WorkCalendar
from eoms.testing.scheduling_world import build_schedule

INTERVALS = "工作时段格式应为 08:00-12:00，且按时间先后不重叠。"
WEEKDAYS = "请至少选择一个工作日（周一至周日）。"


@pytest.fixture
def plan(world):
    return build_schedule(world)


def _state(calendar):
    calendar.refresh_from_db()
    return (AuditEntry.objects.count(), CalendarException.objects.count(),
            WorkCalendar.objects.count(), calendar.weekdays, calendar.intervals,
            calendar.version)


def _text(response):
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(("weekdays", "intervals", "message"), [
    ([], "08:00-12:00", WEEKDAYS),
    (["0", "1"], "25:00-26:00", INTERVALS),
    (["0", "1"], "08:00-12:00, 11:00-17:00", INTERVALS),
    (["0", "1"], "12:00-08:00", INTERVALS),
    (["0", "1"], "上午八点到十二点", INTERVALS),
    (["0", "1"], "", INTERVALS),
    (["0", "9"], "08:00-12:00", "9 不在可用的选项中"),
])
def test_it_refuses_bad_hours_and_keeps_the_calendar(world, login, plan, weekdays, intervals,
                                                     message):
    client = login(world.pm)
    before = _state(plan.calendar)
    response = client.post(f"/schedule/calendars/{plan.calendar.pk}/edit/", {
        "part": "hours", "year": "2026", "weekdays": weekdays, "intervals": intervals})
    page = _text(response)
    assert message in page
    assert 'class="invalid-feedback' in page  # shown on the field, in the editor
    assert "2026 年" in page
    assert _state(plan.calendar) == before


def test_it_refuses_bad_values_in_the_whole_form(world, login, plan):
    client = login(world.manager)
    before = _state(plan.calendar)
    response = client.post(f"/schedule/calendars/{plan.calendar.pk}/edit/", {
        "name": "一号项目日历", "project": str(world.project.pk), "weekdays": [],
        "intervals": "08:00-12:00,13:00-17:00", "statutory_holidays": "on"})
    assert WEEKDAYS in _text(response)
    assert _state(plan.calendar) == before


@pytest.mark.parametrize(("data", "message"), [
    ({"date": "2026-03-03", "kind": "vacation"}, "未知的例外类型。"),
    ({"date": "2026-03-03", "kind": ""}, "未知的例外类型。"),
    ({"date": "2026-13-45", "kind": "holiday"}, "请填写有效日期。"),
    ({"date": "明天", "kind": "holiday"}, "请填写有效日期。"),
    ({"date": "", "kind": "holiday"}, "请填写有效日期。"),
    ({"date": "1800-01-01", "kind": "holiday"}, "日期须在 2000 年到 2100 年之间。"),
])
def test_it_refuses_a_bad_exception(world, login, plan, data, message):
    client = login(world.pm)
    before = _state(plan.calendar)
    start = plan.design.early_start
    response = client.post(f"/schedule/calendars/{plan.calendar.pk}/exceptions/",
                           {**data, "year": "2026"})
    page = _text(response)
    assert message in page
    assert 'id="day-panel"' in page  # the editor again, with the form and its error
    assert _state(plan.calendar) == before
    plan.design.refresh_from_db()
    assert plan.design.early_start == start


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"project": "PROJECT"}, "project", "项目“浦东厂房扩建”已有工作日历，请直接编辑它。"),
    ({"crew": "CREW", "is_default": "on"}, "is_default", "公司默认日历不能属于项目或班组。"),
    ({"name": ""}, "name", "这个字段是必填项。"),
])
def test_it_refuses_a_calendar_that_cannot_be(world, login, plan, data, field, message):
    from eoms.core.context import Channel, acting
    from eoms.scheduling import services_plan

    with acting(Channel.TEST):
        services_plan.save_calendar(None, actor=world.manager, data={
            "name": "钢筋一班日历", "crew": world.crew})
    values = {"name": "新日历", "weekdays": ["0", "1", "2", "3", "4"],
              "intervals": "08:00-12:00", **data}
    values = {k: {"PROJECT": str(world.project.pk), "CREW": str(world.crew.pk)}.get(v, v)
              if isinstance(v, str) else v for k, v in values.items()}
    client = login(world.manager)
    before = (AuditEntry.objects.count(), WorkCalendar.objects.count())
    response = client.post("/schedule/calendars/new/", values)
    page = _text(response)
    assert message in page
    assert f'id="id_{field}_error"' in page or f'id="id_{field}' in page
    assert (AuditEntry.objects.count(), WorkCalendar.objects.count()) == before


def test_it_refuses_a_second_calendar_for_a_crew(world, login):
    from eoms.core.context import Channel, acting
    from eoms.scheduling import services_plan

    with acting(Channel.TEST):
        services_plan.save_calendar(None, actor=world.manager, data={
            "name": "钢筋一班日历", "crew": world.crew})
    response = login(world.manager).post("/schedule/calendars/new/", {
        "name": "又一个班组日历", "crew": str(world.crew.pk), "weekdays": ["0"],
        "intervals": "08:00-12:00"})
    assert "班组“钢筋一班”已有工作日历，请直接编辑它。" in _text(response)
    assert not WorkCalendar.objects.filter(name="又一个班组日历").exists()


def test_it_reads_hours_typed_the_chinese_way(world, login, plan):
    response = login(world.pm).post(f"/schedule/calendars/{plan.calendar.pk}/edit/", {
        "part": "hours", "weekdays": ["0", "1", "2", "3", "4"],
        "intervals": "１３：００～１７：００、8:00至12:00"})
    assert response.status_code == 302
    plan.calendar.refresh_from_db()
    assert plan.calendar.intervals == [["08:00", "12:00"], ["13:00", "17:00"]]


def test_it_survives_a_garbage_year_and_day(world, login, plan):
    client = login(world.worker)
    for query in ("?year=abc", "?year=99999", "?year=2026&day=2026-02-30", "?day=xyz"):
        response = client.get(f"/schedule/calendars/{plan.calendar.pk}/{query}")
        assert response.status_code == 200, query
    page = client.get(f"/schedule/calendars/{plan.calendar.pk}/?year=99999").content.decode()
    assert "2100 年" in page
