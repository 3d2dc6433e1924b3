"""The route walker's view of the device pages (read by eoms/testing/routes_fieldwork.py):
devices of world.site (world.pm's project) and of world.other_site (world.other_pm's),
and a bulk maker of devices for the query-count test."""

from __future__ import annotations

import hashlib
import itertools
from typing import Any

from django.db import models

from eoms.core.access import ADD, DELETE
from eoms.core.context import Channel, acting
from eoms.fieldwork import services_devices
from eoms.fieldwork.models import DeviceToken

_serial = itertools.count(1)


def _device(site_of: Any) -> Any:
    """A factory of new devices (registered by management) at the site `site_of(w)`."""

    def make(w: Any) -> DeviceToken:
        with acting(Channel.TEST):
            return services_devices.create_device(site_of(w), actor=w.manager,
                                                  name=f"巡检闸机{next(_serial):05d}")[0]

    return make


def targets(target: Any) -> list[tuple[str, Any]]:
    own = _device(lambda w: w.site)
    return [
        ("fieldwork:device_list", target(model=DeviceToken,
                                         obj=_device(lambda w: w.other_site))),
        ("fieldwork:device_create", target(
            model=DeviceToken, action=ADD, form=True,
            acts_on=lambda w, o: DeviceToken(site=w.site),
            body=lambda w, n: {"site": w.site.pk, "name": f"巡检新设备{n:05d}"})),
        ("fieldwork:device_revoke", target(obj=own, action=DELETE, fresh=own)),
    ]


def _devices(world: Any, n: int, user: Any) -> list[models.Model]:
    """Devices of world.site, seen by management and world.pm."""
    rows = []
    for _ in range(n):
        i = next(_serial)
        rows.append(DeviceToken(site=world.site, name=f"BULK-DEVICE-{i:05d}",
                                prefix=f"eomsdev_{i:04d}"[:12],
                                key_hash=hashlib.sha256(f"bulk-device-{i}".encode()).hexdigest()))
    return list(DeviceToken.objects.bulk_create(rows))


MAKERS: dict[type[models.Model], Any] = {DeviceToken: _devices}
