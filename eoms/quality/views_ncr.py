"""Non-conformance pages: the list (open first), one NCR with its rework task and
re-inspection, and closing it (refused, with the reason, before a re-inspection passed)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from eoms.core.access import VIEW, can
from eoms.core.listing import Listing
from eoms.quality import services_ncr
from eoms.quality.choices import NcrStatus
from eoms.quality.models import NonConformance
from eoms.quality.policies import CLOSE
from eoms.scheduling.models import Task

RELATED = ("inspection__template", "order", "task", "item", "responsible_crew",
           "rework_task", "closing_inspection", "closed_by")


def ncr_for(user: Any, pk: int, action: str = VIEW) -> NonConformance:
    found = get_object_or_404(NonConformance.objects.for_user(user).select_related(*RELATED),
                              pk=pk)
    if action != VIEW and not can(user, action, found):
        raise PermissionDenied(action)
    return found


@login_required
@require_GET
def ncr_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can(user, VIEW, NonConformance):
        raise PermissionDenied(VIEW)
    qs = NonConformance.objects.for_user(user).select_related(*RELATED)
    status = request.GET.get("status", "")
    if status in NcrStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("-status", "-created_at", "-pk"),
                     Listing.page_size(request.GET)).get_page(request.GET.get("page"))
    return render(request, "quality/ncr_list.html", {
        "page_obj": page, "ncrs": list(page.object_list), "status": status,
        "statuses": NcrStatus.choices})


def detail_page(request: HttpRequest, ncr: NonConformance, *,
                errors: list[str] | None = None) -> HttpResponse:
    user = request.user
    rework = ncr.rework_task
    return render(request, "quality/ncr_detail.html", {
        "ncr": ncr, "errors": errors or [],
        "may_close": ncr.status == NcrStatus.OPEN and can(user, CLOSE, ncr),
        "rework_visible": rework is not None
        and Task.objects.for_user(user).filter(pk=rework.pk).exists()})


@login_required
@require_GET
def ncr_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return detail_page(request, ncr_for(request.user, pk))


@login_required
@require_POST
def ncr_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    ncr = ncr_for(user, pk, CLOSE)
    try:
        services_ncr.close_ncr(ncr, actor=user, note=request.POST.get("note", ""))
    except ValidationError as exc:
        return detail_page(request, ncr_for(user, pk), errors=list(exc.messages))
    messages.success(request, _("不合格项 %(c)s 已关闭。") % {"c": ncr.code})
    return redirect("quality:ncr_detail", ncr.pk)
