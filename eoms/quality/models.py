"""Inspection templates and their items, checkpoints that start inspections by themselves,
inspections with their results and photos, non-conformance records (NCR) and the
acceptance of tasks."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eoms.accounts.models import Crew
from eoms.core.models import BusinessModel
from eoms.masterdata.models import Project
from eoms.orders.choices import OrderType
from eoms.orders.models import Order
from eoms.quality.choices import (
    InspectionStatus,
    ItemKind,
    MediaKind,
    NcrStatus,
    Severity,
    StandardKind,
    Trigger,
)
from eoms.scheduling.choices import MilestoneKind, WorkType
from eoms.scheduling.models import Task


def media_path(instance: Any, filename: str) -> str:
    """A random name in quality's own folder (field work sweeps its photos/ folder)."""
    now = timezone.now()
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"quality/{now:%Y/%m}/{uuid.uuid4().hex}.{suffix}"


class InspectionTemplate(BusinessModel):
    """A checklist (检验批/验收表) following a named standard."""

    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    standard_kind = models.CharField(_("依据类别"), max_length=12,
                                     choices=StandardKind.choices)
    standard_ref = models.CharField(_("依据标准"), max_length=200, blank=True,
                                    help_text=_("如 GB 50204-2015 第 5.5 节"))
    description = models.TextField(_("说明"), blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("检验模板")
        verbose_name_plural = _("检验模板")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class TemplateItem(BusinessModel):
    template = models.ForeignKey(InspectionTemplate, verbose_name=_("检验模板"),
                                 on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("顺序"), default=0)
    kind = models.CharField(_("类型"), max_length=12, choices=ItemKind.choices)
    label = models.CharField(_("检验项目"), max_length=120)
    guidance = models.CharField(_("检验方法与要求"), max_length=300, blank=True)
    required = models.BooleanField(_("必填"), default=True)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    nominal = models.DecimalField(_("设计值"), max_digits=12, decimal_places=3, null=True,
                                  blank=True)
    tolerance_minus = models.DecimalField(_("允许负偏差"), max_digits=12, decimal_places=3,
                                          null=True, blank=True,
                                          validators=[MinValueValidator(0)])
    tolerance_plus = models.DecimalField(_("允许正偏差"), max_digits=12, decimal_places=3,
                                         null=True, blank=True,
                                         validators=[MinValueValidator(0)])
    min_photos = models.PositiveSmallIntegerField(_("最少照片数"), default=0)

    class Meta:
        verbose_name = _("检验项目")
        verbose_name_plural = _("检验项目")
        ordering = ["template", "position", "pk"]

    def __str__(self) -> str:
        return self.label


class Checkpoint(BusinessModel):
    """When an inspection starts by itself: a trigger and what it applies to (a task's
    work type or concealed flag, a milestone kind, an order type), optionally one project.
    An empty condition matches anything."""

    name = models.CharField(_("名称"), max_length=100)
    template = models.ForeignKey(InspectionTemplate, verbose_name=_("检验模板"),
                                 on_delete=models.PROTECT, related_name="checkpoints")
    trigger = models.CharField(_("触发时机"), max_length=20, choices=Trigger.choices)
    work_type = models.CharField(_("分项类别"), max_length=20, choices=WorkType.choices,
                                 blank=True)
    concealed_only = models.BooleanField(_("仅隐蔽工程"), default=False)
    milestone = models.CharField(_("里程碑"), max_length=20, choices=MilestoneKind.choices,
                                 blank=True)
    order_type = models.CharField(_("订单类型"), max_length=20, choices=OrderType.choices,
                                  blank=True)
    project = models.ForeignKey(Project, verbose_name=_("项目"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="+")
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("检验点")
        verbose_name_plural = _("检验点")
        ordering = ["trigger", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class Inspection(BusinessModel):
    code = models.CharField(_("检验编号"), max_length=40, unique=True)
    order = models.ForeignKey(Order, verbose_name=_("订单"), on_delete=models.CASCADE,
                              related_name="inspections")
    task = models.ForeignKey(Task, verbose_name=_("任务"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="inspections")
    template = models.ForeignKey(InspectionTemplate, verbose_name=_("检验模板"),
                                 on_delete=models.PROTECT, related_name="inspections")
    checkpoint = models.ForeignKey(Checkpoint, verbose_name=_("检验点"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("质检员"),
                                  null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="inspections")
    status = models.CharField(_("状态"), max_length=10, choices=InspectionStatus.choices,
                              default=InspectionStatus.OPEN, db_index=True)
    round = models.PositiveSmallIntegerField(_("检验轮次"), default=1)
    repeats = models.OneToOneField("self", verbose_name=_("复检的检验"), null=True,
                                   blank=True, on_delete=models.PROTECT,
                                   related_name="reinspection")
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("完成人"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    note = models.TextField(_("检验意见"), blank=True)

    class Meta:
        verbose_name = _("质量检验")
        verbose_name_plural = _("质量检验")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["inspector", "status"], name="inspection_inspector")]

    def __str__(self) -> str:
        return f"{self.code} {self.template.name}"


class InspectionResult(BusinessModel):
    """The answer to one item: a measured value, pass/fail, a text or a drawn signature."""

    inspection = models.ForeignKey(Inspection, verbose_name=_("质量检验"),
                                   on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(TemplateItem, verbose_name=_("检验项目"),
                             on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("实测值"), max_digits=12, decimal_places=3, null=True,
                                blank=True)
    passed = models.BooleanField(_("合格"), null=True, blank=True)
    text = models.TextField(_("记录"), blank=True)
    signature = models.FileField(_("签名"), upload_to=media_path, max_length=200, blank=True)

    class Meta:
        verbose_name = _("检验结果")
        verbose_name_plural = _("检验结果")
        constraints = [models.UniqueConstraint(fields=["inspection", "item"],
                                               name="inspection_result_once")]

    def __str__(self) -> str:
        return f"{self.inspection.code} · {self.item.label}"


class InspectionPhoto(BusinessModel):
    """影像资料 of an inspection: a re-encoded photo (the field-work pipeline) with the
    capture time and position EXIF gave. `kind` leaves room for short video clips."""

    inspection = models.ForeignKey(Inspection, verbose_name=_("质量检验"),
                                   on_delete=models.CASCADE, related_name="photos")
    item = models.ForeignKey(TemplateItem, verbose_name=_("检验项目"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=8, choices=MediaKind.choices,
                            default=MediaKind.PHOTO)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("拍摄人"),
                                 on_delete=models.PROTECT, related_name="+")
    original = models.FileField(_("原图"), upload_to=media_path, max_length=200)
    image = models.FileField(_("水印图"), upload_to=media_path, max_length=200)
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
        verbose_name = _("检验影像")
        verbose_name_plural = _("检验影像")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.inspection.code} #{self.pk}"

    @property
    def shot_at(self) -> Any:
        """When it was taken: EXIF time, else when it was uploaded."""
        return self.taken_at or self.created_at


class NonConformance(BusinessModel):
    """不合格项 (NCR): opened by a failed item, with its rework task; closed only after a
    re-inspection passed."""

    code = models.CharField(_("编号"), max_length=40, unique=True)
    inspection = models.ForeignKey(Inspection, verbose_name=_("质量检验"),
                                   on_delete=models.PROTECT, related_name="ncrs")
    item = models.ForeignKey(TemplateItem, verbose_name=_("检验项目"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(Order, verbose_name=_("订单"), on_delete=models.CASCADE,
                              related_name="ncrs")
    task = models.ForeignKey(Task, verbose_name=_("任务"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="ncrs")
    severity = models.CharField(_("严重程度"), max_length=10, choices=Severity.choices,
                                default=Severity.MAJOR)
    cause = models.TextField(_("不合格描述及原因"))
    responsible_crew = models.ForeignKey(Crew, verbose_name=_("责任班组"), null=True,
                                         blank=True, on_delete=models.SET_NULL,
                                         related_name="+")
    status = models.CharField(_("状态"), max_length=8, choices=NcrStatus.choices,
                              default=NcrStatus.OPEN, db_index=True)
    rework_task = models.ForeignKey(Task, verbose_name=_("返工任务"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="rework_for")
    closing_inspection = models.ForeignKey(Inspection, verbose_name=_("复检"), null=True,
                                           blank=True, on_delete=models.PROTECT,
                                           related_name="+")
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("关闭人"),
                                  null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    closing_note = models.TextField(_("关闭说明"), blank=True)

    class Meta:
        verbose_name = _("不合格项")
        verbose_name_plural = _("不合格项")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.code


class TaskAcceptance(BusinessModel):
    """A task accepted (验收通过) once its inspections allowed it."""

    task = models.OneToOneField(Task, verbose_name=_("任务"), on_delete=models.CASCADE,
                                related_name="acceptance")
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("验收人"),
                                    on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(_("验收时间"), default=timezone.now)
    note = models.CharField(_("验收意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("任务验收")
        verbose_name_plural = _("任务验收")

    def __str__(self) -> str:
        return str(self.task)


def archive_path(instance: Any, filename: str) -> str:
    """A random name of its own: an archive file is never overwritten."""
    return f"quality/archive/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


class QualityArchive(BusinessModel):
    """One archived version of an order's quality report (质量验收资料 as a GB/T 50328
    volume). Written once: never changed, never deleted, never regenerated; a correction
    is a new version with a new file. Its SHA-256 is in the audit entry of its creation."""

    order = models.ForeignKey(Order, verbose_name=_("订单"), on_delete=models.PROTECT,
                              related_name="quality_archives")
    version = models.PositiveIntegerField(_("版本"))
    file = models.FileField(_("档案文件"), upload_to=archive_path, max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size_bytes = models.PositiveBigIntegerField(_("大小（字节）"))
    page_count = models.PositiveIntegerField(_("页数"))
    reason = models.CharField(_("生成原因"), max_length=300)

    class Meta:
        verbose_name = _("质量档案")
        verbose_name_plural = _("质量档案")
        ordering = ["order", "-version"]
        constraints = [models.UniqueConstraint(fields=["order", "version"],
                                               name="quality_archive_version_once")]

    def __str__(self) -> str:
        return f"{self.order.code} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("A quality archive is written once and never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("A quality archive is never deleted.")
