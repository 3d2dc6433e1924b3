"""The route walker's view of the supervisor view and the check-in list
(eoms/fieldwork/urls_supervisor.py), read by eoms/testing/routes_fieldwork.py: the
target of each route, and bulk check-ins for the query-count test."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from eoms.fieldwork.choices import CheckInState, LocationStatus
from eoms.fieldwork.models import CheckIn
from eoms.fieldwork.policies import SUPERVISE

_serial = itertools.count(1)


def _other_checkin(w: Any) -> CheckIn:
    """other_worker's check-in at world.other_site: world.pm must not see it."""
    from eoms.testing.routes_fieldwork import world_fieldwork  # it imports this module

    return world_fieldwork(w).other_checkin


def targets(target: Any) -> list[tuple[str, Any]]:
    return [
        ("fieldwork:supervisor", target(model=CheckIn, obj=_other_checkin, action=SUPERVISE)),
        ("fieldwork:checkin_list", target(model=CheckIn, obj=_other_checkin)),
        ("fieldwork:checkin_export", target(model=CheckIn, obj=_other_checkin)),
    ]


# --- bulk rows for the query-count test ------------------------------------------------------

def _checkins(world: Any, n: int, user: Any) -> list[models.Model]:
    """Closed check-ins of world.worker at world.site (the administrator, the project
    manager and the worker see them), a minute apart so each reads differently. The
    lists show a check-in's str() (its marker) as read from the database: in UTC."""
    base = timezone.now().replace(second=0, microsecond=0)
    rows = []
    for i in (next(_serial) for _ in range(n)):
        at = base - timedelta(minutes=i)
        rows.append(CheckIn(
            worker=world.worker, site=world.site, checked_in_at=at,
            checked_out_at=at + timedelta(hours=1), state=CheckInState.CLOSED,
            hours_worked=Decimal(1), location_status=LocationStatus.INSIDE,
            note=f"批量签到{i:05d}"))
    return list(CheckIn.objects.bulk_create(rows))


MAKERS: dict[type[models.Model], Any] = {CheckIn: _checkins}
