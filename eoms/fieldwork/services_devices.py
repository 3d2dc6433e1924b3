"""Attendance terminals, turnstiles and IoT gateways of a site: their keys.

A device key is shown once, when the device is registered; only its SHA-256 is kept (as
for API tokens). A device posts check-ins for the workers of its own site with
`Authorization: Bearer <key>` (see eoms/fieldwork/api_devices.py).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from eoms.core.access import ADD, DELETE, require
from eoms.core.context import business_event
from eoms.fieldwork.models import DeviceToken
from eoms.masterdata.models import Site
from eoms.scheduling.services import field_error

KEY_PREFIX = "eomsdev_"  # tells a device key from a person's API token (eoms_…)
NAME_MAX = 100
LAST_USED_EVERY = timedelta(minutes=5)


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.strip().encode("utf-8")).hexdigest()


def create_device(site: Site, *, actor: Any, name: str) -> tuple[DeviceToken, str]:
    """Register a device at a site; returns it with its key, shown only this once."""
    require(actor, ADD, DeviceToken(site=site))
    name = str(name or "").strip()
    if not name:
        raise field_error("name", _("请填写设备名称。"), "required")
    if len(name) > NAME_MAX:
        raise field_error("name", _("设备名称不能超过 %(n)s 个字符。") % {"n": NAME_MAX},
                          "max_length")
    if DeviceToken.objects.filter(site=site, name=name, revoked_at=None).exists():
        raise field_error("name", _("工地“%(site)s”已有名为“%(name)s”的在用设备。")
                          % {"site": site.name, "name": name}, "duplicate")
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    with business_event("device.created", actor=actor):
        device = DeviceToken.objects.create(site=site, name=name, prefix=raw[:12],
                                            key_hash=hash_key(raw), created_by=actor)
    return device, raw


def revoke_device(device: DeviceToken, *, actor: Any) -> DeviceToken:
    """Stop a device: its key is refused from now on. Revoking twice changes nothing."""
    require(actor, DELETE, device)
    if device.revoked_at is not None:
        raise ValidationError(_("设备“%(name)s”已于 %(time)s 停用。") % {
            "name": device.name,
            "time": timezone.localtime(device.revoked_at).strftime("%Y-%m-%d %H:%M")},
            code="already_revoked")
    with business_event("device.revoked", actor=actor):
        device.revoked_at = timezone.now()
        device.version += 1
        device.save(update_fields=["revoked_at", "version", "updated_at"])
    return device


def device_for_key(raw: str) -> DeviceToken | None:
    """The active device a key belongs to (None: unknown or revoked)."""
    raw = (raw or "").strip()
    if not raw.startswith(KEY_PREFIX):
        return None
    device = (DeviceToken.objects.select_related("site__project")
              .filter(key_hash=hash_key(raw), revoked_at=None).first())
    if device is None:
        return None
    now = timezone.now()
    if device.last_used_at is None or now - device.last_used_at > LAST_USED_EVERY:
        # bookkeeping, not a business change: not audited (audit_exclude)
        DeviceToken.objects.filter(pk=device.pk).update(last_used_at=now)
        device.last_used_at = now
    return device
