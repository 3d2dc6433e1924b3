"""Master-data pages: list, detail, create, edit, delete, export — one set for every kind.

Each kind (customer, supplier …) is declared once in `KINDS`: its list (columns, search,
filters, sorts), its form, the fields its detail page shows and the related records it
lists. The views below are the same for all kinds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from eoms.audit.history import history_for
from eoms.core.access import ADD, CHANGE, DELETE, EXPORT, VIEW, can
from eoms.core.listing import Listing, display_value, label_of, resolve_field
from eoms.masterdata import forms, services
from eoms.masterdata.models import (
    CostCode,
    Customer,
    Material,
    MaterialCategory,
    Project,
    ProjectMember,
    Site,
    Supplier,
)

RELATED_LIMIT = 50


@dataclass(frozen=True)
class Section:
    """Records related to the one on a detail page (a customer's projects …)."""

    title: Any
    model: type[models.Model]
    lookup: str  # field of `model` pointing at the shown object
    columns: tuple[str, ...]
    add_label: Any = ""  # "添加工地": a create link with the object preset


@dataclass(frozen=True)
class Kind:
    name: str
    model: type[models.Model]
    form: type[forms.MasterForm]
    listing: Listing
    detail_fields: tuple[str, ...]
    sections: tuple[Section, ...] = ()
    more_context: Callable[[HttpRequest, Any], dict[str, Any]] | None = field(default=None)


def _listing(model: type[models.Model], columns: tuple[str, ...], **kwargs: Any) -> Listing:
    name = model._meta.model_name
    kwargs.setdefault("sorts", ("code", "name"))
    return Listing(model, columns=columns, detail_url_name=f"masterdata:{name}_detail",
                   export_url_name=f"masterdata:{name}_export", **kwargs)


def _project_extra(request: HttpRequest, project: Project) -> dict[str, Any]:
    if not can(request.user, VIEW, ProjectMember):  # a customer's user sees no staff list
        return {}
    members = (ProjectMember.objects.for_user(request.user).filter(project=project)
               .select_related("user").order_by("user__username"))
    probe = ProjectMember(project=project)
    can_manage = services.may(request.user, ADD, probe)
    return {"show_members": True, "members": members, "can_manage_members": can_manage,
            "member_form": forms.MemberForm(project=project) if can_manage else None}


COMMON = ("active", "notes", "created_at", "updated_at", "version")

KINDS: dict[str, Kind] = {k.name: k for k in [
    Kind("customer", Customer, forms.CustomerForm,
         _listing(Customer, ("code", "name", "short_name", "contact_name", "phone", "active"),
                  search=("code", "name", "short_name", "contact_name", "phone", "crm_id"),
                  filters=("active",),
                  export_columns=("code", "name", "short_name", "contact_name", "phone",
                                  "email", "address", "crm_id", "active", "notes")),
         ("code", "name", "short_name", "contact_name", "phone", "email", "address",
          "crm_id", *COMMON),
         sections=(Section(gettext_lazy("项目"), Project, "customer",
                           ("code", "name", "status", "manager", "city"),
                           gettext_lazy("新建项目")),)),
    Kind("supplier", Supplier, forms.SupplierForm,
         _listing(Supplier, ("code", "name", "kind", "contact_name", "phone", "categories",
                             "active"),
                  search=("code", "name", "contact_name", "phone", "credit_code"),
                  filters=("kind", "categories", "active"),
                  export_columns=("code", "name", "kind", "contact_name", "phone", "email",
                                  "address", "credit_code", "qualification", "categories",
                                  "active", "notes")),
         ("code", "name", "kind", "contact_name", "phone", "email", "address", "credit_code",
          "qualification", "categories", *COMMON)),
    Kind("materialcategory", MaterialCategory, forms.MaterialCategoryForm,
         _listing(MaterialCategory, ("code", "name", "parent", "active"),
                  filters=("active",)),
         ("code", "name", "parent", *COMMON),
         sections=(Section(gettext_lazy("物料"), Material, "category",
                           ("code", "name", "specification", "unit", "standard_price"),
                           gettext_lazy("新建物料")),
                   Section(gettext_lazy("准入供应商"), Supplier, "categories",
                           ("code", "name", "kind", "phone")))),
    Kind("material", Material, forms.MaterialForm,
         _listing(Material, ("code", "name", "specification", "unit", "category",
                             "standard_price", "active"),
                  search=("code", "name", "specification"),
                  filters=("category", "active"),
                  sorts=("code", "name", "standard_price"),
                  export_columns=("code", "name", "specification", "unit", "category",
                                  "standard_price", "active", "notes")),
         ("code", "name", "category", "specification", "unit", "standard_price", *COMMON)),
    Kind("project", Project, forms.ProjectForm,
         _listing(Project, ("code", "name", "customer", "manager", "status", "city",
                            "start_date", "end_date"),
                  search=("code", "name", "city", "customer__name"),
                  filters=("status", "customer", "active"),
                  sorts=("code", "name", "status", "start_date", "end_date"),
                  export_columns=("code", "name", "customer", "manager", "status", "city",
                                  "address", "start_date", "end_date", "active", "notes")),
         ("code", "name", "customer", "manager", "status", "city", "address", "start_date",
          "end_date", *COMMON),
         sections=(Section(gettext_lazy("工地"), Site, "project",
                           ("code", "name", "address", "geofence_radius_m", "active"),
                           gettext_lazy("添加工地")),),
         more_context=_project_extra),
    Kind("site", Site, forms.SiteForm,
         _listing(Site, ("code", "name", "project", "project__customer", "address",
                         "geofence_radius_m", "active"),
                  search=("code", "name", "address", "project__name"),
                  filters=("project", "active"),
                  export_columns=("code", "name", "project", "project__customer", "address",
                                  "latitude", "longitude", "geofence_radius_m", "active",
                                  "notes")),
         ("code", "name", "project", "project__customer", "address", "latitude", "longitude",
          "geofence_radius_m", *COMMON)),
    Kind("costcode", CostCode, forms.CostCodeForm,
         _listing(CostCode, ("code", "name", "category", "parent", "active"),
                  filters=("category", "active")),
         ("code", "name", "category", "parent", *COMMON),
         sections=(Section(gettext_lazy("下级科目"), CostCode, "parent",
                           ("code", "name", "category", "active")),)),
]}


def _kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise Http404(name)


def _url(kind: Kind, action: str, *args: Any) -> str:
    return reverse(f"masterdata:{kind.name}_{action}", args=args)


def _import_url(kind: Kind) -> str:
    try:
        return reverse(f"masterdata:{kind.name}_import")
    except NoReverseMatch:
        return ""


def _get(request: HttpRequest, kind: Kind, pk: int, action: str = VIEW) -> Any:
    """The object if the user sees it (else 404) and may perform `action` (else 403)."""
    obj = get_object_or_404(kind.model.objects.for_user(request.user), pk=pk)  # type: ignore[attr-defined]
    if action != VIEW and not services.may(request.user, action, obj):
        raise PermissionDenied(action)
    return obj


def _page(kind: Kind, **extra: Any) -> dict[str, Any]:
    meta = kind.model._meta
    return {"kind": kind.name, "verbose_name": meta.verbose_name,
            "verbose_name_plural": meta.verbose_name_plural,
            "list_url": _url(kind, "list"), **extra}


@login_required
def list_view(request: HttpRequest, kind: str) -> HttpResponse:
    k = _kind(kind)
    user = request.user
    if not can(user, VIEW, k.model):
        raise PermissionDenied(VIEW)
    can_add = can(user, ADD, k.model)
    context = _page(k, **k.listing.context(request), can_add=can_add,
                    can_export=can(user, EXPORT, k.model),
                    create_url=_url(k, "create") if can_add else "",
                    import_url=_import_url(k) if can_add else "")
    return render(request, "masterdata/list.html", context)


@login_required
def export_view(request: HttpRequest, kind: str) -> HttpResponse:
    return _kind(kind).listing.export(request)


def _fields(user: Any, obj: Any, paths: tuple[str, ...]) -> list[dict[str, Any]]:
    """Label, shown value and, for a record of another kind the user sees, its link."""
    rows = []
    for path in paths:
        value = display_value(obj, path)
        related = resolve_field(type(obj), path)
        url = ""
        target: Any = getattr(related, "related_model", None)
        if (target is not None and related.many_to_one  # type: ignore[union-attr]
                and target._meta.model_name in KINDS and can(user, VIEW, target)):
            linked = obj
            for part in path.split("__"):
                linked = getattr(linked, part, None)
            if linked is not None:
                url = reverse(f"masterdata:{target._meta.model_name}_detail", args=[linked.pk])
        rows.append({"label": label_of(type(obj), path), "value": value, "url": url})
    return rows


def _section(request: HttpRequest, section: Section, obj: Any) -> dict[str, Any]:
    model = section.model
    name = str(model._meta.model_name)
    listing = KINDS[name].listing
    qs = (listing.base_queryset(request.user, VIEW, section.columns)
          .filter(**{section.lookup: obj}).order_by("code", "pk"))
    rows = list(qs[:RELATED_LIMIT + 1])
    more_url = ""
    if len(rows) > RELATED_LIMIT:
        rows = rows[:RELATED_LIMIT]
        filter_name = section.lookup if section.lookup in listing.filters else ""
        more_url = _url(KINDS[name], "list") + (f"?{filter_name}={obj.pk}" if filter_name
                                                else "")
    add_url = ""
    if section.add_label and can(request.user, ADD, model):
        add_url = _url(KINDS[name], "create") + f"?{section.lookup}={obj.pk}"
    return {
        "title": section.title,
        "columns": [label_of(model, c) for c in section.columns],
        "rows": [{"url": _url(KINDS[name], "detail", r.pk),
                  "cells": [display_value(r, c) for c in section.columns]} for r in rows],
        "more_url": more_url, "add_url": add_url, "add_label": section.add_label,
    }


@login_required
def detail_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    k = _kind(kind)
    user = request.user
    qs = k.listing.base_queryset(user, VIEW, k.detail_fields)
    obj = get_object_or_404(qs, pk=pk)
    context = _page(
        k, object=obj, fields=_fields(user, obj, k.detail_fields),
        sections=[_section(request, s, obj) for s in k.sections if can(user, VIEW, s.model)],
        history=history_for(obj),
        can_change=services.may(user, CHANGE, obj),
        can_delete=services.may(user, DELETE, obj),
        edit_url=_url(k, "edit", obj.pk), delete_url=_url(k, "delete", obj.pk),
    )
    if k.more_context is not None:
        context.update(k.more_context(request, obj))
    return render(request, "masterdata/detail.html", context)


def _initial(request: HttpRequest, form_class: type[forms.MasterForm]) -> dict[str, Any]:
    """Preset fields from the query string (?project=3 from a project's "添加工地")."""
    names = form_class._meta.fields or ()
    return {k: v for k, v in request.GET.items() if k in names and k != "code"}


@login_required
def create_view(request: HttpRequest, kind: str) -> HttpResponse:
    k = _kind(kind)
    user = request.user
    if not can(user, ADD, k.model):
        raise PermissionDenied(ADD)
    data = request.POST if request.method == "POST" else None
    form = k.form(data, user=user, initial=_initial(request, k.form))
    if request.method == "POST" and form.is_valid():
        obj = form.submit(lambda allow_duplicate: services.create_record(
            k.model, actor=user, data=form.service_data(),  # type: ignore[arg-type]
            allow_duplicate=allow_duplicate))
        if obj is not None:
            messages.success(request, _("已创建 %(obj)s。") % {"obj": obj})
            return redirect(_url(k, "detail", obj.pk))
    return render(request, "masterdata/form.html", _page(
        k, form=form, object=None, cancel_url=_url(k, "list"),
        title=_("新建%(what)s") % {"what": k.model._meta.verbose_name}))


@login_required
def edit_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    k = _kind(kind)
    user = request.user
    obj = _get(request, k, pk, CHANGE)
    form = k.form(request.POST if request.method == "POST" else None, instance=obj, user=user)
    if request.method == "POST" and form.is_valid():
        saved = form.submit(lambda allow_duplicate: services.update_record(
            obj, actor=user, data=form.service_data(),
            expected_version=form.expected_version, allow_duplicate=allow_duplicate))
        if saved is not None:
            messages.success(request, _("已保存 %(obj)s。") % {"obj": saved})
            return redirect(_url(k, "detail", obj.pk))
    return render(request, "masterdata/form.html", _page(
        k, form=form, object=obj, cancel_url=_url(k, "detail", obj.pk),
        title=_("编辑%(what)s") % {"what": k.model._meta.verbose_name}))


@login_required
@require_POST
def delete_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    k = _kind(kind)
    obj = _get(request, k, pk, DELETE)
    label = str(obj)
    try:
        services.delete_record(obj, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_url(k, "detail", pk))
    messages.success(request, _("已删除 %(obj)s。") % {"obj": label})
    return redirect(_url(k, "list"))


@login_required
@require_POST
def member_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get(request, KINDS["project"], pk)
    form = forms.MemberForm(request.POST, project=project)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("masterdata:project_detail", pk)
    member = form.cleaned_data["user"]
    try:
        services.add_project_member(project, member, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已添加成员 %(u)s。") % {"u": member})
    return redirect("masterdata:project_detail", pk)


@login_required
@require_POST
def member_remove_view(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    project = _get(request, KINDS["project"], pk)
    member = get_object_or_404(
        ProjectMember.objects.for_user(request.user).select_related("user"),
        pk=member_pk, project=project)
    services.remove_project_member(member, actor=request.user)
    messages.success(request, _("已移除成员 %(u)s。") % {"u": member.user})
    return redirect("masterdata:project_detail", pk)
