"""Check-ins, their photos and the timesheet over the API.

`POST /checkins` and `POST /checkins/{id}/photos` take multipart/form-data (the phone page
and its offline queue send the fields with several `photos` files); `POST /checkins` and
`/checkout` also take application/json. Bodies are read here rather than by ninja so one
operation serves both formats; the same schemas check them and errors name the field.

Note: no `from __future__ import annotations` here: django-ninja reads the annotations.
"""

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict
from pydantic import ValidationError as PydanticValidationError

from eoms.core.access import ADD, CHANGE, VIEW, can
from eoms.core.api import ApiError, LinkPagination, etag_of, pydantic_errors
from eoms.fieldwork import services
from eoms.fieldwork.choices import CheckInSource, CheckInState
from eoms.fieldwork.models import CheckIn, Photo, TimesheetEntry
from eoms.fieldwork.policies import may_work_at
from eoms.masterdata.models import Site
from eoms.scheduling.api_common import invalid, invalid_field, optional_if_match
from eoms.scheduling.models import Task

router = Router()

PHOTOS = "photos"
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
# A service's field name → the API's.
FIELD_NAMES = {"__all__": "body", "checked_in_at": "at", "checked_out_at": "at",
               "percent_complete": "progress_percent"}
CHECKIN_RELATED = ("worker", "site", "task", "order", "crew", "device")
PHOTO_URL_NAMES = {"image": "fieldwork:photo_image", "thumbnail": "fieldwork:photo_thumb",
                   "original": "fieldwork:photo_original"}


# --- reading bodies, answering refusals (api_devices uses these too) ------------------------

def _form_body(request: HttpRequest, files_field: str | None) -> tuple[dict[str, Any], list]:
    try:
        fields = {k: request.POST.get(k) for k in request.POST if k != "csrfmiddlewaretoken"}
        uploads = request.FILES
    except RequestDataTooBig:
        raise ApiError(413, _("请求过大"), _("表单字段过大，请减少备注等文字内容。"))
    except MultiPartParserError:
        raise ApiError(400, _("请求体无法解析"), _("multipart/form-data 格式有误。"))
    for name in uploads:
        if name != files_field:
            raise invalid_field(name, _("此处不接受文件。") if files_field is None
                                else _("文件请放在 %(f)s 字段中。") % {"f": files_field})
    files = uploads.getlist(files_field) if files_field else []
    return {k: v for k, v in fields.items() if v != ""}, files


def read_body(request: HttpRequest, files_field: str | None = None) -> tuple[dict[str, Any], list]:
    """The fields of a JSON or form body (empty form values left out) and the uploaded
    files of `files_field`."""
    kind = request.content_type or ""
    if kind in FORM_TYPES:
        return _form_body(request, files_field)
    if kind not in ("", "application/json", "text/plain") and not kind.endswith("+json"):
        raise ApiError(415, _("不支持的请求格式"),
                       _("请求体请用 application/json 或 multipart/form-data。"))
    if not request.body.strip():
        return {}, []
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, _("请求体无法解析"), _("请求体不是有效的 JSON 或表单数据。"),
                       [{"field": "body", "message": _("请求体不是有效的 JSON。")}])
    if not isinstance(data, dict):
        raise invalid_field("body", _("请求体应为 JSON 对象。"))
    if files_field and files_field in data:
        raise invalid_field(files_field, _("照片请用 multipart/form-data 上传。"))
    return data, []


def _plain(errors: list[Any]) -> list[Any]:
    """One error per top-level field (a union like `int | str` reports one per member)."""
    found, seen = [], set()
    for error in errors:
        loc = tuple(error.get("loc", ()))[:1]
        if loc not in seen:
            seen.add(loc)
            found.append({**error, "loc": loc})
    return found


def validated(schema: type[Schema], data: dict[str, Any]) -> Any:
    try:
        return schema.model_validate(data)
    except PydanticValidationError as exc:
        raise invalid(pydantic_errors(_plain(exc.errors())))


def refusal(exc: ValidationError) -> ApiError:
    """A service's refusal: field errors 422, a stale version 412, a state conflict 409
    (already checked in, already checked out)."""
    if hasattr(exc, "error_dict"):
        return invalid([{"field": FIELD_NAMES.get(f, f), "message": m}
                        for f, messages in exc.message_dict.items() for m in messages])
    code = getattr(exc, "code", None) or "conflict"
    if code == "stale":
        return ApiError(412, _("数据已被修改"), " ".join(exc.messages))
    return ApiError(409, _("当前状态不允许此操作"), " ".join(exc.messages), code=code)


def call(work: Callable[[], Any]) -> Any:
    """Run a service in one transaction; a refusal becomes problem+json and writes nothing."""
    try:
        with transaction.atomic():
            return work()
    except ValidationError as exc:
        raise refusal(exc)


# --- schemas ---------------------------------------------------------------------------------

class In(Schema):
    model_config = ConfigDict(extra="forbid")


class CheckInIn(In):
    site: int | str = Field(..., description="工地 id 或编码")
    task: int | None = Field(None, description="任务 id（自己或所在班组的任务）")
    at: dt.datetime | None = Field(
        None, description="签到时间（ISO 8601）；离线时为手机记录的时间，留空为现在")
    latitude: float | None = Field(None, description="纬度（WGS-84）；没有定位时留空")
    longitude: float | None = Field(None, description="经度（WGS-84）")
    accuracy: float | None = Field(None, description="定位精度（米）")
    flag_reason: str = Field("", max_length=300, description="不在围栏内或没有定位时的说明")
    note: str = Field("", max_length=5000)
    progress_percent: int | None = Field(None, ge=0, le=100,
                                         description="任务完成百分比，会报告给进度计划")
    quantity_done: Decimal | None = Field(None, ge=0, description="完成工程量")
    quantity_unit: str = Field("", max_length=20)


class CheckOutIn(In):
    at: dt.datetime | None = Field(None, description="签退时间；留空为现在")
    hours_worked: Decimal | None = Field(None, description="工时（小时）；留空按在岗时间计")
    note: str = Field("", max_length=5000)
    progress_percent: int | None = Field(None, ge=0, le=100)
    quantity_done: Decimal | None = Field(None, ge=0)


class PhotosIn(In):
    """No fields besides the files."""


class PhotoUrls(Schema):
    image: str | None = Field(None, description="带水印的照片")
    thumbnail: str | None = Field(None, description="缩略图（生成前为 null）")
    original: str | None = Field(None, description="无水印的原图")


class Gps(Schema):
    latitude: float
    longitude: float


def _photo_url(name: str, photo: Photo) -> str | None:
    try:
        return reverse(name, args=[photo.pk])
    except NoReverseMatch:  # the photo pages are not mounted (yet)
        return None


class PhotoOut(Schema):
    id: int
    state: str
    state_label: str
    taken_at: dt.datetime | None = Field(None, description="EXIF 拍摄时间")
    gps: Gps | None = Field(None, description="EXIF 拍摄位置")
    width: int
    height: int
    caption: str
    urls: PhotoUrls

    @staticmethod
    def resolve_state_label(obj: Photo) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_gps(obj: Photo) -> dict[str, float] | None:
        if obj.gps_latitude is None or obj.gps_longitude is None:
            return None
        return {"latitude": float(obj.gps_latitude), "longitude": float(obj.gps_longitude)}

    @staticmethod
    def resolve_urls(obj: Photo) -> dict[str, str | None]:
        urls = {key: _photo_url(name, obj) for key, name in PHOTO_URL_NAMES.items()}
        if not obj.thumbnail:
            urls["thumbnail"] = None
        return urls


def _name(user: Any) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


class CheckInOut(Schema):
    id: int
    worker: str = Field(..., description="施工人员用户名")
    worker_name: str
    site: str = Field(..., description="工地编码")
    site_id: int
    site_name: str
    task: int | None = None
    task_name: str | None = None
    order: str | None = Field(None, description="订单编号")
    crew: str | None = Field(None, description="班组编码")
    crew_name: str | None = None
    state: CheckInState
    state_label: str
    checked_in_at: dt.datetime
    checked_out_at: dt.datetime | None = None
    latitude: float | None = None
    longitude: float | None = None
    accuracy_m: int | None = None
    distance_m: int | None = Field(None, description="距工地中心（米）")
    location_status: str = Field(..., description="inside / outside / no_location / no_fence")
    location_status_label: str
    flagged: bool
    flag_reason: str
    note: str
    progress_percent: int | None = None
    quantity_done: Decimal | None = None
    quantity_unit: str
    hours_worked: Decimal | None = None
    checkout_note: str
    source: str
    source_label: str
    device: str | None = Field(None, description="考勤设备名称")
    version: int
    photos: list[PhotoOut]

    @staticmethod
    def resolve_worker(obj: CheckIn) -> str:
        return obj.worker.username

    @staticmethod
    def resolve_worker_name(obj: CheckIn) -> str:
        return _name(obj.worker)

    @staticmethod
    def resolve_site(obj: CheckIn) -> str:
        return obj.site.code

    @staticmethod
    def resolve_site_name(obj: CheckIn) -> str:
        return obj.site.name

    @staticmethod
    def resolve_task(obj: CheckIn) -> int | None:
        return obj.task_id

    @staticmethod
    def resolve_task_name(obj: CheckIn) -> str | None:
        return obj.task.name if obj.task is not None else None

    @staticmethod
    def resolve_order(obj: CheckIn) -> str | None:
        return obj.order.code if obj.order is not None else None

    @staticmethod
    def resolve_crew(obj: CheckIn) -> str | None:
        return obj.crew.code if obj.crew is not None else None

    @staticmethod
    def resolve_crew_name(obj: CheckIn) -> str | None:
        return obj.crew.name if obj.crew is not None else None

    @staticmethod
    def resolve_state_label(obj: CheckIn) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_location_status_label(obj: CheckIn) -> str:
        return str(obj.get_location_status_display())

    @staticmethod
    def resolve_source_label(obj: CheckIn) -> str:
        return str(obj.get_source_display())

    @staticmethod
    def resolve_device(obj: CheckIn) -> str | None:
        return obj.device.name if obj.device is not None else None

    @staticmethod
    def resolve_photos(obj: CheckIn) -> list[Photo]:
        return list(obj.photos.all())


class TimesheetOut(Schema):
    id: int
    worker: str
    worker_name: str
    work_date: dt.date
    hours: Decimal
    site: str
    site_name: str
    task: int | None = None
    task_name: str | None = None
    order: str | None = None
    crew: str | None = None
    checkin: int | None = Field(None, description="签到 id")

    @staticmethod
    def resolve_worker(obj: TimesheetEntry) -> str:
        return obj.worker.username

    @staticmethod
    def resolve_worker_name(obj: TimesheetEntry) -> str:
        return _name(obj.worker)

    @staticmethod
    def resolve_site(obj: TimesheetEntry) -> str:
        return obj.site.code

    @staticmethod
    def resolve_site_name(obj: TimesheetEntry) -> str:
        return obj.site.name

    @staticmethod
    def resolve_task(obj: TimesheetEntry) -> int | None:
        return obj.task_id

    @staticmethod
    def resolve_task_name(obj: TimesheetEntry) -> str | None:
        return obj.task.name if obj.task is not None else None

    @staticmethod
    def resolve_order(obj: TimesheetEntry) -> str | None:
        return obj.order.code if obj.order is not None else None

    @staticmethod
    def resolve_crew(obj: TimesheetEntry) -> str | None:
        return obj.crew.code if obj.crew is not None else None

    @staticmethod
    def resolve_checkin(obj: TimesheetEntry) -> int | None:
        return obj.checkin_id


class CheckInFilters(Schema):
    site: str | None = Field(None, max_length=40, description="工地 id 或编码")
    worker: str | None = Field(None, max_length=150, description="施工人员用户名或 id；me 为自己")
    date: dt.date | None = Field(None, description="签到日期")
    flagged: bool | None = Field(None, description="true：只看需核查的")
    state: CheckInState | None = None


class TimesheetFilters(Schema):
    site: str | None = Field(None, max_length=40, description="工地 id 或编码")
    worker: str | None = Field(None, max_length=150, description="施工人员用户名或 id；me 为自己")
    date_from: dt.date | None = Field(None, description="开始日期（含）")
    date_to: dt.date | None = Field(None, description="结束日期（含）")


def _openapi_body(schema: type[Schema], files: bool = False) -> dict[str, Any]:
    """The request body in the OpenAPI description (the body is read by hand)."""
    form = schema.model_json_schema()
    if files:
        form = {**form, "properties": {**form.get("properties", {}), PHOTOS: {
            "type": "array", "items": {"type": "string", "format": "binary"},
            "description": "照片（JPEG、PNG、HEIC、WebP），可多张"}}}
    content = {"multipart/form-data": {"schema": form}}
    if schema is not PhotosIn:
        content["application/json"] = {"schema": schema.model_json_schema()}
    return {"requestBody": {"required": True, "content": content}}


# --- lookups ---------------------------------------------------------------------------------

def _by_key(value: str, code_field: str) -> dict[str, Any]:
    text = str(value).strip()
    return {"pk": int(text)} if text.isdigit() else {f"{code_field}__iexact": text}


def checkin_queryset(user: Any) -> Any:
    return (CheckIn.objects.for_user(user).select_related(*CHECKIN_RELATED)
            .prefetch_related(PHOTOS))


def find_checkin(user: Any, pk: int, action: str = VIEW) -> CheckIn:
    """A check-in the user sees (else 404) and may act on (else 403)."""
    found = checkin_queryset(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    if action != VIEW and not can(user, action, found):
        raise PermissionDenied(action)
    return found


def site_to_work_at(user: Any, value: Any) -> Site:
    site = Site.objects.select_related("project").filter(**_by_key(value, "code")).first()
    if site is None or not may_work_at(user, site):
        raise invalid_field("site", _("找不到工地“%(v)s”，或您不在该工地的项目中。") % {"v": value})
    return site


def task_of(user: Any, value: int | None) -> Task | None:
    if value is None:
        return None
    task = Task.objects.for_user(user).select_related("order", "crew").filter(pk=value).first()
    if task is None:
        raise invalid_field("task", _("找不到任务“%(v)s”，或您无权使用。") % {"v": value})
    return task


def _people(qs: Any, user: Any, value: str) -> Any:
    if value == "me":
        return qs.filter(worker=user)
    return qs.filter(**{f"worker__{k}": v for k, v in _by_key(value, "username").items()})


def answer(checkin: CheckIn, response: HttpResponse, *, created: bool = False) -> CheckIn:
    """The check-in as it is now, with its ETag (and Location when made)."""
    fresh = (CheckIn.objects.select_related(*CHECKIN_RELATED).prefetch_related(PHOTOS)
             .get(pk=checkin.pk))
    response["ETag"] = etag_of(fresh)
    if created:
        response["Location"] = reverse("api:fieldwork_checkin_detail", args=[fresh.pk])
    return fresh


# --- operations ------------------------------------------------------------------------------

@router.get("/checkins", response=list[CheckInOut], url_name="fieldwork_checkins",
            operation_id="fieldwork_checkins_list", summary="签到列表（按角色限定范围）")
@paginate(LinkPagination)
def list_checkins(request: HttpRequest, filters: Query[CheckInFilters]) -> Any:
    user = request.user
    if not can(user, VIEW, CheckIn):
        raise PermissionDenied()
    qs = checkin_queryset(user)
    if filters.site:
        qs = qs.filter(**{f"site__{k}": v for k, v in _by_key(filters.site, "code").items()})
    if filters.worker:
        qs = _people(qs, user, filters.worker)
    if filters.date:
        qs = qs.filter(checked_in_at__date=filters.date)
    for name in ("flagged", "state"):
        if getattr(filters, name) is not None:
            qs = qs.filter(**{name: getattr(filters, name)})
    return qs.order_by("-checked_in_at", "-pk")


@router.get("/checkins/{int:pk}", response=CheckInOut, url_name="fieldwork_checkin_detail",
            operation_id="fieldwork_checkin_get", summary="签到详情")
def get_checkin(request: HttpRequest, pk: int, response: HttpResponse) -> Any:
    found = find_checkin(request.user, pk)
    response["ETag"] = etag_of(found)
    return found


@router.post("/checkins", response={201: CheckInOut}, operation_id="fieldwork_checkin_create",
             summary="签到（JSON，或带照片的 multipart/form-data）",
             openapi_extra=_openapi_body(CheckInIn, files=True))
def create_checkin(request: HttpRequest, response: HttpResponse) -> Any:
    user = request.user
    if not can(user, ADD, CheckIn):
        raise PermissionDenied()
    data, files = read_body(request, PHOTOS)
    payload = validated(CheckInIn, data)
    site = site_to_work_at(user, payload.site)
    task = task_of(user, payload.task)
    source = CheckInSource.API if getattr(request, "api_token", None) else CheckInSource.WEB
    checkin = call(lambda: services.check_in(
        site, actor=user, task=task, at=payload.at, latitude=payload.latitude,
        longitude=payload.longitude, accuracy=payload.accuracy,
        flag_reason=payload.flag_reason, note=payload.note,
        progress_percent=payload.progress_percent, quantity_done=payload.quantity_done,
        quantity_unit=payload.quantity_unit, files=files, source=source))
    return Status(201, answer(checkin, response, created=True))


@router.post("/checkins/{int:pk}/checkout", response=CheckInOut,
             operation_id="fieldwork_checkin_checkout",
             summary="签退：工时写入工时记录（If-Match 可选）",
             openapi_extra=_openapi_body(CheckOutIn))
def checkout(request: HttpRequest, pk: int, response: HttpResponse) -> Any:
    user = request.user
    checkin = find_checkin(user, pk, CHANGE)
    version = optional_if_match(request, checkin)
    payload = validated(CheckOutIn, read_body(request)[0])
    saved = call(lambda: services.check_out(
        checkin, actor=user, at=payload.at, hours_worked=payload.hours_worked,
        note=payload.note, progress_percent=payload.progress_percent,
        quantity_done=payload.quantity_done, expected_version=version))
    return answer(saved, response)


@router.post("/checkins/{int:pk}/photos", response={201: CheckInOut},
             operation_id="fieldwork_checkin_photos",
             summary="补充照片（multipart/form-data，字段 photos，可多张）",
             openapi_extra=_openapi_body(PhotosIn, files=True))
def add_photos(request: HttpRequest, pk: int, response: HttpResponse) -> Any:
    user = request.user
    checkin = find_checkin(user, pk, CHANGE)
    data, files = read_body(request, PHOTOS)
    validated(PhotosIn, data)
    call(lambda: services.add_photos(checkin, actor=user, files=files))
    return Status(201, answer(checkin, response))


@router.get("/timesheet", response=list[TimesheetOut], url_name="fieldwork_timesheet",
            operation_id="fieldwork_timesheet_list", summary="工时记录（按角色限定范围）")
@paginate(LinkPagination)
def list_timesheet(request: HttpRequest, filters: Query[TimesheetFilters]) -> Any:
    user = request.user
    if not can(user, VIEW, TimesheetEntry):
        raise PermissionDenied()
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise invalid_field("date_to", _("结束日期不能早于开始日期。"))
    qs = (TimesheetEntry.objects.for_user(user)
          .select_related("worker", "site", "task", "order", "crew"))
    if filters.site:
        qs = qs.filter(**{f"site__{k}": v for k, v in _by_key(filters.site, "code").items()})
    if filters.worker:
        qs = _people(qs, user, filters.worker)
    if filters.date_from:
        qs = qs.filter(work_date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(work_date__lte=filters.date_to)
    return qs.order_by("-work_date", "-pk")
