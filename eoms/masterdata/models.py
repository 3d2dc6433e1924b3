"""Master data: customers, suppliers, materials, projects and sites, cost codes."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from eoms.core.access import ScopedQuerySet
from eoms.core.models import Audited, BusinessModel
from eoms.lib.text import normalize_name


class NamedMaster(BusinessModel):
    """A master record with a unique code and a name compared for duplicates."""

    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    name_key = models.CharField(max_length=200, db_index=True, editable=False)
    active = models.BooleanField(_("启用"), default=True)
    notes = models.TextField(_("备注"), blank=True)

    audit_exclude = BusinessModel.audit_exclude + ("name_key",)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.name_key = normalize_name(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)


class Customer(NamedMaster):
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=60, blank=True)
    phone = models.CharField(_("电话"), max_length=40, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    crm_id = models.CharField(_("CRM 编号"), max_length=80, unique=True, null=True, blank=True)
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, through="CustomerUser",
                                   related_name="customers", blank=True,
                                   verbose_name=_("门户用户"))

    class Meta(NamedMaster.Meta):
        verbose_name = _("客户")
        verbose_name_plural = _("客户")


class CustomerUser(Audited):
    """A customer's portal user: sees that customer's orders and projects only."""

    customer = models.ForeignKey(Customer, verbose_name=_("客户"), on_delete=models.CASCADE,
                                 related_name="memberships")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("用户"),
                                on_delete=models.CASCADE,
                                related_name="customer_membership")

    objects = ScopedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.customer.code}: {self.user}"


class SupplierKind(models.TextChoices):
    SUPPLIER = "supplier", _("材料供应商")
    SUBCONTRACTOR = "subcontractor", _("分包商")
    BOTH = "both", _("供应商兼分包商")


class MaterialCategory(NamedMaster):
    """Category of materials; its code appears in material codes (MAT-{category}-0001)."""

    parent = models.ForeignKey("self", verbose_name=_("上级分类"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")

    class Meta(NamedMaster.Meta):
        verbose_name = _("物料分类")
        verbose_name_plural = _("物料分类")


class Supplier(NamedMaster):
    kind = models.CharField(_("类型"), max_length=20, choices=SupplierKind.choices,
                            default=SupplierKind.SUPPLIER)
    contact_name = models.CharField(_("联系人"), max_length=60, blank=True)
    phone = models.CharField(_("电话"), max_length=40, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    qualification = models.CharField(_("资质"), max_length=200, blank=True)
    categories = models.ManyToManyField(MaterialCategory, verbose_name=_("准入物料分类"),
                                        blank=True, related_name="suppliers")

    class Meta(NamedMaster.Meta):
        verbose_name = _("供应商/分包商")
        verbose_name_plural = _("供应商/分包商")


class Material(NamedMaster):
    specification = models.CharField(_("规格型号"), max_length=200, blank=True)
    unit = models.CharField(_("单位"), max_length=20)
    category = models.ForeignKey(MaterialCategory, verbose_name=_("分类"),
                                 on_delete=models.PROTECT, related_name="materials")
    standard_price = models.DecimalField(_("标准单价（元）"), max_digits=14, decimal_places=2,
                                         default=Decimal("0"),
                                         validators=[MinValueValidator(Decimal("0"))])

    class Meta(NamedMaster.Meta):
        verbose_name = _("物料")
        verbose_name_plural = _("物料")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("筹备")
    ACTIVE = "active", _("在建")
    SUSPENDED = "suspended", _("停工")
    CLOSED = "closed", _("竣工")


class Project(NamedMaster):
    customer = models.ForeignKey(Customer, verbose_name=_("客户"), on_delete=models.PROTECT,
                                 related_name="projects")
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("项目经理"),
                                null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="managed_projects")
    city = models.CharField(_("城市"), max_length=60, blank=True)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=ProjectStatus.choices,
                              default=ProjectStatus.ACTIVE)
    start_date = models.DateField(_("开工日期"), null=True, blank=True)
    end_date = models.DateField(_("计划竣工日期"), null=True, blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="ProjectMember",
                                     related_name="member_projects", blank=True,
                                     verbose_name=_("项目成员"))

    class Meta(NamedMaster.Meta):
        verbose_name = _("项目")
        verbose_name_plural = _("项目")


class ProjectMember(Audited):
    """A user's scope: the projects (and so sites) he works in."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE,
                                related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"),
                             on_delete=models.CASCADE,
                             related_name="project_memberships")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="project_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.user}"


class Site(NamedMaster):
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="sites")
    address = models.CharField(_("地址"), max_length=300, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True,
                                   blank=True, validators=[MinValueValidator(-90),
                                                           MaxValueValidator(90)])
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True,
                                    blank=True, validators=[MinValueValidator(-180),
                                                            MaxValueValidator(180)])
    geofence_radius_m = models.PositiveIntegerField(
        _("电子围栏半径（米）"), default=300,
        validators=[MinValueValidator(10), MaxValueValidator(50_000)])

    class Meta(NamedMaster.Meta):
        verbose_name = _("工地")
        verbose_name_plural = _("工地")


class CostCategory(models.TextChoices):
    LABOUR = "labour", _("人工")
    MATERIAL = "material", _("材料")
    EQUIPMENT = "equipment", _("机械租赁")
    SUBCONTRACT = "subcontract", _("分包")
    OTHER = "other", _("其他")


class CostCode(NamedMaster):
    category = models.CharField(_("成本类别"), max_length=20, choices=CostCategory.choices)
    parent = models.ForeignKey("self", verbose_name=_("上级科目"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")

    class Meta(NamedMaster.Meta):
        verbose_name = _("成本科目")
        verbose_name_plural = _("成本科目")
