"""Quality archive pages: the versions of an order's archived quality report, a new
version with its reason (management, QC), and the download, which re-checks the file's
SHA-256 and refuses a file that no longer matches."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from eoms.core.access import ADD, VIEW, can
from eoms.orders.models import Order
from eoms.orders.views_portal import is_portal_user
from eoms.quality import services_archive
from eoms.quality.models import QualityArchive
from eoms.quality.policies_archive import RELEASED
from eoms.quality.views_common import error_lines


def archive_order(user: Any, pk: int) -> Order:
    """The order, when the user may see its archives (a customer: once delivered)."""
    if not can(user, VIEW, QualityArchive):
        raise Http404(_("订单不存在。"))
    order = get_object_or_404(Order.objects.for_user(user), pk=pk)
    if is_portal_user(user) and order.status not in RELEASED:
        raise Http404(_("订单尚未交付，没有质量档案。"))
    return order


def _page(request: HttpRequest, order: Order, *, errors: dict[str, list[str]] | None = None,
          reason: str = "", status: int = 200) -> HttpResponse:
    user = request.user
    archives = (QualityArchive.objects.for_user(user).filter(order=order)
                .select_related("created_by").order_by("-version"))
    may_add = order.status in RELEASED and can(user, ADD, QualityArchive(order=order))
    return render(request, "quality/archive_list.html", {
        "order": order, "archives": archives, "may_add": may_add, "reason": reason,
        "errors": errors or {}, "portal": is_portal_user(user)}, status=status)


@login_required
@require_GET
def archive_list(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, archive_order(request.user, pk))


@login_required
@require_POST
def archive_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    order = archive_order(user, pk)
    if not can(user, ADD, QualityArchive(order=order)):
        raise PermissionDenied(ADD)
    reason = request.POST.get("reason", "")
    try:
        archive = services_archive.archive_report(order, actor=user, reason=reason)
    except ValidationError as exc:
        fields, general = error_lines(exc)
        if general:
            fields.setdefault("order", []).extend(general)
        return _page(request, order, errors=fields, reason=reason, status=400)
    messages.success(request, _("已生成质量档案 %(a)s（%(n)s 页）。") % {
        "a": archive, "n": archive.page_count})
    return redirect("quality:archive_list", order.pk)


@login_required
@require_GET
def archive_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    archive = get_object_or_404(QualityArchive.objects.for_user(request.user)
                                .select_related("order"), pk=pk)
    try:
        verified = services_archive.open_verified(archive)
    except FileNotFoundError:
        raise Http404(_("质量档案文件已丢失。"))
    except services_archive.ArchiveTampered as exc:
        return _page(request, archive.order, errors={"download": [str(exc)]}, status=409)
    filename = f"{archive.order.code}-quality-v{archive.version}.pdf"
    response = FileResponse(verified, content_type="application/pdf", as_attachment=True,
                            filename=filename)
    response["X-Content-SHA256"] = archive.sha256
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
