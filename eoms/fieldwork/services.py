"""Every change to field work: check-in, photos, check-out with its timesheet entry, and
check-ins posted by site devices.

A check-in is recorded even outside the geofence or without a location — flagged, with the
worker's reason — because a lost check-in is worse than a questionable one. Photos are
checked and re-encoded before anything is written; a refused photo refuses the check-in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eoms.core.access import ADD, CHANGE, require
from eoms.core.context import business_event
from eoms.fieldwork import photos
from eoms.fieldwork.choices import CheckInSource, CheckInState, LocationStatus
from eoms.fieldwork.geofence import Located, locate
from eoms.fieldwork.models import CheckIn, DeviceToken, Photo, TimesheetEntry
from eoms.fieldwork.policies import may_work_at
from eoms.lib.text import plain_decimal
from eoms.masterdata.models import Site
from eoms.scheduling import services as scheduling
from eoms.scheduling.models import Task
from eoms.scheduling.policies import PROGRESS
from eoms.scheduling.services import field_error

CLOCK_SKEW = timedelta(minutes=5)
HOURS_SLACK = Decimal("0.25")  # a typed figure may round the time on site up this much


def _moment(at: datetime | None, field: str) -> datetime:
    """When it happened: now, or the time the phone recorded it while offline."""
    now = timezone.now()
    if at is None:
        return now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now + CLOCK_SKEW:
        raise field_error(field, _("时间不能晚于现在，请检查手机时间。"), "future")
    if at < now - timedelta(days=settings.CHECKIN_MAX_DELAY_DAYS):
        raise field_error(field, _("这条记录是 %(days)s 天前做的，超过了补传期限，"
                                   "请联系项目经理补录。")
                          % {"days": (now - at).days}, "too_old")
    return at


def _percent(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise field_error("progress_percent", _("完成百分比必须是 0 到 100 的整数。"), "invalid")
    if not 0 <= number <= 100:
        raise field_error("progress_percent", _("完成百分比必须是 0 到 100 的整数。"),
                          "out_of_range")
    return number


def _decimal(value: Any, field: str, message: str, low: Decimal, high: Decimal) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise field_error(field, message, "invalid")
    if not number.is_finite() or not low <= number <= high:
        raise field_error(field, message, "out_of_range")
    return number


def _task_at(task: Task | None, site: Site, worker: Any) -> Task | None:
    if task is None:
        return None
    order = task.order
    if order.site_id not in (None, site.pk) or (
            order.site_id is None and order.project_id != site.project_id):
        raise field_error("task", _("任务“%(task)s”不在工地“%(site)s”。")
                          % {"task": task.name, "site": site.name}, "other_site")
    if not Task.objects.for_user(worker, PROGRESS).filter(pk=task.pk).exists():
        raise field_error("task", _("你不能为任务“%(task)s”签到：它不是你或你班组的任务。")
                          % {"task": task.name}, "not_yours")
    return task


def _crew_of(worker: Any, task: Task | None) -> Any:
    crew = task.crew if task is not None else None
    if crew is not None and crew.memberships.filter(user=worker).exists():
        return crew
    membership = worker.crew_memberships.select_related("crew").order_by("pk").first()
    if membership is not None:
        return membership.crew
    return worker.led_crews.order_by("pk").first()


def _refuse_second_open(worker: Any, site: Site, at: datetime) -> None:
    day = timezone.localtime(at).date()
    open_today = CheckIn.objects.filter(
        worker=worker, site=site, state=CheckInState.OPEN,
        checked_in_at__date=day).order_by("-checked_in_at").first()
    if open_today is not None:
        raise ValidationError(
            _("你已于 %(time)s 在“%(site)s”签到，请先签退再重新签到。")
            % {"time": timezone.localtime(open_today.checked_in_at).strftime("%H:%M"),
               "site": site.name}, code="already_checked_in")


def _assign(instance: Any, **values: Any) -> None:
    for name, value in values.items():
        setattr(instance, name, value)


def check_in(site: Site, *, actor: Any, task: Task | None = None, at: datetime | None = None,
             latitude: Any = None, longitude: Any = None, accuracy: Any = None,
             flag_reason: str = "", note: str = "", progress_percent: Any = None,
             quantity_done: Any = None, quantity_unit: str = "",
             files: Sequence[Any] = (), source: str = CheckInSource.WEB,
             device: DeviceToken | None = None, located: Located | None = None) -> CheckIn:
    """Check the actor in at a site (with photos). Outside the fence or without a
    location the check-in is kept and flagged."""
    checkin = CheckIn(worker=actor, site=site)
    require(actor, ADD, checkin)
    moment = _moment(at, "checked_in_at")
    located = located or locate(site, latitude, longitude, accuracy)
    task = _task_at(task, site, actor)
    percent = _percent(progress_percent)
    quantity = _decimal(quantity_done, "quantity_done", _("完成工程量必须是不小于 0 的数字。"),
                        Decimal(0), Decimal("9999999999"))
    prepared = photos.prepare(files)
    with transaction.atomic():
        # One worker's check-ins are serialised, so two sent at once cannot both be open.
        get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
        _refuse_second_open(actor, site, moment)
        _assign(
            checkin, task=task, order=task.order if task else None, crew=_crew_of(actor, task),
            checked_in_at=moment, latitude=located.latitude, longitude=located.longitude,
            accuracy_m=located.accuracy_m, distance_m=located.distance_m,
            location_status=located.status, flagged=located.flagged,
            flag_reason=str(flag_reason or "")[:300], note=str(note or ""),
            progress_percent=percent, quantity_done=quantity,
            quantity_unit=str(quantity_unit or "")[:20], source=source, device=device,
            created_by=actor)
        with business_event("checkin.created", actor=actor):
            checkin.save()
            photos.save(prepared, site=site, checkin=checkin, actor=actor, at=moment)
        if task is not None and percent is not None:
            _report(task, actor, percent)
    return checkin


def _report(task: Task, actor: Any, percent: int) -> None:
    if percent == task.percent_complete:
        return
    try:
        scheduling.report_progress(task, actor=actor, percent=percent)
    except PermissionDenied:
        raise field_error("progress_percent", _("你不能填报这个任务的进度。"), "not_yours")


def add_photos(checkin: CheckIn, *, actor: Any, files: Sequence[Any]) -> list[Photo]:
    """More photos for a check-in, by its worker."""
    require(actor, CHANGE, checkin)
    if not files:
        raise field_error("photos", _("请选择至少一张照片。"), "required")
    prepared = photos.prepare(files, already=checkin.photos.count())
    with transaction.atomic(), business_event("checkin.photos_added", actor=actor):
        return photos.save(prepared, site=checkin.site, checkin=checkin, actor=actor,
                           at=timezone.now())


def _hours(value: Any, checkin: CheckIn, moment: datetime) -> Decimal:
    on_site = Decimal((moment - checkin.checked_in_at).total_seconds()) / 3600
    if value in (None, ""):
        quarters = (min(on_site, Decimal(24)) * 4).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return max(quarters / 4, Decimal("0.25")).quantize(Decimal("0.01"))
    hours = _decimal(value, "hours_worked", _("工时必须是 0 到 24 之间的数字。"),
                     Decimal("0.01"), Decimal(24))
    assert hours is not None
    if hours > on_site + HOURS_SLACK:
        raise field_error("hours_worked",
                          _("填报的工时（%(h)s 小时）超过了签到后的在岗时间（%(s)s 小时）。")
                          % {"h": plain_decimal(hours), "s": on_site.quantize(Decimal("0.1"))},
                          "exceeds_time_on_site")
    return hours.quantize(Decimal("0.01"))


def check_out(checkin: CheckIn, *, actor: Any, at: datetime | None = None,
              hours_worked: Any = None, note: str = "", progress_percent: Any = None,
              quantity_done: Any = None, expected_version: int | None = None) -> CheckIn:
    """Close a check-in with the hours worked: its timesheet entry is written with it."""
    require(actor, CHANGE, checkin)
    moment = _moment(at, "checked_out_at")
    percent = _percent(progress_percent)
    quantity = _decimal(quantity_done, "quantity_done", _("完成工程量必须是不小于 0 的数字。"),
                        Decimal(0), Decimal("9999999999"))
    with transaction.atomic():
        locked = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        if locked.state == CheckInState.CLOSED:
            raise ValidationError(_("这次签到已于 %(time)s 签退。") % {
                "time": timezone.localtime(locked.checked_out_at).strftime("%m-%d %H:%M")},
                code="already_checked_out")
        if expected_version is not None and locked.version != expected_version:
            raise ValidationError(_("这条签到已被修改，请刷新后重试。"), code="stale")
        if moment < locked.checked_in_at:
            raise field_error("checked_out_at", _("签退时间不能早于签到时间。"),
                              "before_check_in")
        locked.hours_worked = _hours(hours_worked, locked, moment)
        locked.state, locked.checked_out_at = CheckInState.CLOSED, moment
        locked.checkout_note = str(note or "")
        if percent is not None:
            locked.progress_percent = percent
        if quantity is not None:
            locked.quantity_done = quantity
        locked.version += 1
        with business_event("checkin.closed", actor=actor):
            locked.save()
            TimesheetEntry.objects.create(
                worker=locked.worker, work_date=timezone.localtime(locked.checked_in_at).date(),
                hours=locked.hours_worked, site=locked.site, task=locked.task,
                order=locked.order, crew=locked.crew, checkin=locked, created_by=actor)
        if locked.task is not None and percent is not None:
            _report(locked.task, actor, percent)
    return locked


def open_checkin_of(worker: Any, site: Site | None = None) -> CheckIn | None:
    qs = CheckIn.objects.filter(worker=worker, state=CheckInState.OPEN)
    if site is not None:
        qs = qs.filter(site=site)
    return qs.select_related("site", "task").order_by("-checked_in_at").first()


def device_event(device: DeviceToken, *, worker: Any, direction: str,
                 at: datetime | None = None) -> CheckIn:
    """A check-in or check-out posted by a device of a site, for one of its workers.
    The device stands at the site, so the check-in is inside the fence."""
    if not device.active:
        raise PermissionDenied("device revoked")
    site = device.site
    if not may_work_at(worker, site):
        raise field_error("worker", _("%(name)s 不在工地“%(site)s”的项目中。")
                          % {"name": worker.get_full_name() or worker.username,
                             "site": site.name}, "not_on_site")
    if direction == "out":
        found = open_checkin_of(worker, site)
        if found is None:
            raise field_error("direction", _("%(name)s 今天没有在本工地签到，无法签退。")
                              % {"name": worker.get_full_name() or worker.username},
                              "not_checked_in")
        return check_out(found, actor=worker, at=at)
    if direction != "in":
        raise field_error("direction", _("方向必须是 in（签到）或 out（签退）。"), "invalid")
    fence = Located(LocationStatus.INSIDE, latitude=site.latitude, longitude=site.longitude,
                    distance_m=0 if site.latitude is not None else None)
    return check_in(site, actor=worker, at=at, source=CheckInSource.DEVICE, device=device,
                    located=fence)
