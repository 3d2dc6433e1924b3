"""Recognising an arriving order's type: new, a change of an existing order, or an
extension (a change that only moves the delivery date). Pure reasoning over the input and
the order it refers to; the service records the verdict and why."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from eoms.orders.choices import OrderType
from eoms.orders.models import Order

# Not `\b`: in Chinese text a code sits between word characters ("关于ORD-2026-000123的变更").
CODE_IN_TEXT = re.compile(r"(?<![A-Za-z0-9])ORD-\d{4}-\d{3,}(?!\d)", re.IGNORECASE)


@dataclass
class Verdict:
    order_type: str
    parent: Order | None
    reason: str


def find_parent(data: dict[str, Any]) -> tuple[Order | None, str]:
    """The existing order the input refers to: by code, by the CRM's id, or a code
    mentioned in the title or description."""
    code = (data.get("parent_code") or "").strip()
    if code:
        found = Order.objects.filter(code__iexact=code).first()
        return found, _("引用了订单编号 %(c)s") % {"c": code}
    crm = (data.get("parent_crm_id") or "").strip()
    if crm:
        found = Order.objects.filter(crm_id=crm).first()
        return found, _("引用了 CRM 订单 %(c)s") % {"c": crm}
    text = f"{data.get('title', '')} {data.get('description', '')}"
    match = CODE_IN_TEXT.search(text)
    if match:
        found = Order.objects.filter(code__iexact=match.group(0)).first()
        if found is not None:
            return found, _("标题或说明中提到订单 %(c)s") % {"c": found.code}
    return None, ""


def _only_moves_date(data: dict[str, Any], parent: Order) -> bool:
    new_date = data.get("promised_date") or data.get("requested_date")
    if not new_date or new_date == parent.promised_date:
        return False
    if data.get("lines"):
        return False
    amount = data.get("budget_amount")
    if amount in (None, ""):
        return True
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return False
    return value == 0 or value == parent.budget_amount


def classify(data: dict[str, Any]) -> Verdict:
    parent, why = find_parent(data)
    if parent is None:
        return Verdict(OrderType.NEW, None, _("未引用已有订单，按新建处理"))
    if _only_moves_date(data, parent):
        return Verdict(OrderType.EXTENSION, parent,
                       _("%(why)s，且只改变交付日期，判断为延期") % {"why": why})
    return Verdict(OrderType.CHANGE, parent, _("%(why)s，判断为变更") % {"why": why})
