"""Create and edit an order: the header form and the lines formset, saved by the services."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from eoms.core.access import ADD, CHANGE, can
from eoms.masterdata.models import Material
from eoms.orders import services
from eoms.orders.choices import OrderStatus
from eoms.orders.delta import same_lines
from eoms.orders.forms import (
    LINES_PREFIX,
    MATERIAL_OPTIONS_MAX,
    LineFormSet,
    OrderForm,
    materials_for,
)
from eoms.orders.models import Order

EDITABLE = (OrderStatus.DRAFT, OrderStatus.SUBMITTED)
LINE_KEY = re.compile(r"lines\.(\d+)\.(\w+)")
HEADER_COPY = ("title", "customer", "project", "site", "priority", "requested_date",
               "promised_date", "budget_amount", "description")


def _line_initial(order: Order) -> list[dict[str, Any]]:
    return [{"material": line.material, "quantity": line.quantity, "unit": line.unit,
             "needed_by": line.needed_by}
            for line in order.lines.select_related("material").order_by("line_no")]


def _materials(user: Any, order: Order | None = None) -> QuerySet:
    """Materials a line may name: those the user sees, and those already on the order (a
    customer's user does not see the catalogue, yet edits his draft's lines)."""
    visible = materials_for(user)
    if order is None:
        return visible
    return Material.objects.filter(Q(pk__in=visible.values("pk"))
                                   | Q(order_lines__order=order)).distinct().order_by("code")


def _formset(user: Any, data: Any, initial: list[dict[str, Any]] | None = None,
             order: Order | None = None) -> Any:
    return LineFormSet(data, prefix=LINES_PREFIX, initial=initial,
                       form_kwargs={"materials": _materials(user, order)})


def _visible_order(user: Any, code: str) -> Order | None:
    code = (code or "").strip()
    return Order.objects.for_user(user).filter(code__iexact=code).first() if code else None


def _show_errors(form: OrderForm, line_forms: list[Any], exc: ValidationError) -> None:
    """The service's errors on the fields they name; `lines.N.field` on the N-th line."""
    if hasattr(exc, "error_dict"):
        rest = {}
        for key, errors in exc.error_dict.items():
            match = LINE_KEY.fullmatch(key)
            number = int(match[1]) if match else 0
            if match and 0 < number <= len(line_forms):
                line_form = line_forms[number - 1]
                line_form.add_error(match[2] if match[2] in line_form.fields else None, errors)
            else:
                rest[key] = errors
        if not rest:
            return
        exc = ValidationError(rest)
    form.show_errors(exc)


def _page(request: HttpRequest, form: OrderForm, formset: Any, **extra: Any) -> HttpResponse:
    materials = _materials(request.user, extra.get("order")).only(
        "code", "name", "specification", "unit")
    return render(request, "orders/form.html", {
        "form": form, "formset": formset, "materials": materials[:MATERIAL_OPTIONS_MAX],
        "list_url": reverse("orders:list"), **extra})


def _create_initial(request: HttpRequest) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A change order of `?parent=<code>` starts from its parent's header and lines; else
    `?customer=` / `?project=` preset those fields."""
    parent = _visible_order(request.user, request.GET.get("parent", ""))
    if parent is None:
        return {k: v for k, v in request.GET.items() if k in ("customer", "project")}, []
    initial = {name: getattr(parent, name) for name in HEADER_COPY}
    initial["parent_code"] = parent.code
    return initial, _line_initial(parent)


def _create(request: HttpRequest, form: OrderForm, formset: Any) -> Order | None:
    pairs = formset.lines()
    lines = [line for _form, line in pairs]
    header = form.header()
    parent = _visible_order(request.user, header.get("parent_code", ""))
    if parent is not None and lines and same_lines(parent, lines):
        lines = []  # the parent's lines restated unchanged: the order keeps them
    try:
        return services.create_order(actor=request.user, data=header, lines=lines,
                                     order_type=form.cleaned_data.get("order_type") or None)
    except ValidationError as exc:
        _show_errors(form, [f for f, _line in pairs], exc)
    except PermissionDenied:
        form.add_error(None, _("您无权在所选客户和项目下创建订单。"))
    return None


@login_required
def order_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can(user, ADD, Order):
        raise PermissionDenied(ADD)
    data = request.POST if request.method == "POST" else None
    initial, lines = _create_initial(request) if data is None else ({}, [])
    form = OrderForm(data, user=user, initial=initial)
    formset = _formset(user, data, lines or None)
    if data is not None and all([form.is_valid(), formset.is_valid()]):
        order = _create(request, form, formset)
        if order is not None:
            messages.success(request, _("已创建订单 %(code)s。类型：%(type)s——%(why)s。") % {
                "code": order.code, "type": order.get_order_type_display(),
                "why": order.type_reason})
            return redirect("orders:detail", order.pk)
    parent_code = str(initial.get("parent_code") or (data.get("parent_code", "") if data else ""))
    title = _("变更或延期订单 %(c)s") % {"c": parent_code} if parent_code else _("新建订单")
    return render_form(request, form, formset, order=None, title=title)


def render_form(request: HttpRequest, form: OrderForm, formset: Any, *, order: Order | None,
                title: str, locked: str = "") -> HttpResponse:
    cancel = reverse("orders:detail", args=[order.pk]) if order else reverse("orders:list")
    return _page(request, form, formset, order=order, title=title, cancel_url=cancel,
                 locked=locked)


def _update(request: HttpRequest, order: Order, form: OrderForm, formset: Any) -> Order | None:
    pairs = formset.lines()
    try:
        return services.update_order(order, actor=request.user, data=form.header(),
                                     expected_version=form.expected_version,
                                     lines=[line for _form, line in pairs])
    except ValidationError as exc:
        _show_errors(form, [f for f, _line in pairs], exc)
    except PermissionDenied:
        form.add_error(None, _("您无权把订单改到所选客户或项目下。"))
    return None


@login_required
def order_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    order = get_object_or_404(Order.objects.for_user(user), pk=pk)
    if not can(user, CHANGE, order):
        raise PermissionDenied(CHANGE)
    data = request.POST if request.method == "POST" else None
    form = OrderForm(data, user=user, instance=order)
    formset = _formset(user, data, _line_initial(order), order)
    locked = "" if order.status in EDITABLE else _(
        "“%(s)s”状态的订单不能直接修改；如需改动，请提交变更订单。") % {
        "s": order.get_status_display()}
    if data is not None and all([form.is_valid(), formset.is_valid()]):
        saved = _update(request, order, form, formset)
        if saved is not None:
            messages.success(request, _("已保存订单 %(code)s。") % {"code": saved.code})
            return redirect("orders:detail", saved.pk)
    title = _("编辑订单 %(code)s") % {"code": order.code}
    return render_form(request, form, formset, order=order, title=title, locked=locked)
