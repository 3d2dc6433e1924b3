"""The receiving page (材料进场, phone first): pick an order, see what is outstanding on
each line, then per batch scan or type the batch number, the quantity, the certificate
number and a photo (or PDF) of the certificate. One service call receives it all or
refuses it naming each bad line."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from eoms.core.access import ADD, VIEW, can
from eoms.materials import services
from eoms.materials.forms import BatchLineFormSet, DeliveryForm, show_errors
from eoms.materials.models import Delivery
from eoms.materials.queries import balances
from eoms.orders.models import Order

PICKER_LIMIT = 200


def _receiving_orders(user: Any) -> Any:
    return (Order.objects.for_user(user, VIEW)
            .filter(status__in=services.RECEIVING_STATUSES)
            .select_related("project").order_by("-created_at")[:PICKER_LIMIT])


def _order_of(request: HttpRequest) -> Order | None:
    value = (request.POST.get("order") if request.method == "POST"
             else request.GET.get("order")) or ""
    if not value.isdigit():
        return None
    order = get_object_or_404(Order.objects.for_user(request.user, VIEW), pk=int(value))
    if not can(request.user, ADD, Delivery(order=order)):
        raise PermissionDenied(ADD)
    return order


def _line_choices(rows: list[Any]) -> list[tuple[int, str]]:
    return [(row.line.pk, f"#{row.line.line_no} {row.line.material.name} "
             f"{row.line.material.specification}".strip()) for row in rows]


def _apply_errors(exc: ValidationError, form: DeliveryForm, formset: Any,
                  positions: list[int]) -> None:
    if not hasattr(exc, "error_dict"):
        show_errors(form, exc)
        return
    for key, errors in exc.message_dict.items():
        parts = key.split(".")
        if parts[0] == "lines" and len(parts) == 3 and int(parts[1]) < len(positions):
            row = formset.forms[positions[int(parts[1])]]
            for message in errors:
                row.add_error(parts[2] if parts[2] in row.fields else None, message)
        else:
            show_errors(form, ValidationError({key: errors}))


def _submit(request: HttpRequest, order: Order, form: DeliveryForm, formset: Any) -> Any:
    if not (form.is_valid() and formset.is_valid()):
        return None
    filled = [(index, row) for index, row in enumerate(formset.forms) if not row.is_blank()]
    try:
        return services.receive_delivery(
            order, actor=request.user, supplier=form.cleaned_data["supplier"],
            delivered_on=form.cleaned_data["delivered_on"],
            delivery_note=form.cleaned_data["delivery_note"], note=form.cleaned_data["note"],
            lines=[row.service_line() for _index, row in filled])
    except ValidationError as exc:
        _apply_errors(exc, form, formset, [index for index, _row in filled])
    return None


@login_required
@require_http_methods(["GET", "POST"])
def receive(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can(user, ADD, Delivery):
        raise PermissionDenied(ADD)
    order = _order_of(request)
    context: dict[str, Any] = {"order": order, "orders": _receiving_orders(user),
                               "decode_url": reverse("api:materials_decode")}
    if order is not None:
        rows = balances(order)
        choices = _line_choices(rows)
        data = request.POST if request.method == "POST" else None
        files = request.FILES if request.method == "POST" else None
        form = DeliveryForm(data)
        initial = [{"order_line": row.line.pk} for row in rows if row.outstanding > 0]
        formset = BatchLineFormSet(data, files, prefix="lines", initial=initial or [{}],
                                   form_kwargs={"lines": choices})
        if data is not None:
            delivery = _submit(request, order, form, formset)
            if delivery is not None:
                messages.success(request, _("已验收进场 %(c)s，共 %(n)s 个批次。")
                                 % {"c": delivery.code, "n": delivery.batches.count()})
                return redirect("materials:delivery_detail", delivery.pk)
        context.update(rows=rows, form=form, formset=formset,
                       receivable=order.status in services.RECEIVING_STATUSES)
    elif request.method == "POST":
        messages.error(request, _("请先选择订单。"))
    return render(request, "materials/receive.html", context)
