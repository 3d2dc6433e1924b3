"""Work calendars by API: company, project and crew calendars, the days of a year with
why each is worked or not (weekend, statutory holiday, 调休, company day off), exceptions
by date, and the schedules that use a calendar recomputed when it changes."""

import json

import pytest

from eoms.scheduling.models import CalendarException, Schedule, WorkCalendar
from eoms.testing.orders_world import build_orders
from eoms.testing.scheduling_world import build_schedule

URL = "/api/v1/scheduling/calendars"


@pytest.fixture
def world(module_world, db):
    return module_world


@pytest.fixture
def plan(world):
    return build_schedule(world, build_orders(world))


def _send(client, method, url, body, **headers):
    return client.generic(method, url, json.dumps(body), content_type="application/json",
                          headers=headers)


def _refused(client, method, url, body, status=422, **headers):
    before = (WorkCalendar.objects.count(), CalendarException.objects.count(),
              list(WorkCalendar.objects.values_list("version", flat=True)))
    response = _send(client, method, url, body, **headers)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert (WorkCalendar.objects.count(), CalendarException.objects.count(),
            list(WorkCalendar.objects.values_list("version", flat=True))) == before
    return {e["field"]: e["message"] for e in response.json().get("errors", [])}


def _finish(plan):
    return Schedule.objects.get(pk=plan.schedule.pk).finish.isoformat()


def test_it_lists_calendars_to_the_staff_only(world, login, plan):
    response = login(world.worker).get(URL)
    assert response.status_code == 200
    assert [c["code"] for c in response.json()["results"]] == [plan.calendar.code]
    assert response.json()["results"][0]["project"] == "PRJ-T001"
    assert login(world.client).get(URL).status_code == 403


def test_a_manager_creates_a_six_day_company_calendar(world, login, plan):
    body = {"name": "六天工作制", "weekdays": [0, 1, 2, 3, 4, 5],
            "intervals": [["07:30", "11:30"], ["13:00", "18:00"]], "is_default": True}
    response = _send(login(world.manager), "POST", URL, body)
    assert response.status_code == 201, response.content
    data = response.json()
    calendar = WorkCalendar.objects.get(name="六天工作制")
    assert response["Location"] == f"{URL}/{calendar.pk}"
    assert (data["hours_per_day"], data["weekdays"], data["is_default"]) == (
        9.0, [0, 1, 2, 3, 4, 5], True)


def test_a_project_manager_creates_the_calendar_of_his_project(world, login, plan, ctx):
    WorkCalendar.objects.filter(pk=plan.calendar.pk).delete()
    response = _send(login(world.pm), "POST", URL, {"name": "项目日历", "project": "PRJ-T001"})
    assert response.status_code == 201, response.content
    assert response.json()["project"] == "PRJ-T001"


def test_a_project_manager_may_not_make_a_company_calendar(world, login, plan):
    _refused(login(world.pm), "POST", URL, {"name": "公司日历"}, status=403)


def test_it_names_a_project_the_user_does_not_manage(world, login, plan):
    errors = _refused(login(world.pm), "POST", URL, {"name": "别人的", "project": "PRJ-T002"})
    assert list(errors) == ["project"]


def test_it_says_which_calendar_a_project_already_has(world, login, plan):
    errors = _refused(login(world.manager), "POST", URL,
                      {"name": "第二份", "project": "PRJ-T001"})
    assert errors == {"project": f"PRJ-T001 已有工作日历 {plan.calendar.code}，请修改那一份。"}


@pytest.mark.parametrize(("body", "field"), [
    ({"weekdays": [7]}, "weekdays"),
    ({"weekdays": []}, "weekdays"),
    ({"weekdays": ["周一"]}, "weekdays.0"),
    ({"intervals": [["12:00", "08:00"]]}, "intervals"),
    ({"intervals": [["8点", "12点"]]}, "intervals"),
    ({"name": ""}, "name"),
])
def test_it_names_the_field_of_a_bad_calendar(world, login, plan, body, field):
    errors = _refused(login(world.manager), "POST", URL, {"name": "坏日历", **body})
    assert list(errors) == [field]


def test_it_recomputes_the_schedules_that_use_a_changed_calendar(world, login, plan):
    client = login(world.pm)
    assert _finish(plan) == "2026-03-12"
    response = _send(client, "PATCH", f"{URL}/{plan.calendar.pk}",
                     {"weekdays": [0, 1, 2, 3, 4, 5]},
                     **{"If-Match": f'"{plan.calendar.version}"'})
    assert response.status_code == 200, response.content
    assert _finish(plan) == "2026-03-11"  # Saturday 03-07 is worked now


def test_it_needs_a_current_version_to_change_a_calendar(world, login, plan):
    client = login(world.pm)
    _refused(client, "PATCH", f"{URL}/{plan.calendar.pk}", {"name": "改名"}, status=428)
    _refused(client, "PATCH", f"{URL}/{plan.calendar.pk}", {"name": "改名"}, status=412,
             **{"If-Match": '"40"'})


def test_another_project_manager_reads_but_may_not_change_the_calendar(world, login, plan):
    client = login(world.other_pm)
    assert client.get(f"{URL}/{plan.calendar.pk}").status_code == 200
    _refused(client, "PATCH", f"{URL}/{plan.calendar.pk}", {"name": "改名"}, status=403,
             **{"If-Match": f'"{plan.calendar.version}"'})
    _refused(client, "PUT", f"{URL}/{plan.calendar.pk}/exceptions/2026-03-05",
             {"kind": "holiday"}, status=403)


def test_it_tells_why_each_day_is_worked_or_not(world, login, plan):
    response = login(world.worker).get(f"{URL}/{plan.calendar.pk}/days", {"year": 2026})
    assert response.status_code == 200
    data = response.json()
    days = {d["date"]: d for d in data["days"]}
    assert len(days) == 365 and data["statutory_data"] and data["warning"] is None
    assert days["2026-02-17"] == {"date": "2026-02-17", "working": False,
                                  "reason": "statutory_holiday", "name": "春节",
                                  "label": "法定节假日：春节"}
    assert (days["2026-02-14"]["working"], days["2026-02-14"]["reason"]) == (
        True, "statutory_workday")
    assert days["2026-02-14"]["label"] == "调休上班：春节"
    assert (days["2026-03-07"]["working"], days["2026-03-07"]["reason"]) == (False, "weekend")
    assert days["2026-03-09"]["reason"] == "workday"
    assert data["working_days"] == sum(d["working"] for d in data["days"])


def test_it_warns_of_a_year_whose_holidays_are_not_published(world, login, plan):
    data = login(world.pm).get(f"{URL}/{plan.calendar.pk}/days", {"year": 2027}).json()
    assert not data["statutory_data"] and "2027 年" in data["warning"]
    assert {d["reason"] for d in data["days"]} == {"workday", "weekend"}


def test_it_refuses_a_year_out_of_range(world, login, plan):
    response = login(world.pm).get(f"{URL}/{plan.calendar.pk}/days", {"year": "明年"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "year"


def test_a_company_day_off_moves_the_schedule_and_shows_in_the_days(world, login, plan):
    client = login(world.pm)
    response = _send(client, "PUT", f"{URL}/{plan.calendar.pk}/exceptions/2026-03-05",
                     {"kind": "holiday", "name": "停电检修"})
    assert response.status_code == 200, response.content
    assert response.json() == {"date": "2026-03-05", "kind": "holiday", "name": "停电检修",
                               "source": "company"}
    assert _finish(plan) == "2026-03-13"
    day = next(d for d in client.get(f"{URL}/{plan.calendar.pk}/days",
                                     {"year": 2026}).json()["days"] if d["date"] == "2026-03-05")
    assert (day["working"], day["reason"], day["label"]) == (
        False, "company_holiday", "公司休息日：停电检修")
    assert client.delete(f"{URL}/{plan.calendar.pk}/exceptions/2026-03-05").status_code == 204
    assert _finish(plan) == "2026-03-12"
    response = client.delete(f"{URL}/{plan.calendar.pk}/exceptions/2026-03-05")
    assert response.status_code == 404 and "2026-03-05" in response.json()["detail"]


def test_it_names_a_bad_date_and_an_unknown_kind(world, login, plan):
    client = login(world.pm)
    errors = _refused(client, "PUT", f"{URL}/{plan.calendar.pk}/exceptions/2026-13-40",
                      {"kind": "holiday"})
    assert list(errors) == ["date"] and "YYYY-MM-DD" in errors["date"]
    errors = _refused(client, "PUT", f"{URL}/{plan.calendar.pk}/exceptions/2026-03-05",
                      {"kind": "vacation"})
    assert list(errors) == ["kind"]


def test_it_refuses_to_delete_a_calendar_in_use(world, login, plan, ctx):
    from eoms.scheduling import services_plan

    services_plan.update_schedule(plan.order, actor=world.manager,
                                  data={"calendar": plan.calendar})
    client = login(world.pm)
    response = client.delete(f"{URL}/{plan.calendar.pk}")
    assert response.status_code == 409
    assert "正被进度计划使用" in response.json()["detail"]
    assert WorkCalendar.objects.filter(pk=plan.calendar.pk).exists()


def test_it_deletes_an_unused_calendar(world, login, plan):
    assert login(world.pm).delete(f"{URL}/{plan.calendar.pk}").status_code == 204
    assert not WorkCalendar.objects.filter(pk=plan.calendar.pk).exists()


def test_it_hides_calendars_from_customers(world, login, plan):
    assert login(world.outsider).get(f"{URL}/{plan.calendar.pk}").status_code == 404
    assert login(world.client).delete(f"{URL}/{plan.calendar.pk}").status_code == 404
