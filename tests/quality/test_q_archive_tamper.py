"""A download re-checks the stored file's SHA-256: a file changed after it was archived
is refused (page and API), logged and reported to management; an intact one is served
with its hash."""

import hashlib
import logging

from django.core.files.storage import default_storage

from eoms.core.models import Notification
from eoms.testing.archive_world import build_delivered


def _tamper(archive) -> None:
    path = default_storage.path(archive.file.name)
    with open(path, "r+b") as stored:
        stored.seek(200)
        stored.write(b"X")


def test_it_serves_an_intact_archive_with_its_hash(world, login):
    a = build_delivered(world)
    response = login(world.client).get(f"/quality/archives/{a.archive.pk}/download/")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == a.archive.sha256
    assert response["X-Content-SHA256"] == a.archive.sha256
    assert response["Content-Type"] == "application/pdf"


def test_it_refuses_a_tampered_file_logs_and_alerts_management(world, login, caplog):
    a = build_delivered(world)
    _tamper(a.archive)
    client = login(world.qc)
    with caplog.at_level(logging.CRITICAL, logger="eoms.quality.services_archive"):
        response = client.get(f"/quality/archives/{a.archive.pk}/download/")
    assert response.status_code == 409
    page = response.content.decode()
    assert f"质量档案 {a.archive} 的文件校验失败" in page and "%PDF" not in page
    assert any(a.archive.sha256 in r.getMessage() for r in caplog.records)
    alert = Notification.objects.get(kind="quality_archive.tampered")
    assert alert.user == world.manager and str(a.archive) in alert.title

    api = client.get(f"/api/v1/quality/archives/{a.archive.pk}/pdf")
    assert api.status_code == 409 and api["Content-Type"] == "application/problem+json"
    assert api.json()["sha256"] == a.archive.sha256 and "校验失败" in api.json()["detail"]
