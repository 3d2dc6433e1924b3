"""The check-in list (签到记录): every check-in the user may see, filtered by site, worker,
date range, flag and location status, paged, and exported to Excel (office and project
managers). A worker sees his own here, a crew leader his crew's too.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from eoms.accounts.models import User
from eoms.core import listing
from eoms.core.access import EXPORT, VIEW, can
from eoms.core.listing import XLSX, FilterSpec, Listing
from eoms.fieldwork.models import CheckIn
from eoms.fieldwork.queries import day_bounds, number, person
from eoms.lib.xlsx import write_rows
from eoms.masterdata.models import Site

PAGE_SIZES = (10, 25, 50, 100)
DATES = ("date_from", "date_to")


def _workers(user: Any) -> QuerySet:
    return User.objects.filter(pk__in=CheckIn.objects.for_user(user).values("worker")
                               ).order_by("username")


def _sites(user: Any) -> QuerySet:
    return Site.objects.filter(pk__in=CheckIn.objects.for_user(user).values("site")
                               ).order_by("code")


def dates_of(params: QueryDict) -> tuple[dict[str, date | None], list[str]]:
    """The date range asked for, and what is wrong with it."""
    found: dict[str, date | None] = {}
    errors = []
    labels = {"date_from": _("开始日期"), "date_to": _("结束日期")}
    for name in DATES:
        value = params.get(name, "").strip()
        try:
            found[name] = date.fromisoformat(value) if value else None
        except ValueError:
            found[name] = None
            errors.append(_("%(f)s“%(v)s”格式不对，应为 YYYY-MM-DD；已忽略。")
                          % {"f": labels[name], "v": value[:20]})
    start, end = found["date_from"], found["date_to"]
    if start and end and start > end:
        errors.append(_("开始日期不能晚于结束日期；已忽略日期范围。"))
        found = {name: None for name in DATES}
    return found, errors


def record_label(checkin: CheckIn) -> str:
    """One line naming a check-in, for tooltips and the export: the record's own name,
    as the audit and the admin show it."""
    return str(checkin)


@dataclasses.dataclass(frozen=True)
class CheckInListing(Listing):
    """The generic list, plus a date range and a photo count per row."""

    def base_queryset(self, user: Any, action: str = VIEW,
                      columns: tuple[str, ...] = ()) -> QuerySet:
        visible = CheckIn.objects.for_user(user, action).values("pk")  # type: ignore[attr-defined]
        return (CheckIn.objects.filter(pk__in=visible)
                .select_related("worker", "site", "task", "crew")
                .annotate(photo_count=Count("photos")))

    def rows(self, user: Any, params: QueryDict, action: str = VIEW,
             columns: tuple[str, ...] = (), specs: list[FilterSpec] | None = None) -> QuerySet:
        qs = super().rows(user, params, action, columns, specs)
        found, _errors = dates_of(params)
        if found["date_from"]:
            qs = qs.filter(checked_in_at__gte=day_bounds(found["date_from"])[0])
        if found["date_to"]:
            qs = qs.filter(checked_in_at__lt=day_bounds(found["date_to"])[1])
        return qs

    def export(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not can(user, EXPORT, CheckIn):
            raise PermissionDenied(EXPORT)
        qs = self.rows(user, request.GET, action=EXPORT)
        content = write_rows(_export_headers(), (_export_row(c) for c in
                                                 qs.iterator(chunk_size=2000)),
                             sheet_title=_("签到记录"))
        response = HttpResponse(content, content_type=XLSX)
        filename = f"{_('签到记录')}-{timezone.localdate():%Y%m%d}.xlsx"
        response["Content-Disposition"] = str(content_disposition_header(True, filename))
        return response


def _export_headers() -> list[str]:
    return [_("签到记录"), _("施工人员"), _("工地"), _("任务"), _("班组"), _("签到时间"),
            _("签退时间"), _("工时（小时）"), _("定位状态"), _("距工地（米）"), _("需核查"),
            _("说明"), _("完成百分比"), _("完成工程量"), _("单位"), _("照片数"), _("备注"),
            _("签退备注"), _("来源")]


def _local(moment: Any) -> Any:
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _export_row(c: CheckIn) -> list[Any]:
    return [record_label(c), person(c.worker), f"{c.site.code} {c.site.name}",
            c.task.name if c.task else "", c.crew.name if c.crew else "",
            _local(c.checked_in_at), _local(c.checked_out_at),
            float(c.hours_worked) if c.hours_worked is not None else None,
            c.get_location_status_display(), c.distance_m, _("是") if c.flagged else _("否"),
            c.flag_reason, c.progress_percent,
            float(c.quantity_done) if c.quantity_done is not None else None,
            c.quantity_unit, c.photo_count, c.note,  # type: ignore[attr-defined]
            c.checkout_note, c.get_source_display()]


checkins_listing = CheckInListing(
    CheckIn,
    columns=("checked_in_at", "worker", "site", "task", "location_status", "flagged"),
    search=("worker__username", "worker__last_name", "worker__first_name", "site__code",
            "site__name", "task__name", "note", "flag_reason"),
    filters=("site", "worker", "flagged", "location_status"),
    sorts=("checked_in_at", "worker__username", "site__code"),
    default_sort="-checked_in_at",
    export_url_name="fieldwork:checkin_export",
    filter_options={"worker": _workers, "site": _sites},
)


@login_required
@require_GET
def checkin_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can(user, VIEW, CheckIn):
        raise PermissionDenied(VIEW)
    context = checkins_listing.context(request)
    found, date_errors = dates_of(request.GET)
    checkins = list(context["page_obj"].object_list)
    for checkin in checkins:
        checkin.label = record_label(checkin)  # type: ignore[attr-defined]
        checkin.hours_text = number(checkin.hours_worked)  # type: ignore[attr-defined]
    context.update(
        checkins=checkins, date_from=found["date_from"], date_to=found["date_to"],
        date_errors=date_errors, page_sizes=PAGE_SIZES,
        page_size_hidden=listing.page_size_hidden(request.GET),
        is_filtered=context["is_filtered"] or any(found.values()))
    return render(request, "fieldwork/checkin_list.html", context)


@login_required
@require_GET
def checkin_export(request: HttpRequest) -> HttpResponse:
    return checkins_listing.export(request)
