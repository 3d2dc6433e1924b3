"""Baseline pages: an order's baselines (save, delete) and one baseline's variance against
the current schedule, the actual dates, or another baseline; with an Excel export.

Who sees and keeps baselines is BaselinePolicy's answer (planners save and delete them);
an order whose baselines the user may not see answers 404 like any hidden object.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from eoms.core.access import ADD, DELETE, EXPORT, VIEW, can
from eoms.core.listing import XLSX
from eoms.lib.xlsx import write_rows
from eoms.orders.models import Order
from eoms.scheduling import services_plan, variance
from eoms.scheduling.forms_calendar import BaselineForm
from eoms.scheduling.models import Baseline, Task


def _order(request: HttpRequest, order_pk: int, action: str = VIEW) -> Order:
    """The order, when the user may see its baselines (else 404) and act on them."""
    order = get_object_or_404(Order.objects.for_user(request.user)
                              .select_related("project", "customer"), pk=order_pk)
    probe = Baseline(order=order)
    if not can(request.user, VIEW, probe):
        raise Http404
    if action != VIEW and not can(request.user, action, probe):
        raise PermissionDenied(action)
    return order


def _baseline(request: HttpRequest, pk: int, action: str = VIEW) -> Baseline:
    found = get_object_or_404(Baseline.objects.for_user(request.user)
                              .select_related("order", "created_by"), pk=pk)
    if action != VIEW and not can(request.user, action, found):
        raise PermissionDenied(action)
    return found


def _person(user: Any) -> str:
    return (user.get_full_name() or user.username) if user is not None else _("系统")


# --- the list ------------------------------------------------------------------------------

def _render_list(request: HttpRequest, order: Order, form: BaselineForm | None = None,
                 status: int = 200) -> HttpResponse:
    user = request.user
    probe = Baseline(order=order)
    rows = (Baseline.objects.for_user(user).filter(order=order).select_related("created_by")
            .annotate(task_count=Count("tasks", distinct=True)).order_by("-created_at", "-pk"))
    baselines = [{"baseline": b, "by": _person(b.created_by)} for b in rows]
    return render(request, "scheduling/baseline_list.html", {
        "order": order, "baselines": baselines, "form": form or BaselineForm(),
        "task_count": Task.objects.filter(order=order).count(),
        "can_add": can(user, ADD, probe), "can_delete": can(user, DELETE, probe),
    }, status=status)


@login_required
@require_GET
def baseline_list(request: HttpRequest, order_pk: int) -> HttpResponse:
    return _render_list(request, _order(request, order_pk))


@login_required
@require_POST
def baseline_create(request: HttpRequest, order_pk: int) -> HttpResponse:
    order = _order(request, order_pk, ADD)
    form = BaselineForm(request.POST)
    if form.is_valid():
        saved = form.submit(lambda _dup: services_plan.save_baseline(
            order, actor=request.user, name=form.cleaned_data["name"],
            note=form.cleaned_data["note"]))
        if saved is not None:
            messages.success(request, _("已保存基线“%(n)s”。") % {"n": saved.name})
            return redirect("scheduling:baseline_list", order.pk)
    return _render_list(request, order, form)


@login_required
@require_POST
def baseline_delete(request: HttpRequest, pk: int) -> HttpResponse:
    baseline = _baseline(request, pk, DELETE)
    order_pk, name = baseline.order_id, baseline.name
    services_plan.delete_baseline(baseline, actor=request.user)
    messages.success(request, _("已删除基线“%(n)s”。") % {"n": name})
    return redirect("scheduling:baseline_list", order_pk)


# --- variance ------------------------------------------------------------------------------

def _options(request: HttpRequest, baseline: Baseline) -> dict[str, Any]:
    """What the variance page shows: only slipped rows, milestones first, and which other
    baseline (of the same order) it compares with, if any."""
    others = list(Baseline.objects.for_user(request.user).filter(order=baseline.order_id)
                  .exclude(pk=baseline.pk).order_by("-created_at", "-pk"))
    wanted = request.GET.get("against", "")
    against = next((b for b in others if str(b.pk) == wanted), None)
    return {"others": others, "against": against,
            "only_slipped": request.GET.get("slipped") == "1",
            "milestones_first": request.GET.get("milestones") == "first"}


def _report(request: HttpRequest, baseline: Baseline) -> tuple[dict[str, Any], list[Any]]:
    options = _options(request, baseline)
    report = variance.load_report(baseline, options["against"])
    rows = variance.arrange(report.rows, only_slipped=options["only_slipped"],
                            milestones_first=options["milestones_first"])
    return {**options, "summary": report.summary, "total": len(report.rows)}, rows


@login_required
@require_GET
def baseline_detail(request: HttpRequest, pk: int) -> HttpResponse:
    baseline = _baseline(request, pk)
    context, rows = _report(request, baseline)
    query = request.GET.urlencode()
    export_url = ""
    if can(request.user, EXPORT, baseline):
        export_url = reverse("scheduling:baseline_export", args=[baseline.pk])
        export_url += f"?{query}" if query else ""
    return render(request, "scheduling/baseline_detail.html", {
        **context, "baseline": baseline, "order": baseline.order, "rows": rows,
        "by": _person(baseline.created_by),
        "export_url": export_url, "list_url": reverse("scheduling:baseline_list",
                                                      args=[baseline.order_id]),
    })


def export_headers(compared_with_baseline: bool) -> list[str]:
    now = _("对比基线") if compared_with_baseline else _("当前")
    return [_("WBS"), _("任务"), _("里程碑"), _("基线开始"), _("基线完成"), _("基线工期（工作日）"),
            _("%(w)s开始") % {"w": now}, _("%(w)s完成") % {"w": now},
            _("%(w)s工期（工作日）") % {"w": now}, _("实际开始"), _("实际完成"),
            _("开始偏差（工作日）"), _("完成偏差（工作日）"), _("工期偏差（工作日）"), _("说明")]


def export_row(row: variance.VarianceRow) -> list[Any]:
    base, now = row.baseline, row.current
    return [row.wbs, row.name, row.milestone, base.start if base else None,
            base.finish if base else None, row.baseline_days, now.start if now else None,
            now.finish if now else None, row.current_days, row.actual_start, row.actual_finish,
            row.start_variance, row.finish_variance, row.duration_variance,
            row.state_label]


@login_required
@require_GET
def baseline_export(request: HttpRequest, pk: int) -> HttpResponse:
    baseline = _baseline(request, pk, EXPORT)
    context, rows = _report(request, baseline)
    content = write_rows(export_headers(context["against"] is not None),
                         (export_row(r) for r in rows), sheet_title=_("基线偏差"))
    response = HttpResponse(content, content_type=XLSX)
    filename = f"{baseline.order.code}-{baseline.name}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = str(content_disposition_header(True, filename))
    return response
