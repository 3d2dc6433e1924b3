"""The check-in API (/api/v1/fieldwork/): JSON and multipart check-ins, check-out, photos,
the timesheet; errors per field that write nothing; what each role sees."""

import datetime as dt
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from eoms.accounts import services as accounts
from eoms.audit.models import AuditEntry
from eoms.core.context import Channel, acting
from eoms.fieldwork.models import CheckIn, Photo, TimesheetEntry
from eoms.testing.fieldwork_world import at_site, build_fieldwork
from eoms.testing.photo_samples import jpeg_upload, uploaded

API = "/api/v1/fieldwork"


@pytest.fixture
def world(module_world, db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    for cached in ("_schedule", "_orders"):  # rolled back with the previous test
        module_world.__dict__.pop(cached, None)
    return module_world


@pytest.fixture
def field(world):
    return build_fieldwork(world)


def gate(where, **extra):
    """A check-in body from a phone at the site's gate."""
    position = at_site(where)
    return {"site": where.code, "latitude": float(position["latitude"]),
            "longitude": float(position["longitude"]), "accuracy": 12, **extra}


def post_json(client, path, body, **headers):
    return client.post(f"{API}{path}", json.dumps(body), content_type="application/json",
                       headers=headers)


def errors_of(response):
    assert response["Content-Type"] == "application/problem+json", response.content[:300]
    return {e["field"]: e["message"] for e in response.json().get("errors", [])}


def written():
    return (CheckIn.objects.count(), TimesheetEntry.objects.count(), Photo.objects.count(),
            AuditEntry.objects.count())


# --- check in ----------------------------------------------------------------------------

def test_it_checks_in_with_json_at_the_gate(world, field, login):
    response = post_json(login(world.pm), "/checkins", gate(world.site, note="巡查"))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["location_status"] == "inside" and data["location_status_label"] == "围栏内"
    assert data["flagged"] is False and data["distance_m"] == 0
    assert data["worker"] == "pm" and data["site"] == world.site.code
    assert data["source"] == "web" and data["photos"] == []
    assert response["Location"] == f"{API}/checkins/{data['id']}"
    assert response["ETag"] == f'"{data["version"]}"'


def test_it_checks_in_from_a_form_with_photos(world, field, login):
    client = login(world.pm)
    body = {k: str(v) for k, v in gate(world.site, note="钢筋进场").items()}
    response = client.post(f"{API}/checkins", {
        **body, "progress_percent": "", "photos": [jpeg_upload("东侧.jpg"),
                                                   jpeg_upload("西侧.jpg", color=(200, 40, 40))]})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["note"] == "钢筋进场" and len(data["photos"]) == 2
    photo = data["photos"][0]
    assert set(photo) >= {"id", "urls", "taken_at", "gps", "state", "state_label"}
    assert photo["urls"]["image"] == f"/field/photos/{photo['id']}/image.jpg"
    assert photo["urls"]["original"] == f"/field/photos/{photo['id']}/original.jpg"
    assert Photo.objects.filter(checkin_id=data["id"]).count() == 2


def test_it_flags_a_check_in_outside_the_fence_with_the_reason(world, field, login):
    body = {"site": world.site.pk, "latitude": 31.25, "longitude": 121.4737, "accuracy": 20,
            "flag_reason": "在仓库领料"}
    data = post_json(login(world.pm), "/checkins", body).json()
    assert data["location_status"] == "outside" and data["location_status_label"] == "围栏外"
    assert data["flagged"] is True and data["flag_reason"] == "在仓库领料"
    assert data["distance_m"] > 2000


def test_it_flags_a_check_in_without_location(world, field, login):
    data = post_json(login(world.pm), "/checkins", {"site": world.site.code}).json()
    assert data["location_status"] == "no_location" and data["flagged"] is True
    assert data["location_status_label"] == "无定位"


def test_it_marks_a_token_check_in_as_coming_from_the_api(world, field, client):
    with acting(Channel.TEST):
        raw = accounts.create_token(world.pm, actor=world.pm, name="对接")[1]
    response = post_json(client, "/checkins", gate(world.site),
                         Authorization=f"Bearer {raw}")
    assert response.status_code == 201 and response.json()["source"] == "api"


def test_it_keeps_the_phone_time_of_an_offline_check_in(world, field, login):
    taken = (timezone.now() - timedelta(hours=5)).replace(microsecond=0)
    data = post_json(login(world.pm), "/checkins", gate(world.site, at=taken.isoformat())).json()
    assert data["checked_in_at"].startswith(taken.astimezone(dt.UTC).strftime(
        "%Y-%m-%dT%H:%M:%S"))


def _future():
    return (timezone.now() + timedelta(hours=1)).isoformat()


def _old():
    return (timezone.now() - timedelta(days=30)).isoformat()


BAD_BODIES = [
    ({"latitude": "北纬"}, "latitude", "应为数字"),
    ({"latitude": 95}, "latitude", "坐标超出范围"),
    ({"longitude": None}, "latitude", "纬度和经度必须同时提供"),
    ({"accuracy": -5}, "accuracy", "坐标超出范围"),
    ({"progress_percent": 101}, "progress_percent", "不能大于 100"),
    ({"progress_percent": "一半"}, "progress_percent", "应为整数"),
    ({"quantity_done": -2}, "quantity_done", "不能小于 0"),
    ({"flag_reason": "远" * 301}, "flag_reason", "不能超过 300 个字符"),
    ({"at": "昨天"}, "at", "应为日期时间"),
    ({"at": _future}, "at", "时间不能晚于现在"),
    ({"at": _old}, "at", "超过了补传期限"),
    ({"site": "SITE-NONE"}, "site", "找不到工地"),
    ({"site": "SITE-T02"}, "site", "找不到工地"),
    ({"task": 999999}, "task", "找不到任务"),
    ({"colour": "red"}, "colour", "不允许此字段"),
    ({"photos": ["x.jpg"]}, "photos", "multipart/form-data"),
]


@pytest.mark.parametrize(("change", "field_name", "message"), BAD_BODIES,
                         ids=[f"{f}-{i}" for i, (_c, f, _m) in enumerate(BAD_BODIES)])
def test_it_refuses_a_bad_field_by_name_and_writes_nothing(world, field, login, change,
                                                            field_name, message):
    client = login(world.pm)
    body = gate(world.site, **{k: v() if callable(v) else v for k, v in change.items()})
    before = written()
    response = post_json(client, "/checkins", body)
    assert response.status_code == 422, response.content
    errors = errors_of(response)
    assert field_name in errors and message in errors[field_name], errors
    assert written() == before


def test_it_refuses_a_task_of_another_site_or_person(world, field, login):
    manager = login(world.manager)
    before = written()
    other_site = post_json(manager, "/checkins", gate(world.site, task=field.plan.other_task.pk))
    assert "不在工地" in errors_of(other_site)["task"]
    assert written() == before
    client = login(world.worker)
    post_json(client, f"/checkins/{field.checkin.pk}/checkout", {})
    before = written()
    not_his = post_json(client, "/checkins", gate(world.site, task=field.plan.design.pk))
    assert not_his.status_code == 422 and "找不到任务" in errors_of(not_his)["task"]
    assert written() == before


def test_it_names_the_field_in_a_form_too(world, field, login):
    client = login(world.pm)
    before = written()
    response = client.post(f"{API}/checkins", {"site": world.site.code, "latitude": "31.2",
                                               "longitude": "东经"})
    assert response.status_code == 422 and "longitude" in errors_of(response)
    assert written() == before


def test_it_refuses_a_file_in_another_field(world, field, login):
    response = login(world.pm).post(f"{API}/checkins", {"site": world.site.code,
                                                         "attachment": jpeg_upload()})
    assert response.status_code == 422 and "attachment" in errors_of(response)


def test_it_refuses_a_bad_photo_and_writes_nothing(world, field, login):
    client = login(world.pm)
    before = written()
    response = client.post(f"{API}/checkins", {
        "site": world.site.code,
        "photos": [jpeg_upload(), uploaded(b"<html><script>alert(1)</script>", "x.jpg")]})
    assert response.status_code == 422 and "photos" in errors_of(response)
    assert written() == before


def test_it_answers_bad_bodies_with_problems(world, field, login):
    client = login(world.pm)
    broken = client.post(f"{API}/checkins", "{not json", content_type="application/json")
    assert broken.status_code == 400 and "body" in errors_of(broken)
    listed = client.post(f"{API}/checkins", "[1]", content_type="application/json")
    assert listed.status_code == 422 and "body" in errors_of(listed)
    xml = client.post(f"{API}/checkins", "<checkin/>", content_type="application/xml")
    assert xml.status_code == 415
    empty = client.post(f"{API}/checkins", "", content_type="application/json")
    assert empty.status_code == 422 and "site" in errors_of(empty)


def test_it_refuses_a_second_open_check_in_with_a_conflict(world, field, login):
    client = login(world.worker)
    before = written()
    response = post_json(client, "/checkins", gate(world.site))
    assert response.status_code == 409
    assert response.json()["code"] == "already_checked_in" and "请先签退" in response.json()[
        "detail"]
    assert written() == before


# --- check out, photos -------------------------------------------------------------------

def test_it_checks_out_into_the_timesheet(world, field, login):
    client = login(world.worker)
    post_json(client, f"/checkins/{field.checkin.pk}/checkout", {})
    start = (timezone.now() - timedelta(hours=4)).isoformat()
    made = post_json(client, "/checkins", gate(world.site, at=start, task=field.plan.pour.pk))
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    response = post_json(client, f"/checkins/{pk}/checkout",
                         {"hours_worked": "3.5", "note": "收工", "progress_percent": 60},
                         **{"If-Match": made["ETag"]})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["state"] == "closed" and data["hours_worked"] == "3.50"
    assert data["checkout_note"] == "收工" and data["progress_percent"] == 60
    entry = TimesheetEntry.objects.get(checkin_id=pk)
    assert str(entry.hours) == "3.50" and entry.crew == world.crew
    sheet = client.get(f"{API}/timesheet", {"worker": "me"}).json()
    assert pk in [row["checkin"] for row in sheet["results"]]


def test_it_refuses_a_bad_check_out_writing_nothing(world, field, login):
    client = login(world.worker)
    url = f"/checkins/{field.checkin.pk}/checkout"
    before = written()
    too_long = post_json(client, url, {"hours_worked": "9"})
    assert too_long.status_code == 422 and "在岗时间" in errors_of(too_long)["hours_worked"]
    stale = post_json(client, url, {}, **{"If-Match": '"99"'})
    assert stale.status_code == 412
    early = post_json(client, url, {"at": (field.checkin.checked_in_at
                                           - timedelta(hours=1)).isoformat()})
    assert "at" in errors_of(early)
    assert written() == before
    assert post_json(client, url, {}).status_code == 200
    twice = post_json(client, url, {})
    assert twice.status_code == 409 and twice.json()["code"] == "already_checked_out"


def test_it_adds_photos_to_a_check_in(world, field, login):
    client = login(world.worker)
    response = client.post(f"{API}/checkins/{field.checkin.pk}/photos",
                           {"photos": [jpeg_upload(), jpeg_upload()]})
    assert response.status_code == 201, response.content
    assert len(response.json()["photos"]) == 2
    none = post_json(client, f"/checkins/{field.checkin.pk}/photos", {})
    assert none.status_code == 422 and "photos" in errors_of(none)


# --- who sees what -----------------------------------------------------------------------

def _ids(client, **params):
    response = client.get(f"{API}/checkins", params)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_each_role_lists_the_check_ins_of_its_scope(world, field, login):
    own, mate, other = field.checkin.pk, field.mate_checkin.pk, field.other_checkin.pk
    assert _ids(login(world.worker)) == {own, mate}  # he leads the mate's crew
    assert _ids(login(field.mate)) == {mate}
    assert _ids(login(world.pm)) == {own, mate}
    assert _ids(login(world.other_pm)) == {other}
    assert _ids(login(world.manager)) == _ids(login(world.finance)) == {own, mate, other}
    for outsider in (world.client, world.outsider):
        assert login(outsider).get(f"{API}/checkins").status_code == 403


def test_anonymous_callers_are_asked_to_sign_in(world, field, client):
    assert client.get(f"{API}/checkins").status_code == 401
    assert client.post(f"{API}/checkins", {"site": world.site.code}).status_code == 401
    assert client.get(f"{API}/timesheet").status_code == 401


def test_it_hides_what_a_role_may_not_see(world, field, login):
    assert login(field.mate).get(f"{API}/checkins/{field.checkin.pk}").status_code == 404
    assert login(world.other_pm).get(f"{API}/checkins/{field.checkin.pk}").status_code == 404
    assert login(world.pm).get(f"{API}/checkins/{field.checkin.pk}").status_code == 200
    leader = login(world.worker).get(f"{API}/checkins/{field.mate_checkin.pk}")
    assert leader.status_code == 200 and leader.json()["flagged"] is True


def test_only_the_worker_or_management_checks_out(world, field, login):
    url = f"/checkins/{field.checkin.pk}/checkout"
    assert post_json(login(world.pm), url, {}).status_code == 403
    assert post_json(login(field.mate), url, {}).status_code == 404
    assert post_json(login(world.worker), f"/checkins/{field.mate_checkin.pk}/checkout",
                     {}).status_code == 403  # the crew leader sees it, it is not his
    assert post_json(login(world.worker), url, {}).status_code == 200


def test_customers_and_office_readers_cannot_check_in(world, field, login):
    for user in (world.client, world.finance, world.auditor):
        assert post_json(login(user), "/checkins", gate(world.site)).status_code == 403


def test_it_filters_the_list(world, field, login):
    client = login(world.pm)
    assert _ids(client, flagged="true") == {field.mate_checkin.pk}
    assert _ids(client, worker="mate") == {field.mate_checkin.pk}
    assert _ids(client, site=world.site.code) == {field.checkin.pk, field.mate_checkin.pk}
    assert _ids(client, site=world.other_site.pk) == set()
    assert _ids(client, date=timezone.localdate().isoformat(), state="open") == {
        field.checkin.pk, field.mate_checkin.pk}
    assert _ids(client, date="2020-01-01") == set()
    assert _ids(login(world.worker), worker="me") == {field.checkin.pk}
    bad = client.get(f"{API}/checkins", {"state": "sleeping"})
    assert bad.status_code == 422 and "state" in errors_of(bad)


def test_the_timesheet_follows_the_same_scopes(world, field, login):
    login(world.worker).post(f"{API}/checkins/{field.checkin.pk}/checkout", "{}",
                             content_type="application/json")
    login(world.other_pm)  # another project's entries
    other = login(field.other_worker)
    post_json(other, f"/checkins/{field.other_checkin.pk}/checkout", {})

    def rows(user, **params):
        response = login(user).get(f"{API}/timesheet", params)
        assert response.status_code == 200, response.content
        return {row["worker"] for row in response.json()["results"]}

    assert rows(world.worker) == rows(world.pm) == {"worker"}
    assert rows(world.other_pm) == {"other_worker"}
    assert rows(world.finance) == {"worker", "other_worker"}
    today = timezone.localdate()
    assert rows(world.finance, date_from=today.isoformat(), date_to=today.isoformat()) == {
        "worker", "other_worker"}
    assert rows(world.finance, date_to=(today - timedelta(days=1)).isoformat()) == set()
    backwards = login(world.finance).get(f"{API}/timesheet", {
        "date_from": today.isoformat(), "date_to": (today - timedelta(days=1)).isoformat()})
    assert backwards.status_code == 422 and "date_to" in errors_of(backwards)
    assert login(world.client).get(f"{API}/timesheet").status_code == 403


def test_the_api_description_shows_both_body_formats(world, client):
    schema = client.get("/api/v1/openapi.json").json()
    create = schema["paths"][f"{API}/checkins"]["post"]
    content = create["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(content)
    photos = content["multipart/form-data"]["schema"]["properties"]["photos"]
    assert photos["items"]["format"] == "binary"
    assert "site" in content["application/json"]["schema"]["required"]
    device = schema["paths"][f"{API}/device/checkins"]["post"]
    assert device["summary"] and device["security"]
    for path in ("/checkins/{pk}/checkout", "/checkins/{pk}/photos", "/timesheet"):
        assert any(op.get("summary") for op in schema["paths"][f"{API}{path}"].values())
