"""Master data in and out of Excel: one importer per model, writing through services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from eoms.accounts.models import User
from eoms.core.access import ADMIN, MANAGER, PROJECT_MANAGER, VIEW, roles_of
from eoms.core.import_spec import (
    Bool,
    Choice,
    Column,
    Date,
    Integer,
    Number,
    Ref,
    Text,
    in_chunks,
)
from eoms.core.imports import Importer
from eoms.core.models import IssuedCode
from eoms.masterdata import services
from eoms.masterdata.models import (
    CostCategory,
    CostCode,
    Customer,
    Material,
    MaterialCategory,
    Project,
    ProjectStatus,
    Site,
    Supplier,
    SupplierKind,
)


def _code(required: bool = False) -> Column:
    help_text = (_("已有编码：更新该记录；新编码：新建记录") if required
                 else _("留空：新建并自动生成编码；已有编码：更新该记录"))
    return Column("code", _("编码"), Text(40, halfwidth=True), required=required,
                  aliases=("编号",), help=help_text)


def _name(header: Any, example: str) -> Column:
    return Column("name", header, Text(200), required=True, aliases=("名称",), example=example)


ACTIVE = Column("active", _("启用"), Bool(), aliases=("是否启用",), help=_("新建时留空为“是”"),
                example=_("是"))
NOTES = Column("notes", _("备注"), Text())
PHONE = Column("phone", _("电话"), Text(40, halfwidth=True), example="021-12345678")
EMAIL = Column("email", _("邮箱"), Text(254, halfwidth=True), example="contact@example.com")
CONTACT = Column("contact_name", _("联系人"), Text(60), example="张伟")
ADDRESS = Column("address", _("地址"), Text(300), example="上海市浦东新区张江路 100 号")


class MasterImporter(Importer):
    """Named master records: update by code, otherwise create with a generated code."""

    key_field = "code"
    duplicate_fields: tuple[str, ...] = ("name",)
    duplicate_lookup = "name_key"
    notes: tuple[Any, ...] = (
        _("编码：留空则新建记录；填写已有的编码则更新该记录（编码本身不会改变）。"),
        _("更新时，文件里有的列都会写入该记录，空白单元格会清空该项（“启用”等有默认值的列保持不变）；"
          "只想改部分字段时，可以删掉其他选填列。"),
        _("名称与已有记录相同（忽略空格、全半角和“有限公司”等后缀）时视为重复，不会导入。"),
    )

    def create(self, data: dict[str, Any]) -> models.Model:
        return services.create_record(self.model, actor=self.actor, data=data,  # type: ignore[arg-type]
                                      allow_duplicate=True)

    def update(self, obj: Any, data: dict[str, Any]) -> models.Model:
        return services.update_record(obj, actor=self.actor, data=data, expected_version=None,
                                      allow_duplicate=True)

    def reserved_keys(self, keys: set[str]) -> set[str]:
        if self.model not in services.CODE_KINDS:
            return set()
        used: set[str] = set()
        for chunk in in_chunks(sorted(keys)):
            used.update(IssuedCode.objects.filter(code__in=chunk).values_list("code", flat=True))
        return used


class _TreeImporter(MasterImporter):
    """Categories and cost codes: a parent given by code, possibly created in the same file."""

    def check_row(self, data: dict[str, Any], obj: Any) -> list[tuple[str, str]]:
        parent = data.get("parent")
        if obj is not None and isinstance(parent, self.model) and _is_below(parent, obj):
            return [("parent", str(_("上级不能是自己或自己的下级。")))]
        return []


def _is_below(node: Any, ancestor: Any) -> bool:
    seen = set()
    while node is not None and node.pk not in seen:
        if node.pk == ancestor.pk:
            return True
        seen.add(node.pk)
        node = node.parent
    return False


class CustomerImporter(MasterImporter):
    model = Customer
    columns = (
        _code(), _name(_("客户名称"), "上海示例建设有限公司"),
        Column("short_name", _("简称"), Text(60), example="示例建设"),
        CONTACT, PHONE, EMAIL, ADDRESS,
        Column("crm_id", _("CRM 编号"), Text(80, halfwidth=True), help=_("不能与其他客户重复")),
        ACTIVE, NOTES,
    )


class SupplierImporter(MasterImporter):
    model = Supplier
    columns = (
        _code(), _name(_("供应商名称"), "江苏示例钢材有限公司"),
        Column("kind", _("类型"), Choice(SupplierKind), help=_("新建时留空为“材料供应商”"),
               example=SupplierKind.SUPPLIER.label),
        CONTACT, PHONE, EMAIL, ADDRESS,
        Column("credit_code", _("统一社会信用代码"), Text(18, halfwidth=True),
               example="91320000MA1XXXXX0X"),
        Column("qualification", _("资质"), Text(200), example="钢结构工程专业承包二级"),
        Column("categories", _("准入物料分类"), Ref(MaterialCategory, many=True), example="GJ"),
        ACTIVE, NOTES,
    )


class MaterialCategoryImporter(_TreeImporter):
    model = MaterialCategory
    columns = (
        Column("code", _("分类编码"), Text(40, halfwidth=True), required=True,
               aliases=("编码",), example="GJ",
               help=_("已有编码：更新该分类；新编码：新建分类。它出现在物料编码里")),
        _name(_("分类名称"), "钢筋"),
        Column("parent", _("上级分类编码"), Ref(MaterialCategory, in_file=True),
               aliases=("上级分类",)),
        ACTIVE, NOTES,
    )


class MaterialImporter(MasterImporter):
    model = Material
    duplicate_fields = ("name", "specification")
    columns = (
        _code(), _name(_("物料名称"), "HRB400 螺纹钢"),
        Column("specification", _("规格型号"), Text(200), example="Φ16"),
        Column("unit", _("单位"), Text(20), required=True, example="吨"),
        Column("category", _("分类编码"), Ref(MaterialCategory), required=True,
               aliases=("分类", "物料分类"), example="GJ"),
        Column("standard_price", _("标准单价（元）"),
               Number(decimal_places=2, max_digits=14, min_value=Decimal("0")),
               aliases=("标准单价", "单价", "price"), example=Decimal("4200.00")),
        ACTIVE, NOTES,
    )
    notes = (*MasterImporter.notes,
             _("物料名称和规格型号都相同时才视为重复；"
               "新物料的编码按分类自动生成（如 MAT-GJ-0001）。"))


def _users(actor: Any) -> models.QuerySet:
    return User.objects.for_user(actor, VIEW).filter(is_active=True)


class ProjectImporter(MasterImporter):
    model = Project
    columns = (
        _code(), _name(_("项目名称"), "浦东厂房扩建"),
        Column("customer", _("客户编码"), Ref(Customer, limit_allowed=0), required=True,
               aliases=("客户",), example="CUS-00001"),
        Column("manager", _("项目经理用户名"),
               Ref(User, to_field="username", queryset=_users, limit_allowed=0),
               aliases=("项目经理",), help=_("填写项目经理的登录用户名"), example="zhangwei"),
        Column("city", _("城市"), Text(60), example="上海"),
        ADDRESS,
        Column("status", _("状态"), Choice(ProjectStatus), help=_("新建时留空为“在建”"),
               example=ProjectStatus.ACTIVE.label),
        Column("start_date", _("开工日期"), Date(), example=dt.date(2026, 3, 1)),
        Column("end_date", _("计划竣工日期"), Date(), aliases=("竣工日期",),
               example=dt.date(2026, 12, 31)),
        ACTIVE, NOTES,
    )

    def check_row(self, data: dict[str, Any], obj: Any) -> list[tuple[str, str]]:
        problems = []
        start = data["start_date"] if "start_date" in data else getattr(obj, "start_date", None)
        end = data["end_date"] if "end_date" in data else getattr(obj, "end_date", None)
        if start and end and end < start:
            problems.append(("end_date", str(_("计划竣工日期不能早于开工日期。"))))
        manager = data.get("manager")
        if manager is not None and not manager.has_role(PROJECT_MANAGER):
            problems.append(("manager", str(_("%(u)s 不是项目经理。") % {"u": manager})))
        if obj is not None and not roles_of(self.actor) & {MANAGER, ADMIN}:
            for name in ("customer", "manager"):
                if name in data and getattr(data[name], "pk", None) != getattr(obj, f"{name}_id"):
                    problems.append((name, str(_("只有管理层可以更换项目的客户或项目经理。"))))
        return problems


class SiteImporter(MasterImporter):
    model = Site
    duplicate_fields = ("name", "project")
    columns = (
        _code(), _name(_("工地名称"), "浦东一号工地"),
        Column("project", _("项目编码"), Ref(Project, limit_allowed=0), required=True,
               aliases=("项目",), example="PRJ-2026-001"),
        ADDRESS,
        Column("latitude", _("纬度"),
               Number(decimal_places=6, max_digits=9, min_value=-90, max_value=90),
               example=Decimal("31.230400")),
        Column("longitude", _("经度"),
               Number(decimal_places=6, max_digits=9, min_value=-180, max_value=180),
               example=Decimal("121.473700")),
        Column("geofence_radius_m", _("电子围栏半径（米）"),
               Integer(min_value=10, max_value=50_000), aliases=("围栏半径",),
               help=_("新建时留空为 300"), example=300),
        ACTIVE, NOTES,
    )
    notes = (*MasterImporter.notes[:2], _("同一项目下工地名称相同时视为重复。"))


class CostCodeImporter(_TreeImporter):
    model = CostCode
    columns = (
        Column("code", _("科目编码"), Text(40, halfwidth=True), required=True,
               aliases=("编码",), example="02-01",
               help=_("已有编码：更新该科目；新编码：新建科目")),
        _name(_("科目名称"), "主材"),
        Column("category", _("成本类别"), Choice(CostCategory), required=True,
               example=CostCategory.MATERIAL.label),
        Column("parent", _("上级科目编码"), Ref(CostCode, in_file=True), aliases=("上级科目",)),
        ACTIVE, NOTES,
    )


IMPORTERS: dict[str, type[MasterImporter]] = {
    "customer": CustomerImporter,
    "supplier": SupplierImporter,
    "materialcategory": MaterialCategoryImporter,
    "material": MaterialImporter,
    "project": ProjectImporter,
    "site": SiteImporter,
    "costcode": CostCodeImporter,
}
