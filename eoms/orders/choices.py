from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderType(models.TextChoices):
    NEW = "new", _("新建")
    CHANGE = "change", _("变更")
    EXTENSION = "extension", _("延期")


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    ASSIGNED = "assigned", _("已分派")
    IN_PROGRESS = "in_progress", _("进行中")
    INSPECTION = "inspection", _("验收中")
    DELIVERED = "delivered", _("已交付")
    CLOSED = "closed", _("已关闭")
    ON_HOLD = "on_hold", _("已暂停")
    CANCELLED = "cancelled", _("已取消")


class Priority(models.TextChoices):
    P1 = "P1", _("P1 紧急")
    P2 = "P2", _("P2 高")
    P3 = "P3", _("P3 中")
    P4 = "P4", _("P4 低")


class Source(models.TextChoices):
    MANUAL = "manual", _("手工录入")
    API = "api", _("API")
    IMPORT = "import", _("Excel 导入")
    EMAIL = "email", _("邮件")
    CRM = "crm", _("CRM 同步")


class AssignMode(models.TextChoices):
    USER = "user", _("指定人员")
    ROUND_ROBIN = "round_robin", _("组内轮流")
    LEAST_LOADED = "least_loaded", _("组内负荷最低")


class ExtensionState(models.TextChoices):
    NONE = "", _("无")
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
