"""The demo step for orders: assignment groups and rules, then orders moved through their
lifecycle by the people who would move them, all through the order services, so every
order has a real timeline, rule-based owners, notifications and an audit trail."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from eoms.demo import orders_data as data
from eoms.orders import services, services_rules
from eoms.orders.choices import OrderStatus
from eoms.orders.models import AssignmentGroup, AssignmentRule, Order

if TYPE_CHECKING:
    from eoms.demo.loader import Demo

MANAGER = "demo_manager"


def _day(offset: int | None) -> date | None:
    return None if offset is None else timezone.localdate() + timedelta(days=offset)


def _groups(demo: Demo) -> dict[str, AssignmentGroup]:
    groups = {}
    for code, name, members in data.GROUPS:
        group = AssignmentGroup.objects.filter(code=code).first()
        demo.note("assignment groups", group is None)
        if group is None:
            group = services_rules.create_group(
                actor=demo.user(MANAGER),
                data={"code": code, "name": name, "members": [demo.user(u) for u in members]})
        groups[code] = group
    return groups


def _rules(demo: Demo, groups: dict[str, AssignmentGroup]) -> None:
    for row in data.RULES:
        exists = AssignmentRule.objects.filter(name=row["name"]).exists()
        demo.note("assignment rules", not exists)
        if exists:
            continue
        values: dict[str, Any] = {"name": row["name"], "assign_mode": row["assign_mode"],
                                  "priorities": row.get("priorities", [])}
        if "project" in row:
            values["project"] = demo.projects[row["project"]]
        if "assign_user" in row:
            values["assign_user"] = demo.user(row["assign_user"])
        if "assign_group" in row:
            values["assign_group"] = groups[row["assign_group"]]
        if "procurement_group" in row:
            values["procurement_group"] = groups[row["procurement_group"]]
        values["material_categories"] = [demo.categories[c] for c in row.get("categories", [])]
        services_rules.create_rule(actor=demo.user(MANAGER), data=values)


def _lines(demo: Demo, rows: list[tuple[str, str, int]]) -> list[dict[str, Any]]:
    return [{"material": demo.materials[name], "quantity": Decimal(quantity),
             "needed_by": _day(needed)} for name, quantity, needed in rows]


def _actor_for(demo: Demo, order: Order, step: str, row: dict[str, Any]) -> Any:
    if step == "submitted":
        return demo.user(row["by"])
    if step == "rework":
        return demo.user(data.QC_OF[row["project"]])
    if step == "cancelled":
        return demo.user(MANAGER)
    return order.owner or demo.user(MANAGER)


def _walk(demo: Demo, order: Order, row: dict[str, Any]) -> Order:
    """Move the order through its steps, each by the person who would take it."""
    reasons = row.get("reasons", {})
    for step in row.get("steps", []):
        target = OrderStatus.IN_PROGRESS if step == "rework" else step
        actor = _actor_for(demo, order, step, row)
        order = services.transition(order, target, actor=actor, reason=reasons.get(step, ""))
    return order


def _comment(demo: Demo, order: Order, row: dict[str, Any]) -> None:
    for username, text in row.get("comments", []):
        services.add_comment(order, actor=demo.user(username), text=text)


def _find(demo: Demo, row: dict[str, Any]) -> Order | None:
    found = Order.objects.filter(project=demo.projects[row["project"]],
                                 title=row["title"]).first()
    demo.note("orders", found is None)
    return found


def _order(demo: Demo, row: dict[str, Any]) -> None:
    if _find(demo, row) is not None:
        return
    project = demo.projects[row["project"]]
    order = services.create_order(
        actor=demo.user(row["by"]), lines=_lines(demo, row["lines"]),
        data={"title": row["title"], "customer": project.customer, "project": project,
              "site": demo.sites[(row["project"], row["site"])], "priority": row["priority"],
              "budget_amount": Decimal(row["budget"]), "requested_date": _day(row["requested"]),
              "promised_date": _day(row["promised"])})
    order = _walk(demo, order, row)
    _comment(demo, order, row)


def _child(demo: Demo, row: dict[str, Any]) -> None:
    if _find(demo, row) is not None:
        return
    parent = Order.objects.get(project=demo.projects[row["project"]], title=row["parent"])
    values: dict[str, Any] = {"title": row["title"], "parent_code": parent.code,
                              "description": row.get("description", "")}
    if row["kind"] == "extension":
        promised = parent.promised_date or timezone.localdate()
        values["promised_date"] = promised + timedelta(days=row["days"])
    else:
        values["budget_amount"] = Decimal(row["budget"])
    order = services.create_order(actor=demo.user(row["by"]), data=values,
                                  lines=_lines(demo, row.get("lines", [])))
    if order.order_type != row["kind"]:
        raise ValueError(f"demo order {row['title']!r}: {order.type_reason}")
    order = _walk(demo, order, row)
    if row.get("decide"):
        services.decide_extension(order, actor=demo.user(MANAGER),
                                  approve=row["decide"] == "approve", reason="工期顺延合理")
    _comment(demo, order, row)


def load_orders(demo: Demo) -> None:
    """Groups, then the orders submitted before any rule existed (they wait for a manager
    in the unassigned queue), then the rules, then every other order and its children."""
    groups = _groups(demo)
    for row in data.ORDERS:
        if row.get("early"):
            _order(demo, row)
    _rules(demo, groups)
    for row in data.ORDERS:
        if not row.get("early"):
            _order(demo, row)
    for row in data.CHILDREN:
        _child(demo, row)
