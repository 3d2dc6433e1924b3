"""The route walker's view of the daily site log (eoms/fieldwork/urls_log.py and
api_logs.py), read by eoms/testing/routes_fieldwork.py: the target of each route, and bulk
logs for the query-count test (logs of world.site, which the administrator and the
project manager see)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from django.db import models
from django.utils import timezone

from eoms.core.access import ADD, CHANGE
from eoms.core.context import Channel, acting
from eoms.fieldwork import services_log
from eoms.fieldwork.choices import DailyLogState
from eoms.fieldwork.models import DailyLog
from eoms.fieldwork.policies import SIGN

API = "/api/v1/fieldwork"
_serial = itertools.count(1)
FORM = ("GET", "POST")
BULK_START = date(2090, 1, 1)  # after any real log: bulk logs head the list (newest first)


def _field(w: Any) -> Any:
    from eoms.testing.routes_fieldwork import world_fieldwork  # it imports this module

    return world_fieldwork(w)


def _open(site: Any, day: date, actor: Any) -> DailyLog:
    with acting(Channel.TEST):
        return services_log.prefill_log(site, day, actor=actor)


def _draft(w: Any) -> DailyLog:
    """An unsigned log of world.site, pre-filled from the world's check-ins (a signature
    by an earlier user leaves none: then a new one, on a day of its own)."""
    _field(w)
    found = DailyLog.objects.filter(site=w.site, state=DailyLogState.DRAFT).order_by(
        "pk").first()
    if found is not None:
        return found
    return _open(w.site, timezone.localdate() - timedelta(days=1000 + next(_serial)),
                 w.manager)


def _other_log(w: Any) -> DailyLog:
    """A log of world.other_site: other_pm's, which the list must not show to world.pm."""
    found = DailyLog.objects.filter(site=w.other_site).order_by("pk").first()
    return found or _open(w.other_site, timezone.localdate() - timedelta(days=3000),
                          w.manager)


def _new_day(n: int) -> date:
    return timezone.localdate() - timedelta(days=n % 900 + 1)


def _in_site(w: Any, obj: Any) -> DailyLog:
    return DailyLog(site=w.site)  # what a new log's body names


def _sign_body(w: Any, n: int) -> dict[str, Any]:
    return {"signature_name": f"巡检签名{n:05d}", "confirm": "on"}


def _page_targets(target: Any) -> list[tuple[str, Any]]:
    return [
        ("fieldwork:log_list", target(model=DailyLog, obj=_other_log)),
        ("fieldwork:log_prefill", target(
            model=DailyLog, action=ADD, acts_on=_in_site,
            body=lambda w, n: {"site": w.site.pk, "log_date": _new_day(n).isoformat()})),
        ("fieldwork:log_detail", target(model=DailyLog, obj=_draft)),
        ("fieldwork:log_edit", target(model=DailyLog, obj=_draft, action=CHANGE, form=True,
                                      methods=FORM,
                                      body=lambda w, n: {"issues": f"巡检问题{n:05d}"})),
        ("fieldwork:log_sign", target(model=DailyLog, obj=_draft, action=SIGN,
                                      body=_sign_body)),
        ("fieldwork:log_pdf", target(model=DailyLog, obj=_draft)),
    ]


def _api_targets(target: Any) -> list[tuple[str, Any]]:
    return [
        (f"GET {API}/logs", target(model=DailyLog, obj=_other_log)),
        (f"POST {API}/logs", target(
            model=DailyLog, acts_on=_in_site,
            body=lambda w, n: {"site": w.site.code, "date": _new_day(n).isoformat()})),
        (f"GET {API}/logs/{{pk}}", target(model=DailyLog, obj=_draft)),
        (f"PATCH {API}/logs/{{pk}}", target(model=DailyLog, obj=_draft,
                                            body=lambda w, n: {"issues": f"巡检问题{n:05d}"})),
        (f"POST {API}/logs/{{pk}}/sign", target(model=DailyLog, obj=_draft, action=SIGN,
                                                body=_sign_body)),
        (f"GET {API}/logs/{{pk}}/pdf", target(model=DailyLog, obj=_draft)),
    ]


def targets(target: Any) -> list[tuple[str, Any]]:
    return [*_page_targets(target), *_api_targets(target)]


# --- bulk rows for the query-count test ------------------------------------------------------

def _logs(world: Any, n: int, user: Any) -> list[models.Model]:
    """Draft logs of world.site on days of their own, each newer than the last."""
    return list(DailyLog.objects.bulk_create([
        DailyLog(site=world.site, log_date=BULK_START + timedelta(days=next(_serial)),
                 work_done="批量日志") for _ in range(n)]))


MAKERS: dict[type[models.Model], Any] = {DailyLog: _logs}
