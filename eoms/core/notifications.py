"""The one notification service: in-app rows and e-mail, by each user's preferences."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from huey.contrib.djhuey import db_task

from eoms.core.models import Notification, NotificationPreference

log = logging.getLogger(__name__)

# kind → (label, default e-mail on?). Apps add their kinds at import time.
KINDS: dict[str, tuple[Promise | str, bool]] = {
    "system": (_("系统消息"), False),
    "job.finished": (_("后台任务完成"), False),
    "job.failed": (_("后台任务失败"), True),
}


_no_mail: ContextVar[bool] = ContextVar("eoms_notifications_no_mail", default=False)


@contextlib.contextmanager
def without_mail() -> Iterator[None]:
    """In-app notifications only, e.g. while loading demo data with invented addresses."""
    token = _no_mail.set(True)
    try:
        yield
    finally:
        _no_mail.reset(token)


def register_kind(kind: str, label: Promise | str, *, email_default: bool = True) -> None:
    KINDS[kind] = (label, email_default)


@dataclass(frozen=True)
class Message:
    user: Any
    kind: str
    title: str
    body: str = ""
    url: str = ""


def notify(users: Iterable[Any], *, kind: str, title: str, body: str = "",
           url: str = "") -> list[Notification]:
    """Notify users (deduplicated, inactive ones skipped). Mail leaves after commit."""
    return notify_many([Message(u, kind, str(title), str(body), url) for u in users])


def notify_many(messages: Iterable[Message]) -> list[Notification]:
    """Many notifications at once: one query for the preferences, one bulk insert. A
    person gets a message once per kind and URL; inactive users are skipped."""
    unique: dict[tuple[int, str, str], Message] = {}
    for m in messages:
        if m.user is not None and m.user.is_active:
            unique.setdefault((m.user.pk, m.kind, m.url), m)
    if not unique:
        return []
    stored = {(p.user_id, p.kind): (p.in_app, p.email) for p in
              NotificationPreference.objects.filter(user__in={k[0] for k in unique},
                                                    kind__in={k[1] for k in unique})}
    rows, mailed = [], []
    now = timezone.now()
    for (user_pk, kind, _url), m in unique.items():
        in_app, by_email = stored.get((user_pk, kind), (True, KINDS.get(kind, ("", True))[1]))
        if not in_app and not (by_email and m.user.email):
            continue
        rows.append(Notification(user=m.user, kind=kind, title=str(m.title)[:200],
                                 body=str(m.body), url=m.url, created_at=now,
                                 read_at=None if in_app else now))
        mailed.append(bool(by_email and m.user.email))
    created = _bulk_insert(rows)
    if not _no_mail.get():
        for n, mail in zip(created, mailed, strict=True):
            if mail:
                transaction.on_commit(lambda pk=n.pk: send_notification_email(pk))  # type: ignore[misc]
    return created


def _bulk_insert(rows: list[Notification]) -> list[Notification]:
    if connection.features.can_return_rows_from_bulk_insert:
        return Notification.objects.bulk_create(rows, batch_size=500)
    for n in rows:  # a database that does not return the new keys (MySQL): one by one
        n.save()
    return rows


def preferences_of(user: Any) -> list[dict[str, Any]]:
    stored = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    rows = []
    for kind, (label, email_default) in KINDS.items():
        p = stored.get(kind)
        rows.append({"kind": kind, "label": str(label),
                     "in_app": p.in_app if p else True,
                     "email": p.email if p else email_default})
    return rows


def set_preferences(user: Any, choices: dict[str, tuple[bool, bool]]) -> None:
    """Store a user's choices; unknown kinds are ignored."""
    for kind, (in_app, email) in choices.items():
        if kind in KINDS:
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"in_app": in_app, "email": email})


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def mark_all_read(user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now())


def unread_count(user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


@db_task(retries=5, retry_delay=30, retry_backoff=2.0)
def send_notification_email(notification_id: int) -> None:
    n = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if n is None or n.emailed_at is not None or not n.user.email:
        return
    language = getattr(n.user, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"n": n, "site_url": str(settings.SITE_URL).rstrip("/")}
        text = render_to_string("core/email/notification.txt", context)
        html = render_to_string("core/email/notification.html", context)
        subject = f"[EOMS] {n.title}"
    message = EmailMultiAlternatives(subject, text, to=[n.user.email])
    message.attach_alternative(html, "text/html")
    message.send()
    Notification.objects.filter(pk=n.pk).update(emailed_at=timezone.now())
