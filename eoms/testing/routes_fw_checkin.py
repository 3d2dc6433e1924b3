"""The route walker's view of the phone pages (eoms/fieldwork/urls_checkin.py) and of the
PWA files (urls_pwa.py), read by eoms/testing/routes_fieldwork.py.

- today: every role that sees check-ins opens it (only his own day is on it; customers
  get 403); it is not a list of all rows, so it is not measured by the query-count test
  (tests/fieldwork/test_fw_pages_checkin.py pins its queries).
- checkin_create: whoever checks in (the field roles) posts a check-in at a new site of
  world.project, so that nobody's open check-in stands in the way; a user who may not
  work there gets the form back with the refusal.
- checkin_detail / checkout: the world's check-in of world.worker; only he (and management)
  checks it out.
- manifest, service worker, offline page: the same for everyone and public (the browser
  fetches a manifest without cookies; a service worker script may not be a redirect).
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from django.db import models

from eoms.core.access import ADD, CHANGE, VIEW, can
from eoms.core.context import Channel, acting
from eoms.fieldwork.models import CheckIn
from eoms.fieldwork.policies import may_work_at
from eoms.masterdata.models import Site

_serial = itertools.count(1)


def _field(w: Any) -> Any:
    from eoms.testing.routes_fieldwork import world_fieldwork  # it imports this module

    return world_fieldwork(w)


def _new_site(w: Any) -> Site:
    n = next(_serial)
    with acting(Channel.TEST):
        return Site.objects.create(
            code=f"SITE-QC{n:05d}", name=f"巡检签到工地{n:05d}", project=w.project,
            latitude=Decimal("31.240000"), longitude=Decimal("121.480000"))


def _check_in_body(w: Any, n: int) -> dict[str, Any]:
    site = _new_site(w)
    return {"site": site.pk, "latitude": str(site.latitude), "longitude": str(site.longitude),
            "accuracy": "12", "note": f"巡检签到{n:05d}"}


def _check_in_expect(user: Any, w: Any, obj: Any) -> str:
    from eoms.testing.routes import FORBIDDEN, INVALID, LOGIN, OK

    if user is None:
        return LOGIN
    if not can(user, ADD, CheckIn):
        return FORBIDDEN
    # The new site lies in world.project, like world.site.
    return OK if may_work_at(user, w.site) else INVALID


def _today_expect(user: Any, w: Any, obj: Any) -> str:
    from eoms.testing.routes import FORBIDDEN, LOGIN, OK

    if user is None:
        return LOGIN
    return OK if can(user, VIEW, CheckIn) else FORBIDDEN


def _public(user: Any, w: Any, obj: Any) -> str:
    from eoms.testing.routes import OK

    return OK


def _checkout_body(w: Any, n: int) -> dict[str, Any]:
    prefix = f"out{_field(w).checkin.pk}"
    return {f"{prefix}-hours_worked": "0.25", f"{prefix}-note": f"巡检签退{n:05d}"}


def targets(target: Any) -> list[tuple[str, Any]]:
    checkin = {"model": CheckIn, "obj": lambda w: _field(w).checkin}
    return [
        ("fieldwork:today", target(model=CheckIn, expect=_today_expect)),
        ("fieldwork:checkin_create", target(model=CheckIn, action=ADD, body=_check_in_body,
                                            expect=_check_in_expect)),
        ("fieldwork:checkin_detail", target(**checkin)),
        ("fieldwork:checkout", target(**checkin, action=CHANGE, body=_checkout_body)),
        ("fieldwork:manifest", target(expect=_public, audited=False)),
        ("fieldwork:service_worker", target(expect=_public, audited=False)),
        ("fieldwork:offline", target(expect=_public, audited=False)),
    ]


MAKERS: dict[type[models.Model], Any] = {}
