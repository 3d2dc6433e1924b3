"""What the quality API modules share: running a service so that its refusal is
problem+json naming the field — an item's answer `item_<id>` (422), a stale version (412),
or the state that forbids the action (409, field `status` unless said otherwise)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from eoms.core.api import ApiError
from eoms.scheduling.api_common import service_error


def call(work: Callable[[], Any], *, field: str = "status",
         title: str | None = None) -> Any:
    """Run a service in one transaction; a refusal becomes problem+json, writing nothing."""
    try:
        with transaction.atomic():
            return work()
    except ValidationError as exc:
        if hasattr(exc, "error_dict") or getattr(exc, "code", None) == "stale":
            raise service_error(exc)
        raise ApiError(409, title or _("当前状态不允许此操作"), " ".join(exc.messages),
                       errors=[{"field": field, "message": m} for m in exc.messages],
                       code=getattr(exc, "code", None) or "conflict")
