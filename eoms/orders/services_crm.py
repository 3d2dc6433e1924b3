"""CRM sync: orders created or updated by the id the CRM knows them by (`Order.crm_id`).

Idempotent: an upsert first compares what the CRM sends with what is stored, and when
nothing differs it writes nothing at all (no new version, no audit entry). A new order
comes in with source "crm", its type recognised by the intake rules (a payload naming a
parent by `parent_crm_id` or `parent_code` becomes a change or an extension), and is
submitted, so the assignment rules route it. Changes go through `services.update_order`,
which allows them while the order is a draft or submitted.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from eoms.orders import services
from eoms.orders.choices import OrderStatus, OrderType, Source
from eoms.orders.models import Order

CREATED, UPDATED, UNCHANGED, ERROR = "created", "updated", "unchanged", "error"
MAX_CRM_ID = 80
_PARENT_KEYS = ("parent_code", "parent_crm_id")


def clean_crm_id(crm_id: str | None) -> str:
    value = (crm_id or "").strip()
    if not value or len(value) > MAX_CRM_ID:
        raise ValidationError({"crm_id": _("CRM 编号不能为空，且最多 %(n)s 个字符。")
                               % {"n": MAX_CRM_ID}})
    return value


def _stored(order: Order, name: str) -> Any:
    if name == "promised_date" and order.order_type == OrderType.EXTENSION:
        return order.proposed_date  # an extension keeps the asked-for date here
    field = Order._meta.get_field(name)
    return getattr(order, getattr(field, "attname", name))


def _incoming(name: str, value: Any) -> Any:
    return getattr(value, "pk", value)


def _line_key(material: Any, quantity: Any, unit: Any, needed_by: Any, notes: Any) -> tuple:
    return (getattr(material, "pk", material), Decimal(str(quantity)), unit or "",
            needed_by, notes or "")


def differences(order: Order, data: dict[str, Any],
                lines: list[dict[str, Any]] | None) -> list[str]:
    """The fields (and "lines") whose incoming values differ from the stored ones."""
    changed = [name for name, value in data.items()
               if name in services.HEADER_FIELDS and _stored(order, name) != _incoming(name, value)]
    if lines is not None:
        stored = [_line_key(x.material_id, x.quantity, x.unit, x.needed_by, x.notes)
                  for x in order.lines.order_by("line_no")]
        wanted = [_line_key(x["material"], x["quantity"], x.get("unit") or x["material"].unit,
                            x.get("needed_by"), x.get("notes")) for x in lines]
        if stored != wanted:
            changed.append("lines")
    return changed


@transaction.atomic
def upsert_order(crm_id: str, *, actor: Any, data: dict[str, Any],
                 lines: list[dict[str, Any]] | None, order_type: str | None = None,
                 submit: bool = True) -> tuple[Order, str]:
    """Create or update the order the CRM knows as `crm_id`; returns (order, status) with
    status created, updated or unchanged."""
    crm_id = clean_crm_id(crm_id)
    existing = Order.objects.select_related("customer", "project", "site").filter(
        crm_id=crm_id).first()
    if existing is None:
        order = services.create_order(actor=actor, data={**data, "crm_id": crm_id},
                                      lines=lines or [], source=Source.CRM,
                                      order_type=order_type)
        if submit:
            order = services.transition(order, OrderStatus.SUBMITTED, actor=actor)
        return order, CREATED
    data = {k: v for k, v in data.items() if k not in _PARENT_KEYS}
    changed = differences(existing, data, lines)
    if not changed:
        return existing, UNCHANGED
    if existing.order_type == OrderType.EXTENSION and "promised_date" in changed:
        raise ValidationError({"promised_date": _(
            "延期订单申请的日期不能通过同步修改；请以新的延期订单提交。")})
    order = services.update_order(existing, actor=actor, data=data, expected_version=None,
                                  lines=lines)
    return order, UPDATED
