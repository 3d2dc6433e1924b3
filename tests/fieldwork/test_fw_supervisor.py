"""The supervisor view (今日现场): the day's check-ins per site, who was expected and has
not come, flagged and forgotten check-ins; office and project managers only, each his
own sites."""

from __future__ import annotations

import datetime as dt
import itertools
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from eoms.accounts import services as accounts
from eoms.accounts.models import CrewMembership, Role
from eoms.core.context import Channel, acting
from eoms.fieldwork import services
from eoms.fieldwork.choices import CheckInState, LocationStatus
from eoms.fieldwork.models import CheckIn
from eoms.fieldwork.queries import day_bounds
from eoms.masterdata.models import ProjectMember
from eoms.scheduling import services as scheduling
from eoms.testing.fieldwork_world import at_site, build_fieldwork
from eoms.testing.queries import page_size_independent
from eoms.testing.world import PASSWORD

URL = "fieldwork:supervisor"


def _member(world, username, name, crew=None):
    with acting(Channel.TEST):
        user = accounts.create_user(actor=None, check_permission=False, username=username,
                                    password=PASSWORD, roles=[Role.SITE_WORKER],
                                    last_name=name[:1], first_name=name[1:])
        ProjectMember.objects.create(project=world.project, user=user)
        if crew is not None:
            CrewMembership.objects.create(crew=crew, user=user)
    return user


@pytest.fixture
def field(world):
    """The world's check-ins of today (world.worker on the pour, field.mate on the cure,
    flagged), both tasks in progress, a third crew member who did not come, and a worker
    who checked in two days ago and never checked out."""
    field = build_fieldwork(world)
    field.absent = _member(world, "absent", "马缺勤", crew=world.crew)
    field.forgetful = _member(world, "forgetful", "牛忘签")
    with acting(Channel.TEST):
        for task in (field.plan.pour, field.plan.cure):
            scheduling.report_progress(task, actor=world.manager, percent=30)
        field.old = services.check_in(world.site, actor=field.forgetful,
                                      at=timezone.now() - timedelta(days=2),
                                      **at_site(world.site))
    return field


def _boards(response):
    assert response.status_code == 200, response.content[:300]
    return {b.site.code: b for b in response.context["boards"]}


def _names(people):
    return {e.user.username for e in people}


def test_it_lists_todays_checkins_with_who_is_missing_and_what_is_flagged(world, field, login):
    response = login(world.pm).get(reverse(URL))
    board = _boards(response)[world.site.code]
    assert {c.pk for c in board.checkins} == {field.checkin.pk, field.mate_checkin.pk}
    assert _names(board.expected.values()) == {"worker", "mate", "absent"}
    assert _names(board.missing) == {"absent"}
    assert (board.present, board.flagged) == (2, 1)
    assert [c.pk for c in board.still_open] == [field.old.pk]
    assert response.context["totals"] == {"present": 2, "expected": 3, "missing": 1,
                                          "flagged": 1, "still_open": 1}
    page = response.content.decode()
    for text in ("马缺勤", "养护", "手机定位打不开", "无定位", "围栏内", "牛忘签",
                 "以前的签到未签退"):
        assert text in page, text


def test_it_counts_a_missing_worker_as_present_once_he_checks_in(world, field, login):
    with acting(Channel.TEST):
        services.check_in(world.site, actor=field.absent, task=field.plan.cure,
                          **at_site(world.site))
    board = _boards(login(world.pm).get(reverse(URL)))[world.site.code]
    assert board.missing == [] and board.present == 3


def test_it_leaves_out_done_tasks_and_workers_of_other_sites(world, field, login):
    with acting(Channel.TEST):
        scheduling.report_progress(field.plan.cure, actor=world.manager, percent=100)
    board = _boards(login(world.pm).get(reverse(URL)))[world.site.code]
    assert _names(board.expected.values()) == {"worker"}  # the pour is his alone
    assert "other_worker" not in _names(board.expected.values())


def test_it_shows_another_day_from_the_plan(world, login):
    field = build_fieldwork(world)  # nothing reported: the tasks keep their planned days
    _member(world, "absent", "马缺勤", crew=world.crew)
    field.plan.cure.refresh_from_db()
    day = field.plan.cure.early_start
    response = login(world.pm).get(reverse(URL), {"date": day.isoformat()})
    assert response.context["day"] == day
    board = _boards(response)[world.site.code]
    assert board.checkins == [] and board.present == 0
    assert {"worker", "mate", "absent"} <= _names(board.missing)
    bad = login(world.pm).get(reverse(URL), {"date": "前天"})
    assert bad.context["day"] == timezone.localdate()
    assert "格式不对" in bad.content.decode()


def test_it_shows_each_supervisor_his_own_sites_only(world, field, login):
    pm = _boards(login(world.pm).get(reverse(URL)))
    assert set(pm) == {world.site.code}
    other = _boards(login(world.other_pm).get(reverse(URL)))
    assert set(other) == {world.other_site.code}
    assert [c.pk for c in other[world.other_site.code].checkins] == [field.other_checkin.pk]
    assert "浦东一号工地" not in login(world.other_pm).get(reverse(URL)).content.decode()
    office = _boards(login(world.finance).get(reverse(URL)))
    assert set(office) == {world.site.code, world.other_site.code}
    for who in (world.worker, world.qc, world.buyer, world.client, world.outsider):
        assert login(who).get(reverse(URL)).status_code == 403, who.username


_serial = itertools.count(1)


def test_it_costs_the_same_queries_for_10_and_100_checkins(world, field, login):
    start = day_bounds(timezone.localdate())[0]

    def add(n):
        rows = []
        for i in (next(_serial) for _ in range(n)):
            # UTC, as read back from the database: the page names each row by its str()
            at = (start + timedelta(hours=5, minutes=i)).astimezone(dt.UTC)
            rows.append(CheckIn(worker=world.worker, site=world.site, checked_in_at=at,
                                state=CheckInState.CLOSED, checked_out_at=at,
                                location_status=LocationStatus.INSIDE))
        return CheckIn.objects.bulk_create(rows)

    small, large = page_size_independent(login(world.pm), reverse(URL), add)
    assert small == large
