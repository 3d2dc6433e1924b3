"""What the orders API and the CRM sync API read and answer, and how a body becomes the
data the services take: related records named by code (customer, project, site, material)
are looked up among those the caller may see, every problem is collected and answered at
once as problem+json naming the field (`lines.0.material`), and nothing is written.

Note: no `from __future__ import annotations` here: django-ninja reads the annotations.
"""

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ConfigDict

from eoms.accounts.models import User
from eoms.core.api import ApiError
from eoms.masterdata.models import Material, Project, Site
from eoms.orders import services
from eoms.orders.choices import OrderStatus, OrderType, Priority
from eoms.orders.filtering import placeable_customers
from eoms.orders.models import Order, OrderComment, OrderLine

MAX_LINES = 500
CodeField = Field(None, min_length=1, max_length=40)


class In(Schema):
    model_config = ConfigDict(extra="forbid")


class LineIn(In):
    material: str = Field(..., min_length=1, max_length=40, description="物料编码")
    quantity: Decimal = Field(..., gt=0, max_digits=14, decimal_places=3)
    unit: str | None = Field(None, min_length=1, max_length=20, description="留空则用物料的单位")
    needed_by: dt.date | None = Field(None, description="需用日期 YYYY-MM-DD")
    notes: str = Field("", max_length=300)


class OrderIn(In):
    title: str = Field(..., min_length=1, max_length=200)
    customer: str | None = Field(None, min_length=1, max_length=40,
                                 description="客户编码；留空则取项目的客户")
    project: str | None = Field(None, min_length=1, max_length=40,
                                description="项目编码；变更/延期订单留空则沿用原订单的")
    site: str | None = Field(None, min_length=1, max_length=40, description="工地编码")
    priority: Priority = Priority.P3
    requested_date: dt.date | None = None
    promised_date: dt.date | None = None
    budget_amount: Decimal = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)
    description: str = Field("", max_length=10000)
    lines: list[LineIn] = Field([], max_length=MAX_LINES)
    parent_code: str | None = Field(None, min_length=1, max_length=40,
                                    description="原订单编号：有则为变更或延期订单")
    parent_crm_id: str | None = Field(None, min_length=1, max_length=80,
                                      description="原订单的 CRM 编号")
    order_type: OrderType | None = Field(None, description="留空则由系统判断类型")
    submit: bool = Field(False, description="创建后立即提交（按分派规则分派）")


class OrderPatch(In):
    title: str | None = Field(None, min_length=1, max_length=200)
    customer: str | None = Field(None, min_length=1, max_length=40)
    project: str | None = Field(None, min_length=1, max_length=40)
    site: str | None = Field(None, min_length=1, max_length=40, description="null 清除工地")
    priority: Priority | None = None
    requested_date: dt.date | None = None
    promised_date: dt.date | None = None
    budget_amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    description: str | None = Field(None, max_length=10000)
    lines: list[LineIn] | None = Field(None, max_length=MAX_LINES, description="整体替换订单行")


class TransitionIn(In):
    to: OrderStatus
    reason: str = Field("", max_length=500)


class AssignIn(In):
    owner: str = Field(..., min_length=1, max_length=150, description="项目经理的用户名")
    reason: str = Field("", max_length=500)


class ExtensionIn(In):
    approve: bool
    reason: str = Field("", max_length=500)


class CommentIn(In):
    text: str = Field(..., min_length=1, max_length=4000)


class LineOut(Schema):
    line_no: int
    material: str
    material_name: str
    quantity: Decimal
    unit: str
    needed_by: dt.date | None
    notes: str

    @staticmethod
    def resolve_material(obj: OrderLine) -> str:
        return obj.material.code

    @staticmethod
    def resolve_material_name(obj: OrderLine) -> str:
        return obj.material.name


def _code(obj: Any, name: str) -> str | None:
    related = getattr(obj, name)
    return None if related is None else related.code


class OrderOut(Schema):
    id: int
    code: str
    title: str
    order_type: str
    type_reason: str
    parent: str | None
    customer: str
    project: str
    site: str | None
    priority: str
    source: str
    crm_id: str | None
    status: str
    requested_date: dt.date | None
    promised_date: dt.date | None
    proposed_date: dt.date | None
    extension_state: str
    budget_amount: Decimal
    description: str
    owner: str | None
    assignment_note: str
    overdue: bool
    submitted_at: dt.datetime | None
    delivered_on: dt.date | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_parent(obj: Order) -> str | None:
        return _code(obj, "parent")

    @staticmethod
    def resolve_customer(obj: Order) -> str:
        return obj.customer.code

    @staticmethod
    def resolve_project(obj: Order) -> str:
        return obj.project.code

    @staticmethod
    def resolve_site(obj: Order) -> str | None:
        return _code(obj, "site")

    @staticmethod
    def resolve_owner(obj: Order) -> str | None:
        return obj.owner.username if obj.owner else None

    @staticmethod
    def resolve_overdue(obj: Order) -> bool:
        return services.is_overdue(obj)


class OrderDetailOut(OrderOut):
    lines: list[LineOut]
    allowed_transitions: list[str] = Field(description="当前用户可以把订单改到的状态")

    @staticmethod
    def resolve_lines(obj: Order) -> list[OrderLine]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_allowed_transitions(obj: Order, context: Any) -> list[str]:
        return services.allowed_transitions(obj, context["request"].user)


class CommentOut(Schema):
    id: int
    text: str
    author: str | None
    created_at: dt.datetime

    @staticmethod
    def resolve_author(obj: OrderComment) -> str | None:
        return obj.created_by.username if obj.created_by else None


RELATED = ("customer", "project", "site", "owner", "parent")


def detail_queryset(user: Any) -> Any:
    return (Order.objects.for_user(user).select_related(*RELATED)
            .prefetch_related("lines__material"))


# --- from a body to service data ---------------------------------------------------------

def invalid(errors: list[dict[str, str]]) -> ApiError:
    return ApiError(422, _("输入有误"), _("请求中有字段未通过校验。"), errors=errors)


class Resolver:
    """Looks up what a body names, among the records the user may see; collects errors."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.errors: list[dict[str, str]] = []

    def error(self, field: str, message: str) -> None:
        self.errors.append({"field": field, "message": str(message)})

    def _one(self, field: str, qs: Any, value: str, what: Any, key: str = "code") -> Any:
        found = qs.filter(**{key: value}).first()
        if found is None:
            self.error(field, _("找不到%(what)s “%(v)s”，或您无权使用。")
                       % {"what": what, "v": value})
        return found

    def customers(self) -> Any:
        return placeable_customers(self.user)

    def header(self, values: dict[str, Any]) -> dict[str, Any]:
        data = {k: v for k, v in values.items()
                if k not in ("customer", "customer_crm_id", "project", "site", "lines",
                             "order_type", "submit", "parent_code", "parent_crm_id")}
        if values.get("project") is not None:
            data["project"] = self._one("project", Project.objects.for_user(self.user),
                                        values["project"], _("项目"))
        if values.get("customer") is not None:
            data["customer"] = self._one("customer", self.customers(), values["customer"],
                                         _("客户"))
        elif values.get("customer_crm_id") is not None:
            data["customer"] = self._one("customer_crm_id", self.customers(),
                                         values["customer_crm_id"], _("客户"), key="crm_id")
        elif data.get("project") is not None:
            data["customer"] = data["project"].customer
        if "site" in values:
            site = values["site"]
            data["site"] = None if site is None else self._one(
                "site", Site.objects.for_user(self.user), site, _("工地"))
        for name in ("title", "priority", "budget_amount", "description", "customer",
                     "project"):
            if values.get(name, "") is None:
                self.error(name, _("不能为空。"))
        self._coherent(data)
        return data

    def _coherent(self, data: dict[str, Any]) -> None:
        project, site, customer = data.get("project"), data.get("site"), data.get("customer")
        if project is not None and site is not None and site.project_id != project.pk:
            self.error("site", _("工地 %(s)s 不属于项目 %(p)s。") % {"s": site.code,
                                                                  "p": project.code})
        if project is not None and customer is not None and project.customer_id != customer.pk:
            self.error("project", _("项目 %(p)s 不属于客户 %(c)s。") % {"p": project.code,
                                                                    "c": customer.code})

    def parent(self, values: dict[str, Any]) -> dict[str, Any]:
        visible = Order.objects.for_user(self.user)
        for name, key in (("parent_code", "code__iexact"), ("parent_crm_id", "crm_id")):
            value = values.get(name)
            if value:
                found = self._one(name, visible, value, _("原订单"), key=key)
                return {name: value} if found is not None else {}
        return {}

    def lines(self, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
        codes = {line["material"] for line in lines}
        materials = {m.code: m for m in Material.objects.for_user(self.user)
                     .filter(code__in=codes)}
        resolved = []
        for index, line in enumerate(lines):
            material = materials.get(line["material"])
            if material is None:
                self.error(f"lines.{index}.material",
                           _("找不到物料 “%(v)s”，或您无权使用。") % {"v": line["material"]})
            elif not material.active:
                self.error(f"lines.{index}.material",
                           _("物料 %(v)s 已停用。") % {"v": material.code})
            resolved.append({**line, "material": material})
        return resolved

    def done(self) -> None:
        if self.errors:
            raise invalid(self.errors)


def order_data(user: Any, values: dict[str, Any], *,
               creating: bool) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    """Header data (with parent references) and lines for the services; raises 422."""
    resolver = Resolver(user)
    data = resolver.header(values)
    if creating:
        data.update(resolver.parent(values))
        if "project" not in data and not (values.get("parent_code")
                                          or values.get("parent_crm_id")):
            resolver.error("project", _("此项为必填项。"))
    lines = resolver.lines(values["lines"]) if values.get("lines") is not None else None
    resolver.done()
    return data, lines


def find_user(username: str) -> Any:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise invalid([{"field": "owner",
                        "message": _("找不到在职用户 “%(u)s”。") % {"u": username}}])
    return user


_LINE_KEY = re.compile(r"^lines\.(\d+)\.")


def field_name(key: str) -> str:
    """A service's error key as the API names fields: lines are counted from 0 there."""
    if key == "__all__":
        return "body"
    return _LINE_KEY.sub(lambda m: f"lines.{int(m.group(1)) - 1}.", key)


def service_error(exc: ValidationError) -> ApiError:
    """A service's refusal: field errors 422, a stale version 412, a state conflict 409."""
    if hasattr(exc, "error_dict"):
        return invalid([{"field": field_name(f), "message": m}
                        for f, messages in exc.message_dict.items() for m in messages])
    if getattr(exc, "code", None) == "stale":
        return ApiError(412, _("数据已被修改"), " ".join(exc.messages))
    return ApiError(409, _("当前状态不允许此操作"), " ".join(exc.messages))
