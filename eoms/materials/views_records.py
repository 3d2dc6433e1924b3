"""Deliveries and batches: the lists, a delivery with its batches, a batch with its trace
(every task and location it went into), the usage form, and the scan page that opens a
batch from its label."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from eoms.audit.history import history_for
from eoms.core.access import ADD, VIEW, can
from eoms.core.listing import Listing
from eoms.materials import queries, services
from eoms.materials.forms import UsageForm, show_errors
from eoms.materials.models import BatchUsage, Delivery, ReceivedBatch
from eoms.materials.scanning import label_code_in

BATCH_RELATED = ("material", "supplier", "delivery", "order_line__order")


def batch_for(user: Any, code: str) -> ReceivedBatch:
    """The batch a label names, if the user sees it (else 404)."""
    return get_object_or_404(ReceivedBatch.objects.for_user(user, VIEW)
                             .select_related(*BATCH_RELATED), label_code=code)


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, Listing.page_size(request.GET)).get_page(request.GET.get("page"))


@login_required
@require_GET
def delivery_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can(user, VIEW, Delivery):
        raise PermissionDenied(VIEW)
    qs = (Delivery.objects.for_user(user, VIEW)
          .select_related("order", "supplier", "received_by")
          .annotate(batch_count=Count("batches")))
    text = request.GET.get("q", "").strip()
    if text:
        qs = qs.filter(Q(code__icontains=text) | Q(order__code__icontains=text)
                       | Q(supplier__name__icontains=text) | Q(delivery_note__icontains=text))
    page = _page(request, qs.order_by("-delivered_on", "-pk"))
    return render(request, "materials/delivery_list.html", {
        "page_obj": page, "deliveries": list(page.object_list), "q": text,
        "may_receive": can(user, ADD, Delivery)})


@login_required
@require_GET
def delivery_detail(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(Delivery.objects.for_user(request.user, VIEW).select_related(
        "order__project", "supplier", "received_by"), pk=pk)
    batches = list(delivery.batches.select_related("material", "order_line").order_by("pk"))
    return render(request, "materials/delivery_detail.html", {
        "delivery": delivery, "batches": batches, "history": history_for(delivery)})


@login_required
@require_GET
def batch_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can(user, VIEW, ReceivedBatch):
        raise PermissionDenied(VIEW)
    qs = ReceivedBatch.objects.for_user(user, VIEW).select_related(*BATCH_RELATED)
    text = request.GET.get("q", "").strip()
    if text:
        qs = qs.filter(Q(batch_number__icontains=text) | Q(label_code__icontains=text)
                       | Q(material__name__icontains=text)
                       | Q(certificate_number__icontains=text))
    page = _page(request, qs.order_by("-pk"))
    return render(request, "materials/batch_list.html", {
        "page_obj": page, "batches": list(page.object_list), "q": text})


@login_required
@require_GET
def batch_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The batch page a label's QR code opens."""
    user = request.user
    batch = batch_for(user, code)
    trace = queries.trace_of_batch(batch).filter(
        pk__in=BatchUsage.objects.for_user(user, VIEW).values("pk"))
    return render(request, "materials/batch_detail.html", {
        "batch": batch, "trace": trace, "remaining": queries.remaining(batch),
        "may_use": can(user, ADD, BatchUsage), "history": history_for(batch)})


@login_required
@require_http_methods(["GET", "POST"])
def batch_use(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    batch = batch_for(user, code)
    if not can(user, ADD, BatchUsage):
        raise PermissionDenied(ADD)
    order = batch.order_line.order
    data = request.POST if request.method == "POST" else None
    form = UsageForm(data, user=user, order=order)
    if data is not None and form.is_valid():
        try:
            services.record_usage(batch, actor=user, task=form.cleaned_data["task"],
                                  location=form.cleaned_data["location"],
                                  quantity=form.cleaned_data["quantity"],
                                  used_on=form.cleaned_data["used_on"])
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("已记录批次 %(b)s 的使用。") % {"b": batch.batch_number})
            return redirect("materials:label_open", batch.label_code)
    return render(request, "materials/usage_form.html", {
        "batch": batch, "form": form, "remaining": queries.remaining(batch)})


@login_required
@require_GET
def scan(request: HttpRequest) -> HttpResponse:
    """Scan an EOMS label (camera, photo or typed code) to open its batch."""
    if not can(request.user, VIEW, ReceivedBatch):
        raise PermissionDenied(VIEW)
    typed = request.GET.get("code", "").strip()
    if typed:
        code = label_code_in(typed)
        found = ReceivedBatch.objects.for_user(request.user, VIEW).filter(
            Q(label_code=code) if code else Q(batch_number__iexact=typed)).first()
        if found is not None:
            return redirect("materials:label_open", found.label_code)
        messages.error(request, _("没有找到批号或标签“%(c)s”，或您无权查看。") % {"c": typed})
    return render(request, "materials/scan.html", {
        "decode_url": reverse("api:materials_decode"), "typed": typed})
