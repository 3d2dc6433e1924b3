"""The check-in list (签到记录): filters, paging, scoping and the Excel export."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta
from urllib.parse import quote

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from eoms.core.context import Channel, acting
from eoms.fieldwork import services
from eoms.fieldwork.models import CheckIn
from eoms.testing.fieldwork_world import at_site, build_fieldwork
from eoms.testing.queries import page_size_independent
from eoms.testing.routes import MAKERS

LIST, EXPORT = "fieldwork:checkin_list", "fieldwork:checkin_export"
EARLIER = timezone.localdate() - timedelta(days=3)


@pytest.fixture
def field(world):
    """The world's check-ins of today, and one of world.worker three days ago (closed)."""
    field = build_fieldwork(world)
    at = timezone.make_aware(datetime.combine(EARLIER, time(8)))
    with acting(Channel.TEST):
        field.earlier = services.check_in(world.site, actor=world.worker, at=at,
                                          note="上周的钢筋", **at_site(world.site))
        services.check_out(field.earlier, actor=world.worker, at=at + timedelta(hours=8),
                           hours_worked="7.5")
    return field


def _shown(client, **params):
    response = client.get(reverse(LIST), params)
    assert response.status_code == 200, response.content[:300]
    return {c.pk for c in response.context["checkins"]}


def test_it_filters_by_site_worker_flag_location_and_dates(world, field, login):
    office = login(world.finance)
    everything = {field.checkin.pk, field.mate_checkin.pk, field.other_checkin.pk,
                  field.earlier.pk}
    assert _shown(office) == everything
    assert _shown(office, site=world.other_site.pk) == {field.other_checkin.pk}
    assert _shown(office, worker=field.mate.pk) == {field.mate_checkin.pk}
    assert _shown(office, flagged="1") == {field.mate_checkin.pk}
    assert _shown(office, flagged="0") == everything - {field.mate_checkin.pk}
    assert _shown(office, location_status="no_location") == {field.mate_checkin.pk}
    day = EARLIER.isoformat()
    assert _shown(office, date_from=day, date_to=day) == {field.earlier.pk}
    assert _shown(office, date_from=(EARLIER + timedelta(days=1)).isoformat()) == \
        everything - {field.earlier.pk}
    assert _shown(office, q="上周") == {field.earlier.pk}


def test_it_ignores_bad_dates_with_a_message(world, field, login):
    office = login(world.finance)
    response = office.get(reverse(LIST), {"date_from": "上周一"})
    assert response.status_code == 200
    assert "格式不对" in response.content.decode()
    assert len(response.context["checkins"]) == 4
    backwards = office.get(reverse(LIST), {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert "开始日期不能晚于结束日期" in backwards.content.decode()
    assert len(backwards.context["checkins"]) == 4


def test_it_pages_the_list(world, field, login):
    MAKERS[CheckIn](world, 15, world.worker)
    client = login(world.worker)
    first = client.get(reverse(LIST), {"page_size": 10})
    assert len(first.context["checkins"]) == 10
    assert first.context["page_obj"].paginator.count == 18  # his 2, the mate's, 15 more
    second = client.get(reverse(LIST), {"page_size": 10, "page": 2})
    assert len(second.context["checkins"]) == 8


def test_it_shows_each_user_the_checkins_he_may_see(world, field, login):
    site_ones = {field.checkin.pk, field.mate_checkin.pk, field.earlier.pk}
    assert _shown(login(world.worker)) == site_ones  # his own and his crew member's
    assert _shown(login(field.mate)) == {field.mate_checkin.pk}
    assert _shown(login(world.pm)) == site_ones
    assert _shown(login(world.other_pm)) == {field.other_checkin.pk}
    assert login(world.client).get(reverse(LIST)).status_code == 403
    assert login(world.outsider).get(reverse(LIST)).status_code == 403


def _sheet(response):
    assert response.status_code == 200, response.content[:300]
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_it_exports_the_rows_the_user_may_see_only(world, field, login):
    header, rows = _sheet(login(world.pm).get(reverse(EXPORT)))
    assert header[:3] == ("签到记录", "施工人员", "工地")
    assert len(rows) == 3
    assert {row[2] for row in rows} == {"SITE-T01 浦东一号工地"}
    assert {row[1] for row in rows} == {"孙施工", "刘钢筋"}
    earlier = next(row for row in rows if row[7] is not None)
    assert earlier[7] == 7.5 and earlier[5].date() == EARLIER
    _header, flagged = _sheet(login(world.pm).get(reverse(EXPORT), {"flagged": "1"}))
    assert [(row[1], row[8], row[11]) for row in flagged] == [
        ("刘钢筋", "无定位", "手机定位打不开")]
    _header, everything = _sheet(login(world.finance).get(reverse(EXPORT)))
    assert len(everything) == 4
    response = login(world.pm).get(reverse(EXPORT))
    name = f"签到记录-{timezone.localdate():%Y%m%d}.xlsx"
    assert f"filename*=utf-8''{quote(name)}" in response["Content-Disposition"]
    for who in (world.worker, world.qc, world.client):
        assert login(who).get(reverse(EXPORT)).status_code == 403, who.username


@pytest.mark.parametrize("name", [LIST, EXPORT])
@pytest.mark.parametrize("who", ["pm", "manager"])
def test_it_costs_the_same_queries_for_10_and_100_rows(world, field, login, name, who):
    user = getattr(world, who)
    small, large = page_size_independent(login(user), reverse(name),
                                         lambda n: MAKERS[CheckIn](world, n, user))
    assert small == large
