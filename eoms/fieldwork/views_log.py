"""Daily site log pages: the list (with "open today's log" for the sites one keeps), the
log, its form, pre-fill, signature and PDF. Each change is one service call
(eoms/fieldwork/services_log.py); a refusal comes back on the page it came from.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eoms.audit.history import history_for
from eoms.core import listing
from eoms.core.access import ADD, CHANGE, VIEW, can
from eoms.core.listing import Listing
from eoms.fieldwork import queries, services_log
from eoms.fieldwork.choices import DailyLogState
from eoms.fieldwork.forms_log import DailyLogForm, PrefillForm, SignForm, log_sites
from eoms.fieldwork.models import DailyLog
from eoms.fieldwork.pdf_log import render_log_pdf
from eoms.fieldwork.policies import SIGN
from eoms.masterdata.models import Site

PAGE_SIZES = (10, 25, 50, 100)
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
TODAY_BUTTONS = 12  # "open today's log" buttons; more sites: the form below them


def log_for(user: Any, pk: int, action: str = VIEW) -> DailyLog:
    """The log if the user sees it (else 404) and may perform `action` on it (else 403)."""
    log = get_object_or_404(DailyLog.objects.for_user(user).select_related(
        "site__project", "signed_by"), pk=pk)
    if action != VIEW and not can(user, action, log):
        raise PermissionDenied(action)
    return log


def log_photos(log: DailyLog) -> list[Any]:
    before = log.signed_at if log.state == DailyLogState.SIGNED else None
    return list(queries.photos_of_day(log.site, log.log_date, before=before))


# --- the list ---------------------------------------------------------------------------------

def _month(value: str) -> tuple[int, int] | None:
    found = MONTH.match(value.strip())
    if found and 1 <= int(found.group(2)) <= 12:
        return int(found.group(1)), int(found.group(2))
    return None


def _filtered_logs(request: HttpRequest) -> tuple[QuerySet, dict[str, Any]]:
    user, params = request.user, request.GET
    qs = DailyLog.objects.for_user(user).select_related("site", "signed_by")
    sites = Site.objects.filter(pk__in=DailyLog.objects.for_user(user).values("site")
                                ).order_by("code")[:500]
    site = params.get("site", "")
    if site.isdigit():
        qs = qs.filter(site_id=int(site))
    month_text = params.get("month", "")
    month = _month(month_text)
    if month:
        qs = qs.filter(log_date__year=month[0], log_date__month=month[1])
    elif month_text:
        messages.error(request, _("月份格式应为 YYYY-MM，已忽略该筛选。"))
    state = params.get("state", "")
    if state in DailyLogState.values:
        qs = qs.filter(state=state)
    filters = {"sites": sites, "site": site, "month": month_text if month else "",
               "state": state, "states": DailyLogState.choices}
    return qs.order_by("-log_date", "site__code", "pk"), filters


def _today_sites(user: Any) -> list[dict[str, Any]]:
    """The sites the user keeps the log of, each with today's log when it exists."""
    sites = list(log_sites(user)[:TODAY_BUTTONS])
    today = timezone.localdate()
    logs = {log.site_id: log for log in DailyLog.objects.filter(site__in=sites,
                                                               log_date=today)}
    return [{"site": s, "log": logs.get(s.pk)} for s in sites]


def _list_page(request: HttpRequest, prefill_form: PrefillForm | None = None,
               status: int = 200) -> HttpResponse:
    user = request.user
    qs, filters = _filtered_logs(request)
    page = Paginator(qs, Listing.page_size(request.GET)).get_page(request.GET.get("page"))
    may_add = can(user, ADD, DailyLog)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "fieldwork/log_list.html", {
        "page_obj": page, "logs": list(page.object_list), "filters": filters,
        "querystring_without_page": query.urlencode(), "page_size": page.paginator.per_page,
        "page_sizes": PAGE_SIZES,
        "page_size_hidden": listing.page_size_hidden(query),
        "is_filtered": bool(filters["site"] or filters["month"] or filters["state"]),
        "may_add": may_add, "today": timezone.localdate(),
        "today_sites": _today_sites(user) if may_add else [],
        "prefill_form": prefill_form or (PrefillForm(user=user) if may_add else None),
    }, status=status)


@login_required
@require_GET
def log_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, VIEW, DailyLog):
        raise PermissionDenied(VIEW)
    return _list_page(request)


@login_required
@require_POST
def log_prefill(request: HttpRequest) -> HttpResponse:
    """Open a site's log of a day: made when missing, its pre-filled parts refreshed."""
    user = request.user
    if not can(user, ADD, DailyLog):
        raise PermissionDenied(ADD)
    site_value = request.POST.get("site", "")
    if site_value.isdigit() and not log_sites(user).filter(pk=int(site_value)).exists():
        site = Site.objects.for_user(user).filter(pk=int(site_value)).first()  # type: ignore[attr-defined]
        if site is None:
            raise Http404
        raise PermissionDenied(ADD)
    form = PrefillForm(request.POST, user=user)
    if form.is_valid():
        try:
            log = services_log.prefill_log(form.cleaned_data["site"],
                                           form.cleaned_data["log_date"], actor=user)
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("已从 %(d)s 的签到汇总施工日志。")
                             % {"d": log.log_date.isoformat()})
            return redirect("fieldwork:log_detail", log.pk)
    return _list_page(request, prefill_form=form)


def _show_errors(form: Any, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for name, errors in exc.message_dict.items():
        for message in errors:
            form.add_error(name if name in form.fields else None, message)


# --- one log ------------------------------------------------------------------------------------

def _suggestion(log: DailyLog) -> dict[str, Any] | None:
    """For a draft: what the check-ins say now, and whether the log differs from it."""
    if log.state != DailyLogState.DRAFT:
        return None
    summary = queries.day_summary(log.site, log.log_date)
    stored = sorted((r.crew_name, r.headcount, r.hours) for r in log.crews.all())
    fresh = sorted((c.crew_name, c.headcount, c.hours) for c in summary.crews)
    return {"summary": summary, "crews_differ": stored != fresh,
            "work_differs": bool(summary.work_done) and
            summary.work_done.strip() != log.work_done.strip()}


def detail_page(request: HttpRequest, log: DailyLog, *, sign_form: SignForm | None = None,
                status: int = 200) -> HttpResponse:
    user = request.user
    draft = log.state == DailyLogState.DRAFT
    may_sign = draft and can(user, SIGN, log)
    if may_sign and sign_form is None:
        sign_form = SignForm(initial={"signature_name": ""})
    crews = list(log.crews.all())
    return render(request, "fieldwork/log_detail.html", {
        "log": log, "crews": crews, "headcount": sum(c.headcount for c in crews),
        "hours": sum((c.hours for c in crews), start=0),
        "photos": log_photos(log),
        "may_change": draft and can(user, CHANGE, log), "may_sign": may_sign,
        "sign_form": sign_form if may_sign else None,
        "suggestion": _suggestion(log) if draft and can(user, CHANGE, log) else None,
        "hash_ok": services_log.hash_matches(log) if not draft else None,
        "history": history_for(log),
    }, status=status)


@login_required
@require_GET
def log_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return detail_page(request, log_for(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def log_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    log = log_for(user, pk, CHANGE)
    if log.state == DailyLogState.SIGNED:
        messages.error(request, _("这份施工日志已签署，不能再修改。"))
        return redirect("fieldwork:log_detail", log.pk)
    data = request.POST if request.method == "POST" else None
    form = DailyLogForm(data, instance=log)
    if data is not None and form.is_valid():
        saved = form.submit(lambda _dup: services_log.save_log(
            log, actor=user, data=form.service_data(), expected_version=form.expected_version))
        if saved is not None:
            messages.success(request, _("已保存施工日志。"))
            return redirect("fieldwork:log_detail", saved.pk)
    fresh = DailyLog.objects.select_related("site__project").get(pk=log.pk)
    return render(request, "fieldwork/log_edit.html", {
        "form": form, "log": fresh, "suggestion": _suggestion(fresh)})


@login_required
@require_POST
def log_sign(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    log = log_for(user, pk, SIGN)
    form = SignForm(request.POST)
    if form.is_valid():
        try:
            services_log.sign_log(log, actor=user,
                                  signature_name=form.cleaned_data["signature_name"])
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("施工日志已签署。"))
            return redirect("fieldwork:log_detail", log.pk)
    return detail_page(request, log_for(user, pk), sign_form=form)


def pdf_response(log: DailyLog) -> HttpResponse:
    content = render_log_pdf(log, log_photos(log))
    response = HttpResponse(content, content_type="application/pdf")
    filename = _("施工日志-%(site)s-%(date)s.pdf") % {"site": log.site.name,
                                                    "date": log.log_date.isoformat()}
    response["Content-Disposition"] = str(content_disposition_header(True, filename))
    return response


@login_required
@require_GET
def log_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return pdf_response(log_for(request.user, pk))
