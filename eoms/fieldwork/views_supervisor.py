"""The supervisor view (今日现场): per site of the user's scope, the day's check-ins with
their location status and flags, who was expected and has not checked in, and check-ins
of earlier days never checked out. For office roles and project managers; no map, a
page that reads as well on a phone as at a desk.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from eoms.core.access import ADMIN, can, roles_of
from eoms.fieldwork import queries
from eoms.fieldwork.models import CheckIn
from eoms.fieldwork.policies import OFFICE, SUPERVISE
from eoms.masterdata.models import Site
from eoms.masterdata.policies import project_scope


def supervised_sites(user: Any) -> QuerySet:
    """Every site for the office; a project manager the sites of his projects."""
    if roles_of(user) & (OFFICE | {ADMIN}):
        return Site.objects.all()
    return Site.objects.filter(pk__in=Site.objects.filter(
        project_scope(user, "project__")).values("pk"))


def chosen_day(value: str | None) -> tuple[date, str]:
    """The day asked for (today when none), and an error to show for a bad one."""
    today = timezone.localdate()
    if not value:
        return today, ""
    try:
        return date.fromisoformat(value), ""
    except ValueError:
        return today, _("日期“%(v)s”格式不对，应为 YYYY-MM-DD；已显示今天。") % {"v": value[:20]}


def _totals(boards: list[queries.SiteBoard]) -> dict[str, int]:
    return {"present": sum(b.present for b in boards),
            "expected": sum(len(b.expected) for b in boards),
            "missing": sum(len(b.missing) for b in boards),
            "flagged": sum(b.flagged for b in boards),
            "still_open": sum(len(b.still_open) for b in boards)}


@login_required
@require_GET
def supervisor(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can(user, SUPERVISE, CheckIn):
        raise PermissionDenied(SUPERVISE)
    day, error = chosen_day(request.GET.get("date"))
    boards = queries.supervision(user, supervised_sites(user), day)
    return render(request, "fieldwork/supervisor.html", {
        "day": day, "today": timezone.localdate(), "date_error": error,
        "previous_day": day - timedelta(days=1), "next_day": day + timedelta(days=1),
        "boards": boards, "totals": _totals(boards),
    })
