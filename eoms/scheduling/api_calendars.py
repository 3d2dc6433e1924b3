"""Work calendars: working weekdays and hours, Chinese statutory holidays and 调休 days,
company days off; the days of a year with the reason each is worked or not.

Note: no `from __future__ import annotations` here: django-ninja reads the annotations.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from eoms.core.access import ADD, CHANGE, DELETE, VIEW, can
from eoms.core.api import ApiError, LinkPagination, etag_of, ordered, require_if_match
from eoms.scheduling import services_plan
from eoms.scheduling.api_common import Resolver, call, optional_if_match
from eoms.scheduling.api_results import calendar_days
from eoms.scheduling.api_schemas import (
    CalendarDaysOut,
    CalendarDetailOut,
    CalendarIn,
    CalendarOut,
    CalendarPatch,
    ExceptionIn,
    ExceptionOut,
)
from eoms.scheduling.models import CalendarException, WorkCalendar

router = Router()
ORDERING = {"id", "code"}
NOT_NULL = ("name", "weekdays", "intervals", "statutory_holidays", "is_default")


class CalendarFilters(Schema):
    q: str | None = Field(None, max_length=100, description="按编码、名称搜索")
    ordering: str | None = Field(None, max_length=40, description="如 code 或 -id")
    project: str | None = Field(None, max_length=40, description="项目编码")
    crew: str | None = Field(None, max_length=40, description="班组编码")
    is_default: bool | None = None


class YearQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="年份，默认今年")


def _calendars(user: Any) -> Any:
    return WorkCalendar.objects.for_user(user).select_related("project", "crew")


def _find(user: Any, pk: int) -> WorkCalendar:
    calendar = _calendars(user).prefetch_related("exceptions").filter(pk=pk).first()
    if calendar is None:
        raise Http404
    return calendar


def _answer(calendar: WorkCalendar, response: HttpResponse, *,
            created: bool = False) -> WorkCalendar:
    fresh = (WorkCalendar.objects.select_related("project", "crew")
             .prefetch_related("exceptions").get(pk=calendar.pk))
    response["ETag"] = etag_of(fresh)
    if created:
        response["Location"] = reverse("api:scheduling_calendar_detail", args=[fresh.pk])
    return fresh


def _taken(resolver: Resolver, field: str, owner: Any, current: WorkCalendar | None) -> None:
    """A project and a crew have one calendar each: say which one they have."""
    if owner is None:
        return
    lookup = {"project": owner, "crew": None} if field == "project" else {"crew": owner}
    other = WorkCalendar.objects.filter(**lookup).exclude(pk=getattr(current, "pk", None))
    found = other.first()
    if found is not None:
        resolver.error(field, _("%(o)s 已有工作日历 %(c)s，请修改那一份。")
                       % {"o": owner.code, "c": found.code})


def _data(user: Any, values: dict[str, Any], current: WorkCalendar | None) -> dict[str, Any]:
    resolver = Resolver(user)
    resolver.not_null(values, NOT_NULL)
    for field, lookup in (("project", resolver.project), ("crew", resolver.crew)):
        if values.get(field) is not None:
            values[field] = lookup(field, values[field])
            _taken(resolver, field, values[field], current)
    resolver.done()
    return values


@router.get("/calendars", response=list[CalendarOut], url_name="scheduling_calendars",
            operation_id="scheduling_calendars_list", summary="工作日历列表")
@paginate(LinkPagination)
def list_calendars(request: HttpRequest, filters: Query[CalendarFilters]) -> Any:
    if not can(request.user, VIEW, WorkCalendar):
        raise PermissionDenied()
    qs = _calendars(request.user)
    if filters.q:
        for word in filters.q.split()[:8]:
            qs = qs.filter(Q(code__icontains=word) | Q(name__icontains=word))
    if filters.project:
        qs = qs.filter(project__code=filters.project)
    if filters.crew:
        qs = qs.filter(crew__code=filters.crew)
    if filters.is_default is not None:
        qs = qs.filter(is_default=filters.is_default)
    return ordered(qs, filters.ordering, ORDERING, "code")


@router.get("/calendars/{int:pk}", response=CalendarDetailOut,
            url_name="scheduling_calendar_detail", operation_id="scheduling_calendar_get",
            summary="工作日历详情（含例外日期）")
def get_calendar(request: HttpRequest, pk: int, response: HttpResponse) -> Any:
    calendar = _find(request.user, pk)
    response["ETag"] = etag_of(calendar)
    return calendar


@router.post("/calendars", response={201: CalendarDetailOut},
             operation_id="scheduling_calendar_create",
             summary="新建工作日历（公司、项目或班组）")
def create_calendar(request: HttpRequest, payload: CalendarIn, response: HttpResponse) -> Any:
    user = request.user
    if not can(user, ADD, WorkCalendar):
        raise PermissionDenied()
    data = _data(user, payload.model_dump(), None)
    calendar = call(lambda: services_plan.save_calendar(None, actor=user, data=data))
    return Status(201, _answer(calendar, response, created=True))


@router.patch("/calendars/{int:pk}", response=CalendarDetailOut,
              operation_id="scheduling_calendar_update",
              summary="修改工作日历（需要 If-Match；使用它的进度计划会重新计算）")
def update_calendar(request: HttpRequest, pk: int, payload: CalendarPatch,
                    response: HttpResponse) -> Any:
    user = request.user
    calendar = _find(user, pk)
    if not can(user, CHANGE, calendar):
        raise PermissionDenied()
    version = require_if_match(request, calendar)
    data = _data(user, payload.model_dump(exclude_unset=True), calendar)
    saved = call(lambda: services_plan.save_calendar(  # checks the version under the row lock
        calendar, actor=user, data=data, expected_version=version))
    return _answer(saved, response)


@router.delete("/calendars/{int:pk}", response={204: None},
               operation_id="scheduling_calendar_delete",
               summary="删除工作日历（正被进度计划使用时拒绝）")
def delete_calendar(request: HttpRequest, pk: int) -> Any:
    user = request.user
    calendar = _find(user, pk)
    if not can(user, DELETE, calendar):
        raise PermissionDenied()
    optional_if_match(request, calendar)
    call(lambda: services_plan.delete_calendar(calendar, actor=user))
    return Status(204, None)


@router.get("/calendars/{int:pk}/days", response=CalendarDaysOut,
            operation_id="scheduling_calendar_days",
            summary="一年中每天是否工作及原因（周末、法定节假日、调休、公司安排）")
def calendar_year(request: HttpRequest, pk: int, query: Query[YearQuery]) -> Any:
    calendar = _find(request.user, pk)
    return calendar_days(calendar, query.year or timezone.localdate().year)


@router.put("/calendars/{int:pk}/exceptions/{date}", response=ExceptionOut,
            operation_id="scheduling_calendar_exception_set",
            summary="把某天设为休息日或调休上班（替换该日原有设置）")
def set_exception(request: HttpRequest, pk: int, date: dt.date,
                  payload: ExceptionIn) -> Any:
    user = request.user
    calendar = _find(user, pk)
    if not can(user, CHANGE, calendar):
        raise PermissionDenied()
    return call(lambda: services_plan.set_exception(calendar, actor=user, day=date,
                                                    kind=payload.kind.value,
                                                    name=payload.name))


@router.delete("/calendars/{int:pk}/exceptions/{date}", response={204: None},
               operation_id="scheduling_calendar_exception_delete",
               summary="删除某天的例外设置")
def delete_exception(request: HttpRequest, pk: int, date: dt.date) -> Any:
    user = request.user
    calendar = _find(user, pk)
    if not can(user, CHANGE, calendar):
        raise PermissionDenied()
    row = CalendarException.objects.filter(calendar=calendar, date=date).first()
    if row is None:
        raise ApiError(404, _("未找到"), _("%(d)s 没有例外设置。") % {"d": date})
    call(lambda: services_plan.delete_exception(row, actor=user))
    return Status(204, None)
