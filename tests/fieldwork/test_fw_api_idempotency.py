"""Idempotency-Key on check-ins: the phone's offline queue and integrations retry, in a row
or all at once, and the server records exactly one check-in with one set of photos.

The concurrent tests run real threads against a live server (real connections, real
locks): on SQLite the writers queue on the database lock; on PostgreSQL
(EOMS_DATABASE_URL=postgres://…) the second insert of the key waits on the unique index.
They use the per-test `world` (a transactional test cannot share the module's world).
"""

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.test.client import encode_multipart

from eoms.accounts import services as accounts
from eoms.audit.models import AuditEntry
from eoms.core.context import Channel, acting
from eoms.fieldwork.models import CheckIn, Photo
from eoms.testing.fieldwork_world import at_site, build_fieldwork
from eoms.testing.photo_samples import jpeg_upload

URL = "/api/v1/fieldwork/checkins"
TIMES = 10


@pytest.fixture
def field(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return build_fieldwork(world)


def fields_of(world, note):
    position = at_site(world.site)
    return {"site": world.site.code, "latitude": str(position["latitude"]),
            "longitude": str(position["longitude"]), "accuracy": "9", "note": note}


def photos():
    return [jpeg_upload("东侧.jpg"), jpeg_upload("西侧.jpg", color=(180, 60, 60))]


def multipart(data, boundary="eomsfield0123456789abcdef"):
    """A form body as the phone's outbox stores it: built once, sent as the same bytes."""
    return encode_multipart(boundary, data), f"multipart/form-data; boundary={boundary}"


def post(client, body, content_type, key):
    return client.generic("POST", URL, body, content_type=content_type,
                          headers={"Idempotency-Key": key})


def made(note):
    checkins = CheckIn.objects.filter(note=note)
    return checkins.count(), Photo.objects.filter(checkin__in=checkins).count()


# --- in a row ------------------------------------------------------------------------------

def test_ten_json_retries_in_a_row_check_in_once(world, field, login):
    client = login(world.pm)
    body = json.dumps(fields_of(world, "重试十次"))
    answers = [post(client, body, "application/json", "json-key-1") for _ in range(TIMES)]
    assert {a.status_code for a in answers} == {201}
    assert {a.json()["id"] for a in answers} == {answers[0].json()["id"]}
    assert [a.get("Idempotent-Replayed") for a in answers] == [None] + ["true"] * (TIMES - 1)
    assert made("重试十次") == (1, 0)


def test_ten_multipart_retries_in_a_row_keep_one_set_of_photos(world, field, login):
    client = login(world.pm)
    body, content_type = multipart({**fields_of(world, "带照片重试"), "photos": photos()})
    first = post(client, body, content_type, "form-key-1")
    assert first.status_code == 201, first.content
    entries = AuditEntry.objects.count()
    answers = [post(client, body, content_type, "form-key-1") for _ in range(TIMES - 1)]
    assert all(a.status_code == 201 and a.json() == first.json() for a in answers)
    assert made("带照片重试") == (1, 2)
    assert AuditEntry.objects.count() == entries


def test_the_same_key_with_another_body_is_refused(world, field, login):
    client = login(world.pm)
    post(client, json.dumps(fields_of(world, "第一次")), "application/json", "key-2")
    other = post(client, json.dumps(fields_of(world, "另一次")), "application/json", "key-2")
    assert other.status_code == 422 and "幂等键" in other.json()["title"]
    assert made("另一次") == (0, 0)


def test_a_refused_check_in_is_refused_again_without_writing(world, field, login):
    client = login(world.worker)  # already checked in today
    body = json.dumps(fields_of(world, "重复签到"))
    first = post(client, body, "application/json", "key-3")
    again = post(client, body, "application/json", "key-3")
    assert first.status_code == again.status_code == 409
    assert again["Idempotent-Replayed"] == "true" and made("重复签到") == (0, 0)


def test_a_retry_with_a_new_multipart_boundary_replays(world, field, login):
    client = login(world.pm)
    data = fields_of(world, "换分隔符")
    first = post(client, *multipart({**data, "photos": photos()}, "boundaryAAAA"), "key-4")
    again = post(client, *multipart({**data, "photos": photos()}, "boundaryBBBB"), "key-4")
    assert first.status_code == again.status_code == 201
    assert made("换分隔符") == (1, 2)


def test_photos_larger_than_the_memory_limit_take_a_key(world, field, login, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024  # stands for 5 MB of phone photos
    client = login(world.pm)
    body, content_type = multipart({**fields_of(world, "大照片"), "photos": photos()})
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = post(client, body, content_type, "key-5")
    assert response.status_code == 201, response.content[:300]
    assert made("大照片") == (1, 2)


def test_photos_larger_than_the_memory_limit_go_through_without_a_key(world, field, login,
                                                                      settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024  # applies to form fields, not to files
    client = login(world.pm)
    response = client.post(URL, {**fields_of(world, "大照片无键"), "photos": photos()})
    assert response.status_code == 201, response.content[:300]
    assert made("大照片无键") == (1, 2)


# --- all at once, against a live server ----------------------------------------------------

def _send_together(url, body, headers):
    """TIMES requests released together; (status, headers, json) of each."""
    start = threading.Barrier(TIMES)

    def send(_):
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        start.wait(timeout=30)
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, dict(response.headers), json.loads(response.read())
        except urllib.error.HTTPError as failed:
            return failed.code, dict(failed.headers), failed.read()[:500]

    with ThreadPoolExecutor(max_workers=TIMES) as pool:
        return list(pool.map(send, range(TIMES)))


def _token(user):
    with acting(Channel.TEST):
        return accounts.create_token(user, actor=None, name="离线队列")[1]


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_json_retries_check_in_once(world, field, live_server):
    headers = {"Authorization": f"Bearer {_token(world.pm)}", "Idempotency-Key": "together-1",
               "Content-Type": "application/json"}
    body = json.dumps(fields_of(world, "同时十次")).encode()
    answers = _send_together(live_server.url + URL, body, headers)
    assert {status for status, _h, _d in answers} == {201}, answers
    assert len({data["id"] for _s, _h, data in answers}) == 1
    assert sum(1 for _s, h, _d in answers if h.get("Idempotent-Replayed") == "true") == TIMES - 1
    assert made("同时十次") == (1, 0)


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_multipart_retries_keep_one_set_of_photos(world, field, live_server):
    body, content_type = multipart({**fields_of(world, "同时带照片"), "photos": photos()})
    headers = {"Authorization": f"Bearer {_token(world.pm)}", "Idempotency-Key": "together-2",
               "Content-Type": content_type}
    answers = _send_together(live_server.url + URL, body, headers)
    assert {status for status, _h, _d in answers} == {201}, answers
    assert len({data["id"] for _s, _h, data in answers}) == 1
    assert {len(data["photos"]) for _s, _h, data in answers} == {2}
    assert made("同时带照片") == (1, 2)
