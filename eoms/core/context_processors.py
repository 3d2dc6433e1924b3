from typing import Any

from django.conf import settings
from django.http import HttpRequest

from eoms.core import navigation, notifications


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    data: dict[str, Any] = {"brand": settings.EOMS_BRAND}
    if user is not None and user.is_authenticated:
        data["nav"] = navigation.for_user(user, request.path)
        data["unread_count"] = notifications.unread_count(user)
    return data
