"""A person's iCalendar feed key: made, regenerated (the old URL stops working), looked up.

The key is shown on the feed page again whenever its owner opens it, so it is stored as
it is; it is 32 random bytes (URL-safe Base64, 43 characters), so it cannot be guessed.
Regenerating is how a leaked URL is revoked. The key never goes into the audit log.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from eoms.audit.services import record_event
from eoms.core import events
from eoms.core.access import VIEW, can
from eoms.scheduling.models import FeedToken, Task

events.register("calendar_feed.created", gettext_lazy("创建日历订阅地址"))
events.register("calendar_feed.regenerated", gettext_lazy("重新生成日历订阅地址"))

KEY_BYTES = 32


def may_subscribe(user: Any) -> bool:
    """A feed is for people who see tasks (staff); customers have none."""
    return can(user, VIEW, Task)


def feed_token_of(user: Any) -> FeedToken | None:
    return FeedToken.objects.filter(user=user).first()


@transaction.atomic
def regenerate_feed(user: Any, *, actor: Any) -> FeedToken:
    """Give the user a new feed key (his first, or one replacing the old one)."""
    if actor is None or actor.pk != user.pk or not may_subscribe(user):
        raise PermissionDenied("calendar_feed")
    key = secrets.token_urlsafe(KEY_BYTES)
    token = FeedToken.objects.select_for_update().filter(user=user).first()
    if token is None:
        token = FeedToken.objects.create(user=user, key=key)
        record_event(user, "calendar_feed.created", actor=actor)
    else:
        token.key, token.created_at = key, timezone.now()
        token.save(update_fields=["key", "created_at"])
        record_event(user, "calendar_feed.regenerated", actor=actor)
    return token


def user_for_feed_key(key: str) -> Any:
    """The active person whose feed the key opens, or None (unknown or replaced key)."""
    if not key or len(key) > 64:
        return None
    token = FeedToken.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active or not may_subscribe(token.user):
        return None
    return token.user
