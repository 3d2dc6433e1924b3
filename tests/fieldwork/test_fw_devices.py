"""Attendance devices: a key shown once and kept as a hash, check-ins posted with it for
the workers of its own site, revoked keys refused, and the device pages of the people who
manage the site."""

import hashlib
import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from eoms.accounts import services as accounts
from eoms.audit.models import AuditEntry
from eoms.core.context import Channel, acting
from eoms.fieldwork import services_devices
from eoms.fieldwork.models import CheckIn, DeviceToken, TimesheetEntry
from eoms.testing.fieldwork_world import build_fieldwork

URL = "/api/v1/fieldwork/device/checkins"
PAGES = "/field/devices/"


@pytest.fixture
def world(module_world, db):
    for cached in ("_schedule", "_orders"):  # rolled back with the previous test
        module_world.__dict__.pop(cached, None)
    return module_world


@pytest.fixture
def field(world):
    return build_fieldwork(world)


@pytest.fixture
def device(world, field):
    """The gate terminal of world.site, with its key (world.pm registered it)."""
    with acting(Channel.TEST):
        return services_devices.create_device(world.site, actor=world.pm, name="东门闸机")


def punch(client, key, body, **headers):
    return client.post(URL, json.dumps(body), content_type="application/json",
                       headers={"Authorization": f"Bearer {key}", **headers})


def written():
    return (CheckIn.objects.count(), TimesheetEntry.objects.count(),
            AuditEntry.objects.count())


# --- the key -------------------------------------------------------------------------------

def test_it_shows_the_key_once_and_keeps_only_its_hash(world, field, login):
    client = login(world.pm)
    response = client.post(f"{PAGES}new/", {"site": world.site.pk, "name": "项目部考勤机"})
    assert response.status_code == 302 and response["Location"] == PAGES
    page = client.get(PAGES).content.decode()
    key = re.search(r'id="new-device-key" value="(eomsdev_[^"]+)"', page).group(1)
    assert "data-copy-target=\"new-device-key\"" in page
    assert key not in client.get(PAGES).content.decode()  # once
    device = DeviceToken.objects.get(name="项目部考勤机")
    assert device.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert device.prefix == key[:12] and device.site == world.site
    stored = json.dumps([e.changes for e in AuditEntry.objects.all()], ensure_ascii=False)
    assert key not in stored and device.key_hash not in stored
    assert AuditEntry.objects.filter(event="device.created").exists()


def test_each_key_is_new(world, field):
    with acting(Channel.TEST):
        keys = {services_devices.create_device(world.site, actor=world.manager,
                                               name=f"闸机{i}")[1] for i in range(5)}
    assert len(keys) == 5 and all(k.startswith("eomsdev_") and len(k) > 40 for k in keys)


@pytest.mark.parametrize(("name", "message"), [("", "请填写设备名称"), ("东门闸机", "已有名为")])
def test_it_refuses_a_bad_device_name(world, field, device, login, name, message):
    client = login(world.pm)
    before = DeviceToken.objects.count()
    response = client.post(f"{PAGES}new/", {"site": world.site.pk, "name": name})
    assert response.status_code == 200 and message in response.content.decode()
    assert DeviceToken.objects.count() == before


# --- posting check-ins ---------------------------------------------------------------------

def test_an_in_and_out_pair_writes_a_timesheet_entry(world, field, device, client, login):
    login(world.worker).post(f"/api/v1/fieldwork/checkins/{field.checkin.pk}/checkout", "{}",
                             content_type="application/json")
    _device, key = device
    start = timezone.now() - timedelta(hours=8)
    came = punch(client, key, {"worker": "worker", "direction": "in",
                               "at": start.isoformat()})
    assert came.status_code == 201, came.content
    data = came.json()
    assert data["source"] == "device" and data["device"] == "东门闸机"
    assert data["location_status"] == "inside" and data["flagged"] is False
    left = punch(client, key, {"worker": world.worker.pk, "direction": "out"})
    assert left.status_code == 200, left.content
    assert left.json()["id"] == data["id"] and left.json()["state"] == "closed"
    entry = TimesheetEntry.objects.get(checkin_id=data["id"])
    assert entry.hours == Decimal("8.00") and entry.worker == world.worker
    assert entry.site == world.site
    assert DeviceToken.objects.get(pk=_device.pk).last_used_at is not None


def test_a_revoked_or_unknown_key_is_refused(world, field, device, client, login):
    made, key = device
    before = written()
    for wrong in (key[:-2] + "xx", "eomsdev_", "", "eoms_" + key[8:]):
        assert punch(client, wrong, {"worker": "mate", "direction": "in"}).status_code == 401
    with acting(Channel.TEST):
        services_devices.revoke_device(made, actor=world.pm)
    before = written()
    refused = punch(client, key, {"worker": "mate", "direction": "in"})
    assert refused.status_code == 401
    assert refused["Content-Type"] == "application/problem+json"
    assert written() == before


def test_a_persons_credentials_are_not_a_device_key(world, field, device, client, login):
    with acting(Channel.TEST):
        raw = accounts.create_token(world.manager, actor=world.manager, name="个人")[1]
    assert punch(client, raw, {"worker": "mate", "direction": "in"}).status_code == 401
    session = login(world.manager).post(URL, json.dumps({"worker": "mate", "direction": "in"}),
                                        content_type="application/json")
    assert session.status_code == 401
    no_header = client.post(URL, "{}", content_type="application/json")
    assert no_header.status_code == 401
    # …and a device key opens nothing else.
    _device, key = device
    other = client.get("/api/v1/fieldwork/checkins", headers={"Authorization": f"Bearer {key}"})
    assert other.status_code == 401


@pytest.mark.parametrize(("body", "field_name", "message"), [
    ({"worker": "other_worker", "direction": "in"}, "worker", "不在工地"),
    ({"worker": "nobody", "direction": "in"}, "worker", "找不到在职人员"),
    ({"worker": "finance", "direction": "in"}, "worker", "不在工地"),
    ({"worker": "mate", "direction": "sideways"}, "direction", "取值无效"),
    ({"worker": "pm", "direction": "out"}, "direction", "没有在本工地签到"),
    ({"direction": "in"}, "worker", "必填"),
    ({"worker": "mate", "direction": "in", "at": "明早"}, "at", "应为日期时间"),
    ({"worker": "mate", "direction": "in", "extra": 1}, "extra", "不允许此字段"),
])
def test_it_refuses_a_bad_post_naming_the_field(world, field, device, client, body,
                                                field_name, message):
    before = written()
    response = punch(client, device[1], body)
    assert response.status_code == 422, response.content
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert field_name in errors and message in errors[field_name], errors
    assert written() == before


def test_a_device_checks_in_only_at_its_own_site(world, field, client):
    with acting(Channel.TEST):
        _made, key = services_devices.create_device(world.other_site, actor=world.other_pm,
                                                    name="杭州考勤机")
    response = punch(client, key, {"worker": "worker", "direction": "in"})
    assert response.status_code == 422 and "杭州工地" in response.json()["errors"][0]["message"]
    ok = punch(client, key, {"worker": "other_worker", "direction": "out"})
    assert ok.status_code == 200 and ok.json()["site"] == world.other_site.code


def test_a_retried_device_post_checks_in_once(world, field, device, client):
    body = {"worker": "mate", "direction": "out"}
    first = punch(client, device[1], body, **{"Idempotency-Key": "gate-0001"})
    again = punch(client, device[1], body, **{"Idempotency-Key": "gate-0001"})
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert TimesheetEntry.objects.filter(worker=field.mate).count() == 1


# --- the pages -----------------------------------------------------------------------------

def test_the_device_pages_belong_to_managers_and_the_projects_manager(world, field, device,
                                                                      login):
    made, _key = device
    with acting(Channel.TEST):
        services_devices.create_device(world.other_site, actor=world.other_pm, name="杭州考勤机")
    pm_page = login(world.pm).get(PAGES).content.decode()
    assert "东门闸机" in pm_page and "杭州考勤机" not in pm_page
    other_page = login(world.other_pm).get(PAGES).content.decode()
    assert "杭州考勤机" in other_page and "东门闸机" not in other_page
    manager_page = login(world.manager).get(PAGES).content.decode()
    assert "东门闸机" in manager_page and "杭州考勤机" in manager_page
    for user in (world.worker, world.finance, world.client, world.qc):
        client = login(user)
        assert client.get(PAGES).status_code == 403
        assert client.get(f"{PAGES}new/").status_code == 403
        assert client.post(f"{PAGES}{made.pk}/revoke/").status_code == 404


def test_a_project_manager_registers_devices_only_on_his_sites(world, field, login):
    client = login(world.other_pm)
    form = client.get(f"{PAGES}new/").content.decode()
    assert world.other_site.name in form and world.site.name not in form
    response = client.post(f"{PAGES}new/", {"site": world.site.pk, "name": "越权闸机"})
    assert response.status_code == 200 and not DeviceToken.objects.filter(
        name="越权闸机").exists()


def test_revoking_asks_first_and_stops_the_key(world, field, device, login, client):
    made, key = device
    pm = login(world.pm)
    page = pm.get(PAGES).content.decode()
    assert f'action="{PAGES}{made.pk}/revoke/"' in page and "data-confirm=" in page
    assert pm.get(f"{PAGES}{made.pk}/revoke/").status_code == 405
    assert login(world.other_pm).post(f"{PAGES}{made.pk}/revoke/").status_code == 404
    assert DeviceToken.objects.get(pk=made.pk).revoked_at is None
    response = pm.post(f"{PAGES}{made.pk}/revoke/")
    assert response.status_code == 302
    assert DeviceToken.objects.get(pk=made.pk).revoked_at is not None
    assert AuditEntry.objects.filter(event="device.revoked").exists()
    assert punch(client, key, {"worker": "mate", "direction": "out"}).status_code == 401
    again = pm.post(f"{PAGES}{made.pk}/revoke/", follow=True).content.decode()
    assert "已于" in again and "停用" in again
