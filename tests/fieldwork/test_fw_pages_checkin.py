"""The phone pages without script: today, the check-in form posted as a plain multipart
form, a check-in's page and check-out. Refusals come back on the form naming the field,
with nothing written; each user sees only what his role allows."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from eoms.audit.models import AuditEntry
from eoms.core.context import Channel, acting
from eoms.fieldwork import services
from eoms.fieldwork.choices import CheckInState, LocationStatus
from eoms.fieldwork.models import CheckIn, Photo, TimesheetEntry
from eoms.testing.fieldwork_world import at_site, build_fieldwork
from eoms.testing.photo_samples import jpeg_upload, uploaded

TODAY, CREATE = "/field/", "/field/checkins/new/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def field(world):
    return build_fieldwork(world)


def _detail(checkin):
    return f"/field/checkins/{checkin.pk}/"


def _checkout(checkin):
    return f"/field/checkins/{checkin.pk}/checkout/"


def _at_site(site, **extra):
    return {"site": site.pk, **{k: str(v) for k, v in at_site(site).items()}, **extra}


def _written():
    return CheckIn.objects.count(), Photo.objects.count(), AuditEntry.objects.count()


def test_it_shows_a_workers_day_his_sites_tasks_and_open_check_in(world, field, login):
    page = login(world.worker).get(TODAY)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-field-page' in html and 'id="field-strings"' in html
    assert "底板浇筑" in html and "养护" in html  # his own task and his crew's
    assert "配电箱安装" not in html  # another project's task
    assert f'action="{_checkout(field.checkin)}"' in html  # his open check-in, to check out
    assert f'value="{world.site.pk}"' in html and 'data-lat="31.230400"' in html
    assert f'value="{world.other_site.pk}"' not in html
    assert 'capture="environment"' in html and 'accept="image/*"' in html
    assert '<link rel="manifest" href="/field/manifest.webmanifest">' in html


def test_it_preselects_the_task_asked_for_and_its_site(world, field, login):
    html = login(field.mate).get(TODAY, {"task": field.plan.cure.pk}).content.decode()
    assert f'<option value="{field.plan.cure.pk}" selected data-site="" data-project=' \
           f'"{world.project.pk}">' in html
    assert f'<option value="{world.site.pk}" selected data-project="{world.project.pk}" ' \
           f'data-radius="300" data-lat="31.230400" data-lon="121.473700">' in html


def test_it_does_not_preselect_the_site_he_is_still_checked_in_at(world, field, login):
    html = login(world.worker).get(TODAY).content.decode()
    assert f'<option value="{world.site.pk}" selected' not in html
    with acting(Channel.TEST):
        services.check_out(field.checkin, actor=world.worker)
    html = login(world.worker).get(TODAY).content.decode()
    assert f'<option value="{world.site.pk}" selected' in html


def test_it_checks_in_without_script_with_photos(world, field, login):
    client = login(world.pm)
    answer = client.post(CREATE, {**_at_site(world.site, note="基坑巡查"),
                                  "photos": [jpeg_upload("一.jpg"), jpeg_upload("二.jpg")]})
    assert answer.status_code == 302 and answer["Location"] == TODAY
    checkin = CheckIn.objects.get(worker=world.pm)
    assert checkin.location_status == LocationStatus.INSIDE and not checkin.flagged
    assert checkin.note == "基坑巡查" and checkin.photos.count() == 2
    page = client.get(TODAY).content.decode()
    assert "已在“浦东一号工地”签到" in page
    assert f'href="/field/photos/{checkin.photos.first().pk}/image.jpg"' in page


def test_it_flags_a_check_in_outside_the_fence_and_keeps_the_reason(world, field, login):
    answer = login(world.qc).post(CREATE, {
        "site": world.site.pk, "latitude": "31.300000", "longitude": "121.473700",
        "accuracy": "20", "flag_reason": "在搅拌站取样"})
    assert answer.status_code == 302
    checkin = CheckIn.objects.get(worker=world.qc)
    assert checkin.location_status == LocationStatus.OUTSIDE and checkin.flagged
    assert checkin.flag_reason == "在搅拌站取样" and checkin.distance_m > 7000


def test_it_records_a_check_in_without_location_as_flagged(world, field, login):
    assert login(world.buyer).post(CREATE, {"site": world.site.pk}).status_code == 302
    checkin = CheckIn.objects.get(worker=world.buyer)
    assert checkin.location_status == LocationStatus.NO_LOCATION and checkin.flagged


BAD_INPUT = {
    "no_site": ({"site": ""}, "请选择签到的工地。"),
    "other_project_site": ({"site": "OTHER"}, "你不能在这个工地签到"),
    "percent_over_100": ({"progress_percent": "150"}, "完成百分比必须是 0 到 100 的整数。"),
    "percent_not_a_number": ({"progress_percent": "一半"}, "完成百分比必须是 0 到 100 的整数。"),
    "negative_quantity": ({"quantity_done": "-3"}, "完成工程量必须是不小于 0 的数字。"),
    "latitude_text": ({"latitude": "北纬31"}, "坐标必须是数字。"),
    "latitude_out_of_range": ({"latitude": "91"}, "坐标超出范围"),
    "latitude_without_longitude": ({"longitude": ""}, "纬度和经度必须同时提供。"),
    "task_of_another_project": ({"task": "OTHER_TASK"}, "这个任务不是你或你班组的任务。"),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_it_refuses_bad_input_naming_the_field_and_writes_nothing(case, world, field, login):
    change, message = BAD_INPUT[case]
    values = {k: (world.other_site.pk if v == "OTHER" else field.plan.other_task.pk
                  if v == "OTHER_TASK" else v) for k, v in change.items()}
    client = login(world.pm)
    before = _written()
    answer = client.post(CREATE, {**_at_site(world.site), **values,
                                  "photos": [jpeg_upload()]})
    assert answer.status_code == 200
    html = answer.content.decode()
    assert message in html, html[:2000]
    assert "is-invalid" in html or "alert-danger" in html
    assert _written() == before


def test_it_refuses_a_malicious_photo_naming_it_and_writes_nothing(world, field, login):
    client = login(world.pm)
    before = _written()
    bad = uploaded(b"<html><script>alert(1)</script></html>", "照片.jpg")
    answer = client.post(CREATE, {**_at_site(world.site), "photos": [jpeg_upload(), bad]})
    assert answer.status_code == 200
    assert "照片.jpg" in answer.content.decode()
    assert _written() == before


def test_it_refuses_a_second_open_check_in_at_the_same_site(world, field, login):
    client = login(world.worker)
    before = _written()
    answer = client.post(CREATE, _at_site(world.site))
    assert answer.status_code == 200
    assert "请先签退再重新签到" in answer.content.decode()
    assert _written() == before


def test_it_keeps_roles_that_do_not_check_in_out(world, field, login):
    assert login(world.client).get(TODAY).status_code == 403
    finance = login(world.finance)
    page = finance.get(TODAY)
    assert page.status_code == 200 and "你的角色不需要现场签到。" in page.content.decode()
    assert 'id="checkin-form"' not in page.content.decode()
    before = _written()
    assert finance.post(CREATE, _at_site(world.site)).status_code == 403
    assert _written() == before


def test_it_shows_a_check_in_to_those_who_see_it_only(world, field, login):
    url = _detail(field.checkin)
    for user in (world.worker, world.pm, world.manager, world.finance):
        page = login(user).get(url)
        assert page.status_code == 200, user
        assert "底板钢筋绑扎" in page.content.decode() and "围栏内" in page.content.decode()
    for user in (field.mate, world.other_pm, world.outsider, world.client):
        assert login(user).get(url).status_code == 404, user
    mate_page = login(world.worker).get(_detail(field.mate_checkin)).content.decode()
    assert "无定位" in mate_page and "手机定位打不开" in mate_page and "需核查" in mate_page
    assert 'action="/field/checkins/' not in mate_page  # his crew's: he reads, not closes


def _earlier(checkin, hours):
    with acting(Channel.TEST):
        CheckIn.objects.filter(pk=checkin.pk).update(
            checked_in_at=timezone.now() - timedelta(hours=hours))


def test_it_checks_out_with_the_hours_proposed_from_the_time_on_site(world, field, login):
    _earlier(field.checkin, 3)
    client = login(world.worker)
    page = client.get(TODAY).content.decode()
    prefix = f"out{field.checkin.pk}"
    assert f'name="{prefix}-hours_worked" value="3"' in page
    answer = client.post(_checkout(field.checkin), {f"{prefix}-hours_worked": "2.5",
                                                    f"{prefix}-progress_percent": "40",
                                                    f"{prefix}-note": "明天继续"})
    assert answer.status_code == 302 and answer["Location"] == TODAY
    closed = CheckIn.objects.get(pk=field.checkin.pk)
    assert closed.state == CheckInState.CLOSED and closed.hours_worked == Decimal("2.5")
    assert closed.checkout_note == "明天继续" and closed.progress_percent == 40
    entry = TimesheetEntry.objects.get(checkin=closed)
    assert entry.hours == Decimal("2.5") and entry.worker == world.worker
    assert "已签退“浦东一号工地”，工时 2.5 小时已记入工时表。" in client.get(TODAY).content.decode()
    again = client.post(_checkout(field.checkin), {f"{prefix}-hours_worked": "1"})
    assert again.status_code == 302 and TimesheetEntry.objects.filter(checkin=closed).count() == 1


@pytest.mark.parametrize(("hours", "message"), [
    ("10", "超过了签到后的在岗时间"), ("25", "工时必须是 0 到 24 之间的数字。"),
    ("八小时", "工时必须是 0 到 24 之间的数字。")])
def test_it_refuses_impossible_hours_and_writes_nothing(hours, message, world, field, login):
    _earlier(field.checkin, 2)
    client = login(world.worker)
    before = (*_written(), TimesheetEntry.objects.count())
    answer = client.post(_checkout(field.checkin), {f"out{field.checkin.pk}-hours_worked": hours})
    assert answer.status_code == 200
    html = answer.content.decode()
    assert message in html and "is-invalid" in html
    assert (*_written(), TimesheetEntry.objects.count()) == before
    assert CheckIn.objects.get(pk=field.checkin.pk).state == CheckInState.OPEN


def test_it_lets_only_the_worker_check_out(world, field, login):
    body = {f"out{field.checkin.pk}-hours_worked": "0.25"}
    assert login(world.pm).post(_checkout(field.checkin), body).status_code == 403
    assert login(field.mate).post(_checkout(field.checkin), body).status_code == 404
    assert login(world.other_pm).post(_checkout(field.checkin), body).status_code == 404
    assert CheckIn.objects.get(pk=field.checkin.pk).state == CheckInState.OPEN


def _check_ins_today(world, field, count):
    """`count` closed check-ins of the worker today, each with a photo."""
    for _ in range(count):
        with acting(Channel.TEST):
            made = services.check_in(world.site, actor=world.worker, files=[jpeg_upload()],
                                     **at_site(world.site))
            services.check_out(made, actor=world.worker)
        CheckIn.objects.filter(pk=made.pk).update(
            checked_in_at=timezone.now() - timedelta(minutes=30))


def test_it_costs_the_same_queries_for_2_and_8_check_ins_today(world, field, login):
    client = login(world.worker)
    with acting(Channel.TEST):
        services.check_out(field.checkin, actor=world.worker)
    _check_ins_today(world, field, 2)
    client.get(TODAY)
    with CaptureQueriesContext(connection) as few:
        assert client.get(TODAY).status_code == 200
    _check_ins_today(world, field, 6)
    with CaptureQueriesContext(connection) as many:
        page = client.get(TODAY)
    assert page.content.decode().count('class="list-group-item fw-today-checkin"') == 9
    assert len(many) == len(few), [q["sql"][:160] for q in many.captured_queries]
