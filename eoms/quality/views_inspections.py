"""Inspection pages: 我的检验 (the list), one inspection, the inspector's phone page to
fill it (items, camera photos, drawn signature, pass/fail, measurements with live
pass/fail), completing it and ordering a re-inspection; photos and signatures served to
those who may see them. Each change is one service call; a refusal comes back on the page
with its reasons, and writes nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eoms.audit.history import history_for
from eoms.core.access import CHANGE, VIEW, can
from eoms.core.listing import Listing
from eoms.lib.text import plain_decimal
from eoms.quality import answers, gates, services
from eoms.quality.choices import InspectionStatus, ItemKind
from eoms.quality.models import Inspection, InspectionPhoto, InspectionResult
from eoms.quality.policies import REINSPECT
from eoms.quality.views_common import error_lines, serve_file

RELATED = ("order__project", "task", "template", "inspector", "completed_by")


def inspection_for(user: Any, pk: int, action: str = VIEW) -> Inspection:
    """The inspection if the user sees it (else 404) and may `action` it (else 403)."""
    found = get_object_or_404(Inspection.objects.for_user(user).select_related(*RELATED),
                              pk=pk)
    if action != VIEW and not can(user, action, found):
        raise PermissionDenied(action)
    return found


@login_required
@require_GET
def inspection_list(request: HttpRequest) -> HttpResponse:
    """My inspections first (assigned to me and open), then the others I may see."""
    user = request.user
    if not can(user, VIEW, Inspection):
        raise PermissionDenied(VIEW)
    qs = Inspection.objects.for_user(user).select_related(*RELATED)
    status = request.GET.get("status", "")
    if status in InspectionStatus.values:
        qs = qs.filter(status=status)
    mine = request.GET.get("mine", "1" if request.GET.get("status") is None else "")
    if mine == "1":
        qs = qs.filter(Q(inspector=user) | Q(inspector=None))
    page = Paginator(qs.order_by("status", "-created_at", "-pk"),
                     Listing.page_size(request.GET)).get_page(request.GET.get("page"))
    return render(request, "quality/inspection_list.html", {
        "page_obj": page, "inspections": list(page.object_list), "status": status,
        "statuses": InspectionStatus.choices, "mine": mine == "1"})


def _rows(inspection: Inspection) -> list[dict[str, Any]]:
    results = {r.item_id: r for r in inspection.results.all()}
    photos: dict[int, list[Any]] = {}
    for photo in inspection.photos.all():
        photos.setdefault(photo.item_id or 0, []).append(photo)
    return [{"item": item, "result": results.get(item.pk), "photos": photos.get(item.pk, []),
             "key": answers.key(item), "tolerance": answers.tolerance_text(item),
             "needed": answers.photos_needed(item) if item.kind == ItemKind.PHOTO else 0}
            for item in inspection.template.items.all()]


@login_required
@require_GET
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    inspection = inspection_for(user, pk)
    open_ = inspection.status == InspectionStatus.OPEN
    return render(request, "quality/inspection_detail.html", {
        "inspection": inspection, "rows": _rows(inspection),
        "may_fill": open_ and can(user, CHANGE, inspection),
        "may_reinspect": inspection.status == InspectionStatus.FAILED
        and not Inspection.objects.filter(repeats=inspection).exists()
        and can(user, REINSPECT, inspection),
        "ncrs": list(inspection.ncrs.all()),
        "reinspection": Inspection.objects.for_user(user).filter(repeats=inspection).first(),
        "subject": gates.describe(inspection),
        "history": history_for(inspection)})


def _shown(row: dict[str, Any], posted: Any) -> str:
    """What an item's input shows: what was just posted, else what is stored."""
    if posted is not None and row["key"] in posted:
        return str(posted.get(row["key"]))
    result = row["result"]
    if result is None:
        return ""
    if row["item"].kind == ItemKind.PASS_FAIL and result.passed is not None:
        return "pass" if result.passed else "fail"
    if row["item"].kind == ItemKind.MEASUREMENT and result.value is not None:
        return plain_decimal(result.value)
    return result.text if row["item"].kind == ItemKind.TEXT else ""


def _fill_page(request: HttpRequest, inspection: Inspection, *, errors: dict[str, list[str]],
               general: list[str], status: int = 200) -> HttpResponse:
    posted = request.POST if request.method == "POST" else None
    rows = _rows(inspection)
    for row in rows:
        row["shown"] = _shown(row, posted)
        row["errors"] = errors.get(row["key"], [])
    other = [m for name, found in errors.items() if not name.startswith("item_")
             for m in found]
    note = posted.get("note", inspection.note) if posted is not None else inspection.note
    return render(request, "quality/inspection_fill.html", {
        "inspection": inspection, "rows": rows, "general": [*general, *other],
        "note": note}, status=status)


def _posted_values(request: HttpRequest, inspection: Inspection) -> dict[str, Any]:
    values = {}
    for item in inspection.template.items.all():
        name = answers.key(item)
        if item.kind != ItemKind.PHOTO and name in request.POST:
            values[name] = request.POST.get(name)
    return values


def _posted_photos(request: HttpRequest, inspection: Inspection) -> dict[str, list[Any]]:
    return {name: request.FILES.getlist(name) for name in request.FILES}


@login_required
@require_http_methods(["GET", "POST"])
def inspection_fill(request: HttpRequest, pk: int) -> HttpResponse:
    """The phone page: answers, photos and signature; "保存" keeps them, "完成检验"
    also completes the inspection (passed or failed)."""
    user = request.user
    inspection = inspection_for(user, pk, CHANGE)
    if inspection.status != InspectionStatus.OPEN:
        messages.info(request, _("检验 %(c)s 已%(s)s。") % {
            "c": inspection.code, "s": inspection.get_status_display()})
        return redirect("quality:inspection_detail", inspection.pk)
    if request.method == "GET":
        return _fill_page(request, inspection, errors={}, general=[])
    try:
        saved = services.record_results(
            inspection, actor=user, values=_posted_values(request, inspection),
            photos=_posted_photos(request, inspection), note=request.POST.get("note"))
        if "complete" in request.POST:
            saved = services.complete_inspection(saved, actor=user)
    except ValidationError as exc:
        errors, general = error_lines(exc)
        fresh = inspection_for(user, pk)
        return _fill_page(request, fresh, errors=errors, general=general)
    if saved.status == InspectionStatus.OPEN:
        messages.success(request, _("已保存检验结果。"))
        return redirect("quality:inspection_fill", saved.pk)
    if saved.status == InspectionStatus.PASSED:
        messages.success(request, _("检验 %(c)s 合格。") % {"c": saved.code})
    else:
        messages.warning(request, _("检验 %(c)s 不合格，已开具不合格项并安排返工任务。")
                         % {"c": saved.code})
    return redirect("quality:inspection_detail", saved.pk)


@login_required
@require_POST
def inspection_reinspect(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    inspection = inspection_for(user, pk, REINSPECT)
    try:
        again = services.reinspect(inspection, actor=user)
    except ValidationError as exc:
        for line in exc.messages:
            messages.error(request, line)
        return redirect("quality:inspection_detail", inspection.pk)
    messages.success(request, _("已安排复检 %(c)s。") % {"c": again.code})
    return redirect("quality:inspection_detail", again.pk)


@login_required
@require_GET
def photo_image(request: HttpRequest, pk: int) -> Any:
    photo = get_object_or_404(InspectionPhoto.objects.for_user(request.user), pk=pk)
    return serve_file(request, photo.image.name, filename=f"inspection-photo-{photo.pk}.jpg",
                      content_type="image/jpeg")


@login_required
@require_GET
def signature_image(request: HttpRequest, pk: int) -> Any:
    result = get_object_or_404(InspectionResult.objects.for_user(request.user), pk=pk)
    return serve_file(request, result.signature.name, filename=f"signature-{result.pk}.png",
                      content_type="image/png")
