"""Engineering orders, their lines, comments, attachments, and the assignment rules."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from eoms.core.access import ScopedQuerySet
from eoms.core.models import BusinessModel
from eoms.masterdata.models import Customer, Material, MaterialCategory, Project, Site
from eoms.orders.choices import (
    AssignMode,
    ExtensionState,
    OrderStatus,
    OrderType,
    Priority,
    Source,
)

OPEN_STATUSES = (OrderStatus.SUBMITTED, OrderStatus.ASSIGNED, OrderStatus.IN_PROGRESS,
                 OrderStatus.INSPECTION, OrderStatus.ON_HOLD)


class AssignmentGroup(BusinessModel):
    """People an assignment rule chooses from (project managers, a procurement group)."""

    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("成员"),
                                     related_name="assignment_groups", blank=True)
    # Round-robin position: the member chosen last.
    last_assigned = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上次分派给"),
                                      null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+",
                                      editable=False)

    class Meta:
        verbose_name = _("分派组")
        verbose_name_plural = _("分派组")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AssignmentRule(BusinessModel):
    """Conditions on an order → who gets it. Rules are tried in `position` order; the first
    whose conditions all hold assigns the order. An empty condition matches anything."""

    name = models.CharField(_("规则名称"), max_length=100)
    position = models.PositiveIntegerField(_("顺序"), default=100, db_index=True)
    active = models.BooleanField(_("启用"), default=True)
    order_types = models.JSONField(_("订单类型"), default=list, blank=True)
    priorities = models.JSONField(_("优先级"), default=list, blank=True)
    customer = models.ForeignKey(Customer, verbose_name=_("客户"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, verbose_name=_("项目"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="+")
    min_amount = models.DecimalField(_("最低预算金额"), max_digits=14, decimal_places=2,
                                     null=True, blank=True)
    max_amount = models.DecimalField(_("最高预算金额"), max_digits=14, decimal_places=2,
                                     null=True, blank=True)
    material_categories = models.ManyToManyField(
        MaterialCategory, verbose_name=_("包含物料分类"), blank=True, related_name="+")
    assign_mode = models.CharField(_("分派方式"), max_length=20, choices=AssignMode.choices,
                                   default=AssignMode.USER)
    assign_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("指定项目经理"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    assign_group = models.ForeignKey(AssignmentGroup, verbose_name=_("项目经理组"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    procurement_group = models.ForeignKey(
        AssignmentGroup, verbose_name=_("采购组"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("命中规则的物料分类的订单行交给该采购组"))

    class Meta:
        verbose_name = _("分派规则")
        verbose_name_plural = _("分派规则")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class Order(BusinessModel):
    code = models.CharField(_("订单编号"), max_length=40, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    order_type = models.CharField(_("订单类型"), max_length=20, choices=OrderType.choices,
                                  default=OrderType.NEW, db_index=True)
    type_reason = models.CharField(_("类型判断依据"), max_length=300, blank=True)
    parent = models.ForeignKey("self", verbose_name=_("原订单"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    customer = models.ForeignKey(Customer, verbose_name=_("客户"), on_delete=models.PROTECT,
                                 related_name="orders")
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="orders")
    site = models.ForeignKey(Site, verbose_name=_("工地"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="orders")
    priority = models.CharField(_("优先级"), max_length=2, choices=Priority.choices,
                                default=Priority.P3, db_index=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices,
                              default=Source.MANUAL)
    crm_id = models.CharField(_("CRM 编号"), max_length=80, unique=True, null=True, blank=True)
    requested_date = models.DateField(_("要求交付日期"), null=True, blank=True)
    promised_date = models.DateField(_("承诺交付日期"), null=True, blank=True, db_index=True)
    proposed_date = models.DateField(_("申请延期至"), null=True, blank=True)
    extension_state = models.CharField(_("延期审批"), max_length=10, blank=True,
                                       choices=ExtensionState.choices,
                                       default=ExtensionState.NONE)
    budget_amount = models.DecimalField(_("预算金额（元）"), max_digits=14, decimal_places=2,
                                        default=Decimal("0"),
                                        validators=[MinValueValidator(Decimal("0"))])
    description = models.TextField(_("说明"), blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=OrderStatus.choices,
                              default=OrderStatus.DRAFT, db_index=True)
    held_from = models.CharField(_("暂停前状态"), max_length=20, blank=True,
                                 choices=OrderStatus.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("负责人"), null=True,
                              blank=True, on_delete=models.PROTECT, related_name="owned_orders")
    assigned_by_rule = models.ForeignKey(AssignmentRule, verbose_name=_("分派规则"), null=True,
                                         blank=True, on_delete=models.SET_NULL, related_name="+")
    assignment_note = models.CharField(_("分派说明"), max_length=300, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    delivered_on = models.DateField(_("实际交付日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("订单")
        verbose_name_plural = _("订单")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "promised_date"], name="order_status_due"),
            models.Index(fields=["owner", "status"], name="order_owner_status"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class OrderLine(BusinessModel):
    order = models.ForeignKey(Order, verbose_name=_("订单"), on_delete=models.CASCADE,
                              related_name="lines")
    line_no = models.PositiveIntegerField(_("行号"))
    material = models.ForeignKey(Material, verbose_name=_("物料"), on_delete=models.PROTECT,
                                 related_name="order_lines")
    quantity = models.DecimalField(_("数量"), max_digits=14, decimal_places=3,
                                   validators=[MinValueValidator(Decimal("0.001"))])
    unit = models.CharField(_("单位"), max_length=20)
    needed_by = models.DateField(_("需用日期"), null=True, blank=True)
    procurement_group = models.ForeignKey(AssignmentGroup, verbose_name=_("采购组"), null=True,
                                          blank=True, on_delete=models.SET_NULL,
                                          related_name="order_lines")
    notes = models.CharField(_("备注"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("订单行")
        verbose_name_plural = _("订单行")
        ordering = ["order", "line_no"]
        constraints = [models.UniqueConstraint(fields=["order", "line_no"], name="order_line_no")]

    def __str__(self) -> str:
        return f"{self.order.code}#{self.line_no} {self.material.name}"


class OrderComment(BusinessModel):
    order = models.ForeignKey(Order, verbose_name=_("订单"), on_delete=models.CASCADE,
                              related_name="comments")
    text = models.TextField(_("内容"))

    class Meta:
        verbose_name = _("订单备注")
        verbose_name_plural = _("订单备注")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:40]


class OrderAttachment(BusinessModel):
    order = models.ForeignKey(Order, verbose_name=_("订单"), on_delete=models.CASCADE,
                              related_name="attachments")
    file = models.FileField(_("文件"), upload_to="orders/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(_("文件 SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("订单附件")
        verbose_name_plural = _("订单附件")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name


class SavedFilter(BusinessModel):
    """A user's named order-list filter (the query string)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"),
                             on_delete=models.CASCADE,
                             related_name="saved_order_filters")
    name = models.CharField(_("名称"), max_length=60)
    query = models.CharField(_("条件"), max_length=500)

    objects = ScopedQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("常用筛选")
        verbose_name_plural = _("常用筛选")
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_filter_name")]

    def __str__(self) -> str:
        return self.name
