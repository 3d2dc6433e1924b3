"""Check-ins on site, their photos, timesheet entries, device tokens and daily site logs."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from eoms.accounts.models import Crew
from eoms.core.access import ScopedQuerySet
from eoms.core.models import Audited, BusinessModel
from eoms.fieldwork.choices import (
    CheckInSource,
    CheckInState,
    DailyLogState,
    LocationStatus,
    PhotoState,
    Weather,
)
from eoms.masterdata.models import Site
from eoms.orders.models import Order
from eoms.scheduling.models import Task


def photo_path(instance: Any, filename: str) -> str:
    """A random name: nothing about the site, the worker or the time can be guessed."""
    now = timezone.now()
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"photos/{now:%Y/%m}/{uuid.uuid4().hex}.{suffix}"

CHECKIN_NOUN = pgettext_lazy("noun", "签到")


class DeviceToken(BusinessModel):
    """An attendance terminal, turnstile or IoT gateway allowed to post check-ins for one
    site. Only a hash of the key is kept; the key is shown once when it is made."""

    site = models.ForeignKey(Site, verbose_name=_("工地"), on_delete=models.CASCADE,
                             related_name="device_tokens")
    name = models.CharField(_("设备名称"), max_length=100)
    prefix = models.CharField(_("密钥前缀"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("停用时间"), null=True, blank=True, editable=False)

    audit_exclude = (*BusinessModel.audit_exclude, "key_hash", "last_used_at")

    class Meta:
        verbose_name = _("考勤设备")
        verbose_name_plural = _("考勤设备")
        ordering = ["site", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class CheckIn(BusinessModel):
    """A worker's presence on a site: in, out, where, with what done and photographed."""

    worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("施工人员"),
                               on_delete=models.PROTECT, related_name="checkins")
    site = models.ForeignKey(Site, verbose_name=_("工地"), on_delete=models.PROTECT,
                             related_name="checkins")
    task = models.ForeignKey(Task, verbose_name=_("任务"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="checkins")
    order = models.ForeignKey(Order, verbose_name=_("订单"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="checkins")
    crew = models.ForeignKey(Crew, verbose_name=_("班组"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="checkins")
    state = models.CharField(_("状态"), max_length=10, choices=CheckInState.choices,
                             default=CheckInState.OPEN, db_index=True)
    checked_in_at = models.DateTimeField(_("签到时间"), db_index=True)
    checked_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True,
                                   blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True,
                                    blank=True)
    accuracy_m = models.PositiveIntegerField(_("定位精度（米）"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("距工地（米）"), null=True, blank=True)
    location_status = models.CharField(_("定位状态"), max_length=12,
                                       choices=LocationStatus.choices)
    flagged = models.BooleanField(_("需核查"), default=False, db_index=True)
    flag_reason = models.CharField(_("说明"), max_length=300, blank=True,
                                   help_text=_("不在工地范围内或没有定位时，请说明原因"))
    note = models.TextField(_("备注"), blank=True)
    progress_percent = models.PositiveSmallIntegerField(
        _("完成百分比"), null=True, blank=True, validators=[MaxValueValidator(100)])
    quantity_done = models.DecimalField(_("完成工程量"), max_digits=12, decimal_places=2,
                                        null=True, blank=True,
                                        validators=[MinValueValidator(0)])
    quantity_unit = models.CharField(_("单位"), max_length=20, blank=True)
    hours_worked = models.DecimalField(_("工时（小时）"), max_digits=4, decimal_places=2,
                                       null=True, blank=True)
    checkout_note = models.TextField(_("签退备注"), blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=CheckInSource.choices,
                              default=CheckInSource.WEB)
    device = models.ForeignKey(DeviceToken, verbose_name=_("考勤设备"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="checkins")

    class Meta:
        verbose_name = CHECKIN_NOUN
        verbose_name_plural = pgettext_lazy("noun plural", "签到")
        ordering = ["-checked_in_at", "-pk"]
        indexes = [
            models.Index(fields=["site", "checked_in_at"], name="checkin_site_time"),
            models.Index(fields=["worker", "checked_in_at"], name="checkin_worker_time"),
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.checked_in_at)
        return f"{self.worker} @ {self.site} {when:%Y-%m-%d %H:%M}"


class Photo(BusinessModel):
    """A site photo: the re-encoded image without metadata (`original`), the delivered
    copy with the watermark (`image`) and a thumbnail made by a background job. The
    capture time and GPS position read from EXIF before it was stripped are kept here."""

    checkin = models.ForeignKey(CheckIn, verbose_name=CHECKIN_NOUN, null=True, blank=True,
                                on_delete=models.CASCADE, related_name="photos")
    site = models.ForeignKey(Site, verbose_name=_("工地"), on_delete=models.PROTECT,
                             related_name="photos")
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("拍摄人"),
                                 on_delete=models.PROTECT, related_name="photos")
    original = models.FileField(_("原图"), upload_to=photo_path, max_length=200)
    image = models.FileField(_("水印图"), upload_to=photo_path, max_length=200)
    thumbnail = models.FileField(_("缩略图"), upload_to=photo_path, max_length=200,
                                 blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=PhotoState.choices,
                             default=PhotoState.PROCESSING)
    content_type = models.CharField(_("文件类型"), max_length=40, default="image/jpeg")
    width = models.PositiveIntegerField(_("宽（像素）"), default=0)
    height = models.PositiveIntegerField(_("高（像素）"), default=0)
    size_bytes = models.PositiveIntegerField(_("上传大小（字节）"), default=0)
    sha256 = models.CharField(_("上传文件 SHA-256"), max_length=64)
    source_format = models.CharField(_("上传格式"), max_length=10)
    taken_at = models.DateTimeField(_("拍摄时间"), null=True, blank=True)
    gps_latitude = models.DecimalField(_("拍摄纬度"), max_digits=9, decimal_places=6,
                                       null=True, blank=True)
    gps_longitude = models.DecimalField(_("拍摄经度"), max_digits=9, decimal_places=6,
                                        null=True, blank=True)
    caption = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("现场照片")
        verbose_name_plural = _("现场照片")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.site} {self.created_at:%Y-%m-%d %H:%M}"


class TimesheetEntry(BusinessModel):
    """Hours worked by one person on one day; the cost module prices them."""

    worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("施工人员"),
                               on_delete=models.PROTECT, related_name="timesheet_entries")
    work_date = models.DateField(_("日期"), db_index=True)
    hours = models.DecimalField(_("工时（小时）"), max_digits=4, decimal_places=2,
                                validators=[MinValueValidator(0), MaxValueValidator(24)])
    site = models.ForeignKey(Site, verbose_name=_("工地"), on_delete=models.PROTECT,
                             related_name="timesheet_entries")
    task = models.ForeignKey(Task, verbose_name=_("任务"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="timesheet_entries")
    order = models.ForeignKey(Order, verbose_name=_("订单"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="timesheet_entries")
    crew = models.ForeignKey(Crew, verbose_name=_("班组"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="timesheet_entries")
    checkin = models.OneToOneField(CheckIn, verbose_name=CHECKIN_NOUN, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="timesheet")

    class Meta:
        verbose_name = _("工时记录")
        verbose_name_plural = _("工时记录")
        ordering = ["-work_date", "worker"]
        indexes = [models.Index(fields=["worker", "work_date"], name="timesheet_worker_day")]

    def __str__(self) -> str:
        return f"{self.worker} {self.work_date} {self.hours}h"


class DailyLog(BusinessModel):
    """施工日志: one per site and day, pre-filled from the day's check-ins, completed and
    signed by the site manager; signed logs do not change."""

    site = models.ForeignKey(Site, verbose_name=_("工地"), on_delete=models.PROTECT,
                             related_name="daily_logs")
    log_date = models.DateField(_("日期"))
    weather = models.CharField(_("天气"), max_length=12, choices=Weather.choices, blank=True)
    temperature_low = models.SmallIntegerField(
        _("最低气温（℃）"), null=True, blank=True,
        validators=[MinValueValidator(-60), MaxValueValidator(60)])
    temperature_high = models.SmallIntegerField(
        _("最高气温（℃）"), null=True, blank=True,
        validators=[MinValueValidator(-60), MaxValueValidator(60)])
    work_done = models.TextField(_("施工内容"), blank=True)
    equipment = models.TextField(_("机械设备"), blank=True)
    deliveries = models.TextField(_("材料进场"), blank=True)
    issues = models.TextField(_("问题及处理"), blank=True)
    safety = models.TextField(_("安全情况"), blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=DailyLogState.choices,
                             default=DailyLogState.DRAFT)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签署人"),
                                  null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    signed_at = models.DateTimeField(_("签署时间"), null=True, blank=True)
    signature_name = models.CharField(_("签名"), max_length=60, blank=True)
    content_hash = models.CharField(_("签署内容 SHA-256"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("施工日志")
        verbose_name_plural = _("施工日志")
        ordering = ["-log_date", "site"]
        constraints = [models.UniqueConstraint(fields=["site", "log_date"],
                                               name="one_daily_log_per_site_day")]

    def __str__(self) -> str:
        return f"{self.site} {self.log_date}"


class DailyLogCrew(Audited):
    """Headcount of one crew (or of workers with no crew) on the log's day."""

    log = models.ForeignKey(DailyLog, verbose_name=_("施工日志"), on_delete=models.CASCADE,
                            related_name="crews")
    crew = models.ForeignKey(Crew, verbose_name=_("班组"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    crew_name = models.CharField(_("班组"), max_length=100)
    headcount = models.PositiveIntegerField(_("人数"), default=0)
    hours = models.DecimalField(_("工时（小时）"), max_digits=7, decimal_places=2, default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("班组出勤")
        verbose_name_plural = _("班组出勤")
        ordering = ["crew_name"]

    def __str__(self) -> str:
        return f"{self.crew_name}: {self.headcount}"
