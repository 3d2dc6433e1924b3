"""The audit search page (auditors and administrators)."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date

from eoms.audit.history import prepare
from eoms.audit.models import AuditAction, AuditEntry
from eoms.core.access import VIEW, can


@login_required
def audit_search_view(request: HttpRequest) -> HttpResponse:
    if not can(request.user, VIEW, AuditEntry):
        raise PermissionDenied
    qs = AuditEntry.objects.for_user(request.user).select_related("content_type")
    g = request.GET
    if g.get("q"):
        qs = qs.filter(object_repr__icontains=g["q"].strip())
    if g.get("actor"):
        qs = qs.filter(actor_label__icontains=g["actor"].strip())
    if g.get("event"):
        qs = qs.filter(event__startswith=g["event"].strip())
    if g.get("action") in AuditAction.values:
        qs = qs.filter(action=g["action"])
    errors = []
    for name, op in (("since", "gte"), ("until", "lte")):
        if g.get(name):
            day = parse_date(g[name])
            if day is None:
                errors.append(name)
                continue
            moment = datetime.combine(day, time.min if op == "gte" else time.max)
            qs = qs.filter(**{f"timestamp__{op}": timezone.make_aware(moment)})
    page = Paginator(qs, 50).get_page(g.get("page"))
    query = g.copy()
    query.pop("page", None)
    return render(request, "audit/search.html", {
        "page_obj": page, "entries": prepare(page.object_list, resolve_names=False),
        "actions": AuditAction.choices,
        "date_errors": errors, "querystring_without_page": query.urlencode(),
    })
