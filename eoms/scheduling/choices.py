from django.db import models
from django.utils.translation import gettext_lazy as _


class LinkType(models.TextChoices):
    FS = "FS", _("完成-开始（FS）")
    SS = "SS", _("开始-开始（SS）")
    FF = "FF", _("完成-完成（FF）")
    SF = "SF", _("开始-完成（SF）")


class Constraint(models.TextChoices):
    ASAP = "ASAP", _("越早越好")
    ALAP = "ALAP", _("越晚越好")
    SNET = "SNET", _("不得早于…开始")
    SNLT = "SNLT", _("不得晚于…开始")
    FNET = "FNET", _("不得早于…完成")
    FNLT = "FNLT", _("不得晚于…完成")
    MSO = "MSO", _("必须开始于")
    MFO = "MFO", _("必须完成于")


DATED_CONSTRAINTS = frozenset(c for c in Constraint.values if c not in ("ASAP", "ALAP"))


class MilestoneKind(models.TextChoices):
    NONE = "", _("非里程碑")
    DRAWINGS_APPROVED = "drawings_approved", _("图纸审批完成")
    EQUIPMENT_ON_SITE = "equipment_on_site", _("设备到场")
    ACCEPTANCE_SIGNED = "acceptance_signed", _("验收签字")
    CUSTOM = "custom", _("自定义里程碑")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("进行中")
    DONE = "done", _("已完成")


class ExceptionKind(models.TextChoices):
    HOLIDAY = "holiday", _("休息日")
    WORKDAY = "workday", _("调休上班")


class ExceptionSource(models.TextChoices):
    STATUTORY = "statutory", _("法定节假日")
    COMPANY = "company", _("公司安排")
    IMPORTED = "imported", _("导入")


class WorkType(models.TextChoices):
    """分项类别: what kind of work a task is (quality checkpoints attach to it)."""

    NONE = "", _("未分类")
    REBAR = "rebar", _("钢筋")
    FORMWORK = "formwork", _("模板")
    CONCRETE = "concrete", _("混凝土")
    WATERPROOFING = "waterproofing", _("防水")
    MASONRY = "masonry", _("砌体")
    MEP = "mep", _("机电安装")
    FINISHING = "finishing", _("装饰装修")
    OTHER = "other", _("其他")
