"""Daily site logs (施工日志): list, read, open (pre-fill from the day's check-ins), complete
(If-Match), sign, PDF.

Note: no `from __future__ import annotations` here: django-ninja reads the annotations.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from eoms.core.access import ADD, CHANGE, VIEW, can
from eoms.core.api import LinkPagination, etag_of, require_if_match
from eoms.fieldwork import queries, services_log
from eoms.fieldwork.choices import DailyLogState, Weather
from eoms.fieldwork.models import DailyLog
from eoms.fieldwork.policies import SIGN
from eoms.fieldwork.views_log import log_photos, pdf_response
from eoms.masterdata.models import Site
from eoms.scheduling.api_common import call, invalid_field, optional_if_match

router = Router()


class CrewOut(Schema):
    crew: int | None = Field(None, alias="crew_id")
    crew_name: str
    headcount: int
    hours: Decimal


class LogOut(Schema):
    id: int
    site: str = Field(..., alias="site.code")
    site_name: str = Field(..., alias="site.name")
    date: dt.date = Field(..., alias="log_date")
    weather: str
    temperature_low: int | None
    temperature_high: int | None
    work_done: str
    equipment: str
    deliveries: str
    issues: str
    safety: str
    state: DailyLogState
    crews: list[CrewOut]
    signed_by: str | None = Field(None, alias="signed_by.username")
    signed_at: dt.datetime | None
    signature_name: str
    content_hash: str
    version: int


class PhotoRef(Schema):
    id: int
    taken_at: dt.datetime | None
    caption: str


class LogDetailOut(LogOut):
    photos: list[PhotoRef] = []
    suggested_work_done: str | None = Field(
        None, description="草稿：当天签到汇总的施工内容（与日志不同时供参考）")


class LogFilters(Schema):
    site: str | None = Field(None, max_length=40, description="工地编码或 id")
    month: str | None = Field(None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    state: DailyLogState | None = None


class PrefillIn(Schema):
    site: str = Field(..., max_length=40, description="工地编码或 id")
    date: dt.date


class LogPatch(Schema):
    weather: str | None = Field(None, max_length=12, description="天气代码："
                                + "、".join(Weather.values) + "；空字符串表示未填写")
    temperature_low: int | None = Field(None, ge=-60, le=60)
    temperature_high: int | None = Field(None, ge=-60, le=60)
    work_done: str | None = Field(None, max_length=services_log.MAX_TEXT)
    equipment: str | None = Field(None, max_length=services_log.MAX_TEXT)
    deliveries: str | None = Field(None, max_length=services_log.MAX_TEXT)
    issues: str | None = Field(None, max_length=services_log.MAX_TEXT)
    safety: str | None = Field(None, max_length=services_log.MAX_TEXT)


class SignIn(Schema):
    signature_name: str = Field(..., max_length=60)


def _queryset(user: Any) -> Any:
    return (DailyLog.objects.for_user(user).select_related("site", "signed_by")
            .prefetch_related("crews"))


def _find(user: Any, pk: int) -> DailyLog:
    log = _queryset(user).filter(pk=pk).first()
    if log is None:
        raise Http404
    return log


def _site(user: Any, value: str) -> Site:
    key = value.strip()
    lookup = {"pk": int(key)} if key.isdigit() else {"code__iexact": key}
    site = Site.objects.for_user(user).filter(**lookup).first()  # type: ignore[attr-defined]
    if site is None:
        raise invalid_field("site", _("工地“%(s)s”不存在或您无权查看。") % {"s": key})
    return site


def _detail(user: Any, log: DailyLog, response: HttpResponse) -> DailyLog:
    """The log as it is now, with the day's photos and, for a draft its keeper may change,
    the check-ins' summary of the work when it differs from the log's."""
    fresh = _find(user, log.pk)
    response["ETag"] = etag_of(fresh)
    fresh.photos = log_photos(fresh)  # type: ignore[attr-defined]
    fresh.suggested_work_done = None  # type: ignore[attr-defined]
    if fresh.state == DailyLogState.DRAFT and can(user, CHANGE, fresh):
        summary = queries.day_summary(fresh.site, fresh.log_date).work_done
        if summary.strip() != fresh.work_done.strip():
            fresh.suggested_work_done = summary  # type: ignore[attr-defined]
    return fresh


@router.get("/logs", response=list[LogOut], url_name="fieldwork_logs",
            operation_id="fieldwork_logs_list", summary="施工日志列表")
@paginate(LinkPagination)
def list_logs(request: HttpRequest, filters: Query[LogFilters]) -> Any:
    user = request.user
    if not can(user, VIEW, DailyLog):
        raise PermissionDenied()
    qs = _queryset(user)
    if filters.site:
        key = filters.site.strip()
        qs = qs.filter(site_id=int(key)) if key.isdigit() else qs.filter(site__code__iexact=key)
    if filters.month:
        year, month = (int(part) for part in filters.month.split("-"))
        qs = qs.filter(log_date__year=year, log_date__month=month)
    if filters.date_from:
        qs = qs.filter(log_date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(log_date__lte=filters.date_to)
    if filters.state:
        qs = qs.filter(state=filters.state)
    return qs.order_by("-log_date", "site__code", "pk")


@router.get("/logs/{int:pk}", response=LogDetailOut, url_name="fieldwork_log_detail",
            operation_id="fieldwork_log_get", summary="施工日志详情（含当天照片）")
def get_log(request: HttpRequest, pk: int, response: HttpResponse) -> Any:
    return _detail(request.user, _find(request.user, pk), response)


@router.post("/logs", response={200: LogDetailOut, 201: LogDetailOut},
             operation_id="fieldwork_log_prefill",
             summary="打开某工地某天的施工日志：不存在时新建，草稿则按当天签到重新汇总"
                     "班组人数和工时（已填写的文字不会被覆盖）")
def prefill(request: HttpRequest, payload: PrefillIn, response: HttpResponse) -> Any:
    user = request.user
    if not can(user, ADD, DailyLog):
        raise PermissionDenied()
    site = _site(user, payload.site)
    existed = DailyLog.objects.filter(site=site, log_date=payload.date).exists()
    if not can(user, ADD, DailyLog(site=site)):
        raise PermissionDenied()
    log = call(lambda: services_log.prefill_log(site, payload.date, actor=user))
    if existed:
        return _detail(user, log, response)
    response["Location"] = reverse("api:fieldwork_log_detail", args=[log.pk])
    return Status(201, _detail(user, log, response))


@router.patch("/logs/{int:pk}", response=LogDetailOut, operation_id="fieldwork_log_update",
              summary="填写施工日志（需要 If-Match）")
def update_log(request: HttpRequest, pk: int, payload: LogPatch,
               response: HttpResponse) -> Any:
    user = request.user
    log = _find(user, pk)
    if not can(user, CHANGE, log):
        raise PermissionDenied()
    version = require_if_match(request, log)
    data = payload.model_dump(exclude_unset=True)
    if not data:
        raise invalid_field("body", _("请至少填写一项。"))
    saved = call(lambda: services_log.save_log(log, actor=user, data=data,
                                               expected_version=version))
    return _detail(user, saved, response)


@router.post("/logs/{int:pk}/sign", response=LogDetailOut, operation_id="fieldwork_log_sign",
             summary="签署施工日志（项目经理）：签署后不能再修改")
def sign(request: HttpRequest, pk: int, payload: SignIn, response: HttpResponse) -> Any:
    user = request.user
    log = _find(user, pk)
    if not can(user, SIGN, log):
        raise PermissionDenied()
    version = optional_if_match(request, log)
    saved = call(lambda: services_log.sign_log(log, actor=user,
                                               signature_name=payload.signature_name,
                                               expected_version=version))
    return _detail(user, saved, response)


@router.get("/logs/{int:pk}/pdf", operation_id="fieldwork_log_pdf",
            summary="施工日志 PDF", openapi_extra={"responses": {200: {
                "description": "PDF", "content": {"application/pdf": {}}}}})
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return pdf_response(_find(request.user, pk))
