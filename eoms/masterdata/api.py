"""Master-data REST API (/api/v1/masterdata/): the same endpoints for every kind.

For each of customers, suppliers, material-categories, materials, projects, sites and
cost-codes: list (`?q=`, `?ordering=`, filters, `?page=&page_size=`), retrieve (ETag),
create (201 + Location), update (PATCH with If-Match: missing → 428, stale → 412) and
delete. Related records are named by code (`"category": "GJ"`), a project's manager by
username. A name that looks like an existing record's answers 409 with the matches,
unless the body says `"allow_duplicate": true`. Customers can also be upserted by the
CRM's id: `PUT /customers/by-crm-id/{crm_id}`.

Note: no `from __future__ import annotations` here: django-ninja reads the annotations
of the endpoint functions that `_register()` defines for each kind.
"""

import datetime as dt
from collections.abc import Callable
from copy import copy
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import and_, or_
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict, create_model

from eoms.accounts.models import User
from eoms.core.access import ADD, CHANGE, DELETE, VIEW, can
from eoms.core.api import ApiError, LinkPagination, etag_of, ordered, require_if_match
from eoms.lib.text import to_halfwidth
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

router = Router(tags=["masterdata"])

Code = Field(None, max_length=40, description="留空则自动生成")
Name = Field(..., min_length=1, max_length=200)
Notes = Field("", max_length=10000)


class In(Schema):
    model_config = ConfigDict(extra="forbid")
    allow_duplicate: bool = Field(False, description="名称疑似重复时仍然保存")


class Out(Schema):
    id: int
    code: str
    name: str
    active: bool
    notes: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


def _code_of(obj: Any, name: str) -> str | None:
    related = getattr(obj, name)
    return None if related is None else related.code


# --- schemas ----------------------------------------------------------------------------

class CustomerUpsertIn(In):
    code: str | None = Code
    name: str = Name
    short_name: str = Field("", max_length=60)
    contact_name: str = Field("", max_length=60)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=300)
    active: bool = True
    notes: str = Notes


class CustomerIn(CustomerUpsertIn):
    crm_id: str | None = Field(None, min_length=1, max_length=80)


class CustomerOut(Out):
    short_name: str
    contact_name: str
    phone: str
    email: str
    address: str
    crm_id: str | None


class SupplierIn(In):
    code: str | None = Code
    name: str = Name
    kind: SupplierKind = SupplierKind.SUPPLIER
    contact_name: str = Field("", max_length=60)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=300)
    credit_code: str = Field("", max_length=18)
    qualification: str = Field("", max_length=200)
    categories: list[str] = Field([], max_length=200, description="准入物料分类的编码")
    active: bool = True
    notes: str = Notes


class SupplierOut(Out):
    kind: str
    contact_name: str
    phone: str
    email: str
    address: str
    credit_code: str
    qualification: str
    categories: list[str]

    @staticmethod
    def resolve_categories(obj: Supplier) -> list[str]:
        return [c.code for c in obj.categories.all()]


class MaterialCategoryIn(In):
    code: str = Field(..., min_length=1, max_length=40)
    name: str = Name
    parent: str | None = Field(None, max_length=40, description="上级分类编码")
    active: bool = True
    notes: str = Notes


class MaterialCategoryOut(Out):
    parent: str | None

    @staticmethod
    def resolve_parent(obj: MaterialCategory) -> str | None:
        return _code_of(obj, "parent")


class MaterialIn(In):
    code: str | None = Code
    name: str = Name
    category: str = Field(..., min_length=1, max_length=40, description="物料分类编码")
    specification: str = Field("", max_length=200)
    unit: str = Field(..., min_length=1, max_length=20)
    standard_price: Decimal = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)
    active: bool = True
    notes: str = Notes


class MaterialOut(Out):
    category: str
    specification: str
    unit: str
    standard_price: Decimal

    @staticmethod
    def resolve_category(obj: Material) -> str:
        return obj.category.code


class ProjectIn(In):
    code: str | None = Code
    name: str = Name
    customer: str = Field(..., min_length=1, max_length=40, description="客户编码")
    manager: str | None = Field(None, max_length=150, description="项目经理的用户名")
    status: ProjectStatus = ProjectStatus.ACTIVE
    city: str = Field("", max_length=60)
    address: str = Field("", max_length=300)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    active: bool = True
    notes: str = Notes


class ProjectOut(Out):
    customer: str
    manager: str | None
    status: str
    city: str
    address: str
    start_date: dt.date | None
    end_date: dt.date | None

    @staticmethod
    def resolve_customer(obj: Project) -> str:
        return obj.customer.code

    @staticmethod
    def resolve_manager(obj: Project) -> str | None:
        return obj.manager.username if obj.manager else None


class SiteIn(In):
    code: str | None = Code
    name: str = Name
    project: str = Field(..., min_length=1, max_length=40, description="项目编码")
    address: str = Field("", max_length=300)
    latitude: Decimal | None = Field(None, ge=-90, le=90, decimal_places=6)
    longitude: Decimal | None = Field(None, ge=-180, le=180, decimal_places=6)
    geofence_radius_m: int = Field(300, ge=10, le=50000)
    active: bool = True
    notes: str = Notes


class SiteOut(Out):
    project: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    geofence_radius_m: int

    @staticmethod
    def resolve_project(obj: Site) -> str:
        return obj.project.code


class CostCodeIn(In):
    code: str = Field(..., min_length=1, max_length=40)
    name: str = Name
    category: CostCategory
    parent: str | None = Field(None, max_length=40, description="上级科目编码")
    active: bool = True
    notes: str = Notes


class CostCodeOut(Out):
    category: str
    parent: str | None

    @staticmethod
    def resolve_parent(obj: CostCode) -> str | None:
        return _code_of(obj, "parent")


def patch_schema(schema: type[Schema]) -> type[Schema]:
    """The same fields and limits, all optional: a PATCH sends only what changes."""
    fields: dict[str, Any] = {}
    for name, info in schema.model_fields.items():
        optional = copy(info)
        optional.default, optional.default_factory = None, None
        fields[name] = (info.annotation | None, optional)  # type: ignore[operator]
    fields["allow_duplicate"] = (bool, Field(False))
    name = schema.__name__.removesuffix("In") + "Patch"
    return create_model(name, __base__=In, **fields)  # type: ignore[call-overload]


class Filters(Schema):
    q: str | None = Field(None, max_length=100, description="按编码、名称等搜索")
    ordering: str | None = Field(None, max_length=40, description="如 code 或 -code")
    active: bool | None = None


class SupplierFilters(Filters):
    kind: SupplierKind | None = None
    category: str | None = Field(None, max_length=40, description="准入物料分类编码")


class MaterialFilters(Filters):
    category: str | None = Field(None, max_length=40, description="物料分类编码")


class ProjectFilters(Filters):
    customer: str | None = Field(None, max_length=40, description="客户编码")
    status: ProjectStatus | None = None


class SiteFilters(Filters):
    project: str | None = Field(None, max_length=40, description="项目编码")
    customer: str | None = Field(None, max_length=40, description="客户编码")


class CostCodeFilters(Filters):
    category: CostCategory | None = None


# --- what differs per kind ------------------------------------------------------------

@dataclass(frozen=True)
class Link:
    """A related record named by a key in the body: `"category": "GJ"`."""

    model: type[models.Model]
    key: str = "code"
    many: bool = False


@dataclass(frozen=True)
class Kind:
    path: str
    model: type[models.Model]
    schema_in: type[Schema]
    schema_out: type[Schema]
    filters: type[Filters] = Filters
    links: dict[str, Link] = field(default_factory=dict)
    search: tuple[str, ...] = ("code", "name")
    related: tuple[str, ...] = ()
    prefetch: tuple[str, ...] = ()
    # filter name -> ORM lookup; filters not named here compare the field itself
    lookups: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.model._meta.model_name  # type: ignore[return-value]


ORDERING = {"id", "code"}  # indexed; the list is ordered by code unless told otherwise

KINDS = [
    Kind("customers", Customer, CustomerIn, CustomerOut,
         search=("code", "name", "short_name", "crm_id")),
    Kind("suppliers", Supplier, SupplierIn, SupplierOut, SupplierFilters,
         links={"categories": Link(MaterialCategory, many=True)},
         prefetch=("categories",), lookups={"category": "categories__code"}),
    Kind("material-categories", MaterialCategory, MaterialCategoryIn, MaterialCategoryOut,
         links={"parent": Link(MaterialCategory)}, related=("parent",)),
    Kind("materials", Material, MaterialIn, MaterialOut, MaterialFilters,
         links={"category": Link(MaterialCategory)}, related=("category",),
         search=("code", "name", "specification"), lookups={"category": "category__code"}),
    Kind("projects", Project, ProjectIn, ProjectOut, ProjectFilters,
         links={"customer": Link(Customer), "manager": Link(User, key="username")},
         related=("customer", "manager"), lookups={"customer": "customer__code"}),
    Kind("sites", Site, SiteIn, SiteOut, SiteFilters, links={"project": Link(Project)},
         related=("project",), lookups={"project": "project__code",
                                        "customer": "project__customer__code"}),
    Kind("cost-codes", CostCode, CostCodeIn, CostCodeOut, CostCodeFilters,
         links={"parent": Link(CostCode)}, related=("parent",)),
]


# --- shared steps -------------------------------------------------------------------------

def _invalid(name: str, message: str) -> ApiError:
    return ApiError(422, _("输入有误"), _("请求中有字段未通过校验。"),
                    errors=[{"field": name, "message": message}])


def _find(kind: Kind, user: Any, pk: int) -> Any:
    qs = kind.model.objects.for_user(user)  # type: ignore[attr-defined]
    obj = qs.select_related(*kind.related).prefetch_related(*kind.prefetch).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def _resolve_one(user: Any, name: str, link: Link, value: Any) -> Any:
    if value is None:
        return None
    found = link.model.objects.for_user(user).filter(**{link.key: value}).first()  # type: ignore[attr-defined]
    if found is None:
        label = link.model._meta.verbose_name
        raise _invalid(name, _("找不到%(what)s “%(v)s”。") % {"what": label, "v": value})
    return found


def _data(kind: Kind, user: Any, payload: Schema, *, partial: bool) -> dict[str, Any]:
    """The payload as service data: related records looked up by code, nulls checked."""
    data = payload.model_dump(exclude_unset=partial, exclude={"allow_duplicate"})
    for name, value in list(data.items()):
        link = kind.links.get(name)
        if link is not None and link.many:
            data[name] = [_resolve_one(user, name, link, v) for v in dict.fromkeys(value or [])]
        elif link is not None:
            data[name] = _resolve_one(user, name, link, value)
        if name == "code":
            continue
        model_field = kind.model._meta.get_field(name)
        nullable = getattr(model_field, "null", True) or model_field.many_to_many
        if data[name] is None and not nullable:
            raise _invalid(name, _("不能为空。"))
    return data


def _duplicate(exc: services.DuplicateWarning) -> ApiError:
    matches = [{"id": m.pk, "code": m.code, "name": m.name} for m in exc.matches]
    return ApiError(409, _("可能重复"),
                    _("名称与已有记录相似；确认不是同一条记录时，请带上 \"allow_duplicate\": true "
                      "重新提交。"), matches=matches)


def _saved(kind: Kind, obj: Any, response: HttpResponse, *, created: bool = False) -> Any:
    response["ETag"] = etag_of(obj)
    if created:
        response["Location"] = reverse(f"api:masterdata_{kind.name}_detail", args=[obj.pk])
    qs = kind.model.objects.select_related(*kind.related).prefetch_related(*kind.prefetch)  # type: ignore[attr-defined]
    return qs.get(pk=obj.pk)  # fresh, with what the answer shows


def _call(save: Callable[[], Any]) -> Any:
    """Run a service call; its duplicate warning and stale version become 409 and 412."""
    try:
        return save()
    except services.DuplicateWarning as exc:
        raise _duplicate(exc)
    except services.StaleVersion as exc:
        raise ApiError(412, _("数据已被修改"), " ".join(exc.messages))


def _search(kind: Kind, qs: models.QuerySet, text: str) -> models.QuerySet:
    words = to_halfwidth(text).split()[:8]
    if not words:
        return qs
    return qs.filter(reduce(and_, (reduce(or_, (Q(**{f"{f}__icontains": w})
                                                for f in kind.search)) for w in words)))


def _filtered(kind: Kind, user: Any, filters: Filters) -> models.QuerySet:
    qs = (kind.model.objects.for_user(user)  # type: ignore[attr-defined]
          .select_related(*kind.related).prefetch_related(*kind.prefetch))
    qs = _search(kind, qs, filters.q or "")
    for name, value in filters.model_dump(exclude={"q", "ordering"}).items():
        if value is not None:
            qs = qs.filter(**{kind.lookups.get(name, name): value})
    if any("__" in lookup for lookup in kind.lookups.values()):
        qs = qs.distinct()
    return ordered(qs, filters.ordering, ORDERING, "code")


# --- endpoints ---------------------------------------------------------------------------

def _register(kind: Kind) -> None:
    schema_in, schema_out, filters_schema = kind.schema_in, kind.schema_out, kind.filters
    schema_patch = patch_schema(schema_in)
    name, label = kind.name, kind.model._meta.verbose_name

    @router.get(f"/{kind.path}", response=list[schema_out],  # type: ignore[valid-type]
                url_name=f"masterdata_{name}_list",
                operation_id=f"masterdata_{name}_list", summary=f"{label}列表")
    @paginate(LinkPagination)
    def list_records(request: HttpRequest, filters: Query[filters_schema]):  # type: ignore[valid-type]
        if not can(request.user, VIEW, kind.model):
            raise PermissionDenied()
        return _filtered(kind, request.user, filters)

    @router.get(f"/{kind.path}/{{int:pk}}", response=schema_out,
                url_name=f"masterdata_{name}_detail", operation_id=f"masterdata_{name}_get",
                summary=f"{label}详情")
    def get_record(request: HttpRequest, pk: int, response: HttpResponse) -> Any:
        obj = _find(kind, request.user, pk)
        response["ETag"] = etag_of(obj)
        return obj

    @router.post(f"/{kind.path}", response={201: schema_out},
                 operation_id=f"masterdata_{name}_create", summary=f"新建{label}")
    def create_record(request: HttpRequest, payload: schema_in, response: HttpResponse) -> Any:  # type: ignore[valid-type]
        if not can(request.user, ADD, kind.model):
            raise PermissionDenied()
        data = _data(kind, request.user, payload, partial=False)
        obj = _call(lambda: services.create_record(
            kind.model, actor=request.user, data=data,  # type: ignore[arg-type]
            allow_duplicate=payload.allow_duplicate))  # type: ignore[attr-defined]
        return Status(201, _saved(kind, obj, response, created=True))

    @router.patch(f"/{kind.path}/{{int:pk}}", response=schema_out,
                  operation_id=f"masterdata_{name}_update", summary=f"修改{label}")
    def update_record(request: HttpRequest, pk: int, payload: schema_patch,  # type: ignore[valid-type]
                      response: HttpResponse) -> Any:
        obj = _find(kind, request.user, pk)
        if not services.may(request.user, CHANGE, obj):
            raise PermissionDenied()
        version = require_if_match(request, obj)
        data = _data(kind, request.user, payload, partial=True)
        saved = _call(lambda: services.update_record(
            obj, actor=request.user, data=data, expected_version=version,
            allow_duplicate=bool(payload.allow_duplicate)))  # type: ignore[attr-defined]
        return _saved(kind, saved, response)

    @router.delete(f"/{kind.path}/{{int:pk}}", response={204: None},
                   operation_id=f"masterdata_{name}_delete", summary=f"删除{label}")
    def delete_record(request: HttpRequest, pk: int) -> Any:
        obj = _find(kind, request.user, pk)
        if not services.may(request.user, DELETE, obj):
            raise PermissionDenied()
        if request.headers.get("If-Match"):
            require_if_match(request, obj)
        try:
            services.delete_record(obj, actor=request.user)
        except ValidationError as exc:
            raise ApiError(409, _("不能删除"), " ".join(exc.messages))
        return Status(204, None)


for _kind in KINDS:
    _register(_kind)


@router.put("/customers/by-crm-id/{crm_id}", response={200: CustomerOut, 201: CustomerOut},
            operation_id="masterdata_customer_upsert_by_crm_id",
            summary="按 CRM 编号新建或更新客户（幂等）")
def upsert_customer(request: HttpRequest, crm_id: str, payload: CustomerUpsertIn,
                    response: HttpResponse) -> Any:
    kind, user = KINDS[0], request.user
    existing = Customer.objects.filter(crm_id=crm_id).first()
    if existing is not None:
        if not Customer.objects.for_user(user).filter(pk=existing.pk).exists():
            raise Http404
        if not services.may(user, CHANGE, existing):
            raise PermissionDenied()
        if request.headers.get("If-Match"):
            require_if_match(request, existing)
    elif not can(user, ADD, Customer):
        raise PermissionDenied()
    data = _data(kind, user, payload, partial=False)
    obj, created = _call(lambda: services.upsert_customer_by_crm_id(
        crm_id, actor=user, data=data, allow_duplicate=payload.allow_duplicate))
    return Status(201 if created else 200, _saved(kind, obj, response, created=created))
