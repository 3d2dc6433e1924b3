"""The route walker's view of the field-work API (read by eoms/testing/routes_fieldwork.py):
which model decides each operation and which object of the world's field work fills it,
plus bulk makers of check-ins and timesheet entries for the query-count test.

Two operations cannot be walked with the walker's JSON bodies and user tokens, so their
expected answer is given (`expect`), and they are tested fully in tests/fieldwork:
- POST /checkins/{pk}/photos takes multipart files: a JSON body is refused (422 naming
  `photos`) for those who may add photos (test_fw_api_checkins.py sends real photos);
- POST /device/checkins takes a device key, not a person's credentials: every walker
  user is refused with 401 (test_fw_devices.py posts with device keys).
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from django.db import models
from django.utils import timezone

from eoms.core.access import ADD, CHANGE, VIEW, can
from eoms.core.context import Channel, acting
from eoms.fieldwork import services
from eoms.fieldwork.choices import CheckInState, LocationStatus
from eoms.fieldwork.models import CheckIn, TimesheetEntry
from eoms.fieldwork.policies import may_work_at

API = "/api/v1/fieldwork"
_serial = itertools.count(1)


def _field(w: Any) -> Any:
    from eoms.testing.routes_fieldwork import world_fieldwork  # it imports this module

    return world_fieldwork(w)


def _other_entry(w: Any) -> TimesheetEntry:
    """The timesheet entry of another project's worker (world.other_pm's site)."""
    field = _field(w)
    found = TimesheetEntry.objects.filter(checkin=field.other_checkin).first()
    if found is None:
        with acting(Channel.TEST):
            services.check_out(field.other_checkin, actor=field.other_worker)
        found = TimesheetEntry.objects.get(checkin=field.other_checkin)
    return found


def _checkin_body(w: Any, n: int) -> dict[str, Any]:
    """At the gate of world.site yesterday (the world's worker is checked in there today)."""
    return {"site": w.site.code, "latitude": float(w.site.latitude),
            "longitude": float(w.site.longitude), "accuracy": 10,
            "at": (timezone.now() - timedelta(days=1)).isoformat(), "note": f"巡检签到{n:05d}"}


def _checkin_expect(user: Any, w: Any, obj: Any) -> str:
    """Checking in at world.site: the policy's ADD on a check-in of the user himself."""
    from eoms.testing.routes import FORBIDDEN, INVALID, LOGIN, OK

    if user is None:
        return LOGIN
    if not can(user, ADD, CheckIn):
        return FORBIDDEN
    return OK if can(user, ADD, CheckIn(worker=user, site=w.site)) and may_work_at(
        user, w.site) else INVALID


def _photos_expect(user: Any, w: Any, checkin: Any) -> str:
    from eoms.testing.routes import HIDDEN, INVALID, LOGIN, REFUSED, may

    if user is None:
        return LOGIN
    if not may(user, VIEW, checkin):
        return HIDDEN
    return INVALID if may(user, CHANGE, checkin) else REFUSED


def _device_expect(user: Any, w: Any, obj: Any) -> str:
    from eoms.testing.routes import LOGIN

    return LOGIN


def targets(target: Any) -> list[tuple[str, Any]]:
    checkin = lambda w: _field(w).checkin  # noqa: E731
    return [
        (f"GET {API}/checkins", target(model=CheckIn, obj=lambda w: _field(w).other_checkin)),
        (f"POST {API}/checkins", target(model=CheckIn, expect=_checkin_expect,
                                         body=_checkin_body)),
        (f"GET {API}/checkins/{{pk}}", target(model=CheckIn, obj=checkin)),
        (f"POST {API}/checkins/{{pk}}/checkout", target(
            model=CheckIn, obj=checkin, action=CHANGE,
            body=lambda w, n: {"note": f"巡检签退{n:05d}"})),
        (f"POST {API}/checkins/{{pk}}/photos", target(
            model=CheckIn, obj=checkin, expect=_photos_expect, audited=False)),
        (f"GET {API}/timesheet", target(model=TimesheetEntry, obj=_other_entry)),
        (f"POST {API}/device/checkins", target(
            expect=_device_expect, audited=False,
            body=lambda w, n: {"worker": w.worker.username, "direction": "in"})),
    ]


# --- bulk rows for the query-count test ------------------------------------------------------

def _checkins(world: Any, n: int, user: Any) -> list[models.Model]:
    """Closed check-ins of the world's worker at world.site (so the worker, the project's
    manager and the office see them), the newest of the list."""
    now = timezone.now()
    return list(CheckIn.objects.bulk_create([CheckIn(
        worker=world.worker, site=world.site, crew=world.crew, state=CheckInState.CLOSED,
        checked_in_at=now, checked_out_at=now, location_status=LocationStatus.NO_LOCATION,
        flagged=True, note=f"BULK-CHECKIN-{next(_serial):05d}") for _ in range(n)]))


def _entries(world: Any, n: int, user: Any) -> list[models.Model]:
    today = timezone.localdate()
    return list(TimesheetEntry.objects.bulk_create([TimesheetEntry(
        worker=world.worker, work_date=today, hours=8, site=world.site, crew=world.crew)
        for _ in range(n)]))


MAKERS: dict[type[models.Model], Any] = {CheckIn: _checkins, TimesheetEntry: _entries}
