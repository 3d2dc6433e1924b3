"""What a change or extension order changes against its parent: header fields and lines.

A change order's lines restate the scope of the parent; a change order without lines
leaves the parent's lines as they are. Lines are compared by material.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from eoms.orders.choices import OrderType
from eoms.orders.models import Order

ADDED, REMOVED, CHANGED = "added", "removed", "changed"


@dataclass
class FieldDelta:
    label: str
    before: str
    after: str
    changed: bool


@dataclass
class LineDelta:
    material: str
    kind: str  # ADDED, REMOVED, CHANGED
    before: str
    after: str

    @property
    def kind_label(self) -> str:
        return {ADDED: _("新增"), REMOVED: _("删除"), CHANGED: _("修改")}[self.kind]


@dataclass
class Delta:
    parent: Order
    fields: list[FieldDelta]
    lines: list[LineDelta] = field(default_factory=list)
    lines_restated: bool = False  # the child lists lines of its own

    @property
    def changed(self) -> bool:
        return any(f.changed for f in self.fields) or bool(self.lines)


@dataclass
class _Line:
    material: Any
    quantity: Decimal
    unit: str
    needed_by: date | None


def _show(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)


def quantity_text(value: Decimal) -> str:
    """12.500 → 12.5, 3.000 → 3 (no exponent for 1250)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _describe(line: _Line) -> str:
    text = f"{quantity_text(line.quantity)} {line.unit}"
    return f"{text}，{_('需用')} {line.needed_by}" if line.needed_by else text


def _as_line(line: Any) -> _Line:
    values = line if isinstance(line, dict) else {
        name: getattr(line, name) for name in ("material", "quantity", "unit", "needed_by")}
    material = values["material"]
    return _Line(material, Decimal(str(values.get("quantity") or 0)),
                 values.get("unit") or material.unit, values.get("needed_by"))


def _by_material(lines: Iterable[Any]) -> dict[int, _Line]:
    """Lines keyed by material; two lines of one material add up."""
    found: dict[int, _Line] = {}
    for raw in lines:
        line = _as_line(raw)
        if line.material.pk in found:
            found[line.material.pk].quantity += line.quantity
        else:
            found[line.material.pk] = line
    return found


def compare_lines(before: Iterable[Any], after: Iterable[Any]) -> list[LineDelta]:
    """Lines (OrderLine rows or dicts with material, quantity, unit, needed_by) added,
    removed and changed, by material."""
    old, new = _by_material(before), _by_material(after)
    result = []
    for pk, line in new.items():
        if pk not in old:
            result.append(LineDelta(str(line.material), ADDED, "—", _describe(line)))
        elif _describe(old[pk]) != _describe(line):
            result.append(LineDelta(str(line.material), CHANGED, _describe(old[pk]),
                                    _describe(line)))
    for pk, line in old.items():
        if pk not in new:
            result.append(LineDelta(str(line.material), REMOVED, _describe(line), "—"))
    return result


def same_lines(parent: Order, lines: list[dict[str, Any]]) -> bool:
    """True when the given lines restate the parent's lines unchanged."""
    return not compare_lines(parent.lines.select_related("material"), lines)


def delta(order: Order) -> Delta | None:
    parent = order.parent
    if parent is None:
        return None
    extension = order.order_type == OrderType.EXTENSION
    new_date = order.proposed_date if extension and order.proposed_date else order.promised_date
    budget = order.budget_amount
    if extension and not budget:
        budget = parent.budget_amount  # an extension that names no amount keeps it
    fields = [
        FieldDelta(_("标题"), parent.title, order.title, parent.title != order.title),
        FieldDelta(_("说明"), _("（见原订单）"), _("已修改") if parent.description !=
                   order.description else _("未修改"),
                   parent.description != order.description),
        FieldDelta(_("承诺交付日期"), _show(parent.promised_date), _show(new_date),
                   parent.promised_date != new_date),
        FieldDelta(_("预算金额（元）"), _show(parent.budget_amount), _show(budget),
                   parent.budget_amount != budget),
    ]
    own_lines = list(order.lines.select_related("material"))
    result = Delta(parent=parent, fields=fields, lines_restated=bool(own_lines))
    if own_lines:
        result.lines = compare_lines(parent.lines.select_related("material"), own_lines)
    return result
