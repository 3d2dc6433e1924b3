"""A work calendar changed by someone else since the editor loaded it is not overwritten:
the service, the calendar form, the hours form beside the year view and the API refuse the
stale save, say who changed the calendar, and write nothing."""

from __future__ import annotations

import html
import json

import pytest

from eoms.audit.models import AuditEntry
from eoms.core.context import Channel, acting
from eoms.masterdata.services import StaleVersion
from eoms.scheduling import services_plan
from eoms.scheduling.models import WorkCalendar
from eoms.testing.scheduling_world import build_schedule


@pytest.fixture
def plan(world):
    return build_schedule(world)


@pytest.fixture
def changed(plan, world):
    """The manager renamed the calendar after the project manager opened it (version 1)."""
    assert plan.calendar.version == 1
    with acting(Channel.TEST):
        services_plan.save_calendar(plan.calendar, actor=world.manager,
                                    data={"name": "一号项目日历（修订）"}, expected_version=1)
    return plan.calendar


def _state(calendar):
    row = WorkCalendar.objects.get(pk=calendar.pk)
    return (row.name, row.weekdays, row.intervals, row.version,
            AuditEntry.objects.for_object(row).count())


def _who(calendar):
    """Who changed the calendar last, as the audit trail names him."""
    return AuditEntry.objects.for_object(calendar).order_by("-seq").first().actor_label


def _text(response):
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def test_it_refuses_a_stale_save_and_names_who_changed_the_calendar(world, plan, changed):
    before = _state(changed)
    with acting(Channel.TEST), pytest.raises(StaleVersion) as refused:
        services_plan.save_calendar(changed, actor=world.pm, expected_version=1,
                                    data={"weekdays": [0, 1, 2, 3, 4, 5]})
    assert refused.value.code == "stale"
    message = refused.value.messages[0]
    assert _who(changed) in message and "当前版本 2" in message
    assert _state(changed) == before


def test_it_saves_over_the_current_version(world, plan, changed):
    with acting(Channel.TEST):
        saved = services_plan.save_calendar(changed, actor=world.pm, expected_version=2,
                                            data={"weekdays": [0, 1, 2, 3, 4, 5]})
    assert (saved.version, saved.weekdays) == (3, [0, 1, 2, 3, 4, 5])


def test_the_forms_carry_the_version_they_were_loaded_with(world, login, plan):
    client = login(world.pm)
    edit = _text(client.get(f"/schedule/calendars/{plan.calendar.pk}/edit/"))
    assert 'type="hidden" name="version" value="1"' in edit
    editor = _text(client.get(f"/schedule/calendars/{plan.calendar.pk}/?year=2026"))
    assert 'type="hidden" name="version" value="1"' in editor  # the hours form
    create = _text(login(world.manager).get("/schedule/calendars/new/"))
    assert 'name="version"' not in create


def test_it_refuses_a_stale_calendar_form_and_writes_nothing(world, login, plan, changed):
    client = login(world.pm)
    before = _state(changed)
    response = client.post(f"/schedule/calendars/{changed.pk}/edit/", {
        "name": "一号项目日历", "project": str(world.project.pk), "weekdays": ["0", "1", "2"],
        "intervals": "08:00-12:00", "statutory_holidays": "on", "version": "1"})
    page = _text(response)
    assert "该日历已被" in page and _who(changed) in page and "当前版本 2" in page
    assert _state(changed) == before


def test_it_refuses_a_stale_hours_form_and_writes_nothing(world, login, plan, changed):
    client = login(world.pm)
    before = _state(changed)
    response = client.post(f"/schedule/calendars/{changed.pk}/edit/", {
        "part": "hours", "year": "2026", "weekdays": ["0", "1", "2", "3", "4", "5"],
        "intervals": "08:00-12:00, 13:00-17:00", "version": "1"})
    page = _text(response)
    assert "该日历已被" in page and _who(changed) in page
    assert "2026 年" in page  # back in the editor, with the error
    assert _state(changed) == before


def test_a_current_hours_form_saves(world, login, plan, changed):
    response = login(world.pm).post(f"/schedule/calendars/{changed.pk}/edit/", {
        "part": "hours", "year": "2026", "weekdays": ["0", "1", "2", "3", "4", "5"],
        "intervals": "08:00-12:00, 13:00-17:00", "version": "2"})
    assert response.status_code == 302
    changed.refresh_from_db()
    assert (changed.version, changed.weekdays) == (3, [0, 1, 2, 3, 4, 5])


@pytest.mark.parametrize("version", ["0", "abc"])
def test_it_refuses_a_version_that_is_no_version(world, login, plan, version):
    before = _state(plan.calendar)
    response = login(world.pm).post(f"/schedule/calendars/{plan.calendar.pk}/edit/", {
        "part": "hours", "year": "2026", "weekdays": ["0", "1"],
        "intervals": "08:00-12:00", "version": version})
    assert "版本" in _text(response)
    assert _state(plan.calendar) == before


def test_the_api_refuses_a_stale_patch_and_writes_nothing(world, login, plan, changed):
    before = _state(changed)
    response = login(world.pm).patch(
        f"/api/v1/scheduling/calendars/{changed.pk}", json.dumps({"weekdays": [0, 1]}),
        content_type="application/json", headers={"If-Match": '"1"'})
    assert response.status_code == 412, response.content
    assert _state(changed) == before
    fresh = login(world.pm).patch(
        f"/api/v1/scheduling/calendars/{changed.pk}", json.dumps({"weekdays": [0, 1]}),
        content_type="application/json", headers={"If-Match": '"2"'})
    assert fresh.status_code == 200, fresh.content
    assert fresh["ETag"] == '"3"'
