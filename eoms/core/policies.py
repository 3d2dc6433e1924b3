from typing import Any

from django.db import models

from eoms.core.access import ADMIN, STAFF_ROLES, VIEW, Policy, register, roles_of
from eoms.core.models import Job, Notification

EVERYONE = STAFF_ROLES | {"customer"}


@register
class NotificationPolicy(Policy):
    """Everyone sees his own notifications, nobody else's (administrators included)."""

    model = Notification
    rules = {VIEW: EVERYONE, "change": EVERYONE}
    sees_all: frozenset[str] = frozenset()

    def visible(self, user: Any, qs: models.QuerySet, action: str) -> models.QuerySet:
        if not user or not user.is_authenticated:
            return qs.none()
        return qs.filter(user=user)

    def allows_object(self, user: Any, action: str, obj: models.Model) -> bool:
        return obj.user_id == user.pk  # type: ignore[attr-defined]


@register
class JobPolicy(Policy):
    """A user follows the jobs he started; administrators see them all."""

    model = Job
    rules = {VIEW: EVERYONE}
    sees_all = {ADMIN}

    def scope(self, user: Any, qs: models.QuerySet, action: str,
              roles: frozenset[str]) -> models.QuerySet:
        return qs.filter(created_by=user)

    def allows_object(self, user: Any, action: str, obj: models.Model) -> bool:
        return ADMIN in roles_of(user) or obj.created_by_id == user.pk  # type: ignore[attr-defined]
