"""Choices of the quality app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StandardKind(models.TextChoices):
    ISO_9001 = "iso9001", _("ISO 9001 条款")
    GB_50300 = "gb50300", _("GB 50300 验收划分")
    GB_T_50328 = "gbt50328", _("GB/T 50328 归档类别")
    COMPANY = "company", _("公司程序文件")


class ItemKind(models.TextChoices):
    PASS_FAIL = "pass_fail", _("合格/不合格")
    MEASUREMENT = "measurement", _("实测实量")
    PHOTO = "photo", _("影像资料")
    TEXT = "text", _("文字记录")
    SIGNATURE = "signature", _("签名")


class Trigger(models.TextChoices):
    TASK_DONE = "task_done", _("任务报告完成")
    MILESTONE = "milestone", _("里程碑达成")
    ORDER_INSPECTION = "order_inspection", _("订单提交验收")


class InspectionStatus(models.TextChoices):
    OPEN = "open", _("待检验")
    PASSED = "passed", _("合格")
    FAILED = "failed", _("不合格")
    CANCELLED = "cancelled", _("已取消")


class MediaKind(models.TextChoices):
    PHOTO = "photo", _("照片")
    VIDEO = "video", _("视频")


class Severity(models.TextChoices):
    MINOR = "minor", _("一般")
    MAJOR = "major", _("严重")
    CRITICAL = "critical", _("重大")


class NcrStatus(models.TextChoices):
    OPEN = "open", _("未关闭")
    CLOSED = "closed", _("已关闭")
