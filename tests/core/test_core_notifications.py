"""Notifications: in-app rows and e-mail through a real SMTP server, by preference."""

from __future__ import annotations

import re

from eoms.core import notifications
from eoms.core.models import Notification, NotificationPreference
from eoms.testing.smtp import text_of

TITLE = "导入失败：客户.xlsx"
BODY = "第 3 行：编码 CUS-00012 已存在。"


def _notify(capture, users, kind="job.failed", **extra):
    with capture(execute=True):
        return notifications.notify(users, kind=kind, title=TITLE, body=BODY, **extra)


def test_it_notifies_in_app_and_mails_through_smtp(
        world, smtp_server, django_capture_on_commit_callbacks):
    created = _notify(django_capture_on_commit_callbacks, [world.pm, world.pm, world.qc],
                      url="/jobs/")
    assert sorted(n.user.username for n in created) == ["pm", "qc"]
    assert sorted(m["To"] for m in smtp_server.messages) == ["pm@example.com",
                                                            "qc@example.com"]
    message = next(m for m in smtp_server.messages if m["To"] == "pm@example.com")
    assert message["Subject"] == f"[EOMS] {TITLE}"
    assert "EOMS" in message["From"]
    text = text_of(message)
    assert BODY in text and "http://127.0.0.1:8000/jobs/" in text
    assert BODY in text_of(message, "html")
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 2


def test_it_sends_no_mail_to_who_turned_mail_off(
        world, smtp_server, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=world.pm, kind="job.failed", email=False)
    _notify(django_capture_on_commit_callbacks, [world.pm, world.qc])
    assert [m["To"] for m in smtp_server.messages] == ["qc@example.com"]
    assert Notification.objects.get(user=world.pm).read_at is None  # still in the app


def test_it_mails_only_kinds_that_mail_by_default(
        world, smtp_server, django_capture_on_commit_callbacks):
    _notify(django_capture_on_commit_callbacks, [world.pm], kind="system")
    assert smtp_server.messages == []
    assert Notification.objects.filter(user=world.pm, kind="system").count() == 1


def test_it_skips_inactive_users(world, smtp_server, django_capture_on_commit_callbacks):
    world.qc.is_active = False
    _notify(django_capture_on_commit_callbacks, [world.pm, world.qc])
    assert [m["To"] for m in smtp_server.messages] == ["pm@example.com"]


def test_it_turns_mail_off_from_the_profile_page(
        world, login, smtp_server, django_capture_on_commit_callbacks):
    client = login(world.pm)
    response = client.post("/accounts/profile/notifications/",
                           {"in_app:job.failed": "on", "in_app:system": "on"})
    assert response.status_code == 302
    _notify(django_capture_on_commit_callbacks, [world.pm])
    assert smtp_server.messages == []
    assert Notification.objects.filter(user=world.pm).count() == 1


def _badge(client) -> int:
    html = client.get("/notifications/badge/").content.decode()
    found = re.search(r"badge-notification[^>]*>(\d+)", html)
    return int(found.group(1)) if found else 0


def test_it_counts_unread_and_marks_read_through_the_pages(world, login):
    for title in ("甲", "乙", "丙"):
        notifications.notify([world.pm], kind="system", title=title)
    notifications.notify([world.qc], kind="system", title="丁")
    client = login(world.pm)
    assert _badge(client) == 3
    page = client.get("/notifications/").content.decode()
    assert all(t in page for t in "甲乙丙") and "丁" not in page
    first = Notification.objects.get(user=world.pm, title="甲")
    assert client.post(f"/notifications/{first.pk}/read/").status_code == 302
    assert _badge(client) == 2
    first.refresh_from_db()
    assert first.read_at is not None
    assert client.post("/notifications/read-all/").status_code == 302
    assert _badge(client) == 0
    assert Notification.objects.get(user=world.qc).read_at is None


def test_it_refuses_to_mark_someone_elses_notification(world, login):
    other = notifications.notify([world.qc], kind="system", title="丁")[0]
    assert login(world.pm).post(f"/notifications/{other.pk}/read/").status_code == 404
    other.refresh_from_db()
    assert other.read_at is None
