"""Assignment rules: the first active rule whose conditions all hold picks the owner.

Each condition left empty matches anything. `explain()` says why a rule did or did not
match, for the order page ("规则“P1 加急”命中：优先级 P1；金额 ≥ 100,000.00")."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from eoms.accounts.models import User
from eoms.orders.choices import AssignMode
from eoms.orders.models import OPEN_STATUSES, AssignmentGroup, AssignmentRule, Order


@dataclass
class Match:
    rule: AssignmentRule
    owner: User | None
    reasons: list[str]


def _conditions(rule: AssignmentRule, order: Order, categories: set[int]) -> list[str] | None:
    """The reasons it matches, or None when one condition fails."""
    reasons = []
    if rule.order_types:
        if order.order_type not in rule.order_types:
            return None
        reasons.append(_("类型 %(t)s") % {"t": order.get_order_type_display()})
    if rule.priorities:
        if order.priority not in rule.priorities:
            return None
        reasons.append(_("优先级 %(p)s") % {"p": order.priority})
    if rule.customer_id:
        if order.customer_id != rule.customer_id:
            return None
        reasons.append(_("客户 %(c)s") % {"c": order.customer.name})
    if rule.project_id:
        if order.project_id != rule.project_id:
            return None
        reasons.append(_("项目 %(p)s") % {"p": order.project.name})
    if rule.min_amount is not None:
        if order.budget_amount < rule.min_amount:
            return None
        reasons.append(_("金额 ≥ %(a)s") % {"a": f"{rule.min_amount:,.2f}"})
    if rule.max_amount is not None:
        if order.budget_amount > rule.max_amount:
            return None
        reasons.append(_("金额 ≤ %(a)s") % {"a": f"{rule.max_amount:,.2f}"})
    wanted = {c.pk for c in rule.material_categories.all()}
    if wanted:
        common = wanted & categories
        if not common:
            return None
        reasons.append(_("含所列物料分类"))
    return reasons or [_("无条件（兜底规则）")]


def _active_members(group: AssignmentGroup) -> list[User]:
    return list(group.members.filter(is_active=True).order_by("pk"))


def pick_from_group(group: AssignmentGroup, mode: str) -> User | None:
    members = _active_members(group)
    if not members:
        return None
    if mode == AssignMode.LEAST_LOADED:
        loads = dict(User.objects.filter(pk__in=[m.pk for m in members]).annotate(
            n=Count("owned_orders", filter=Q(owned_orders__status__in=OPEN_STATUSES)))
            .values_list("pk", "n"))
        return min(members, key=lambda m: (loads.get(m.pk, 0), m.pk))
    # Round robin: the member after the one chosen last (in member order, by id), even
    # when that one has left the group or been deactivated meanwhile.
    last = group.last_assigned_id
    if last is None:
        return members[0]
    return next((m for m in members if m.pk > last), members[0])


def owner_for(rule: AssignmentRule) -> User | None:
    if rule.assign_mode == AssignMode.USER:
        user = rule.assign_user
        return user if user is not None and user.is_active else None
    if rule.assign_group_id is None:
        return None
    # Lock the group so concurrent submissions take turns in the round robin.
    groups = AssignmentGroup.objects.all()
    if transaction.get_connection().in_atomic_block:
        groups = groups.select_for_update()
    group = groups.get(pk=rule.assign_group_id)
    rule.assign_group = group
    return pick_from_group(group, rule.assign_mode)


def assigns_owner(rule: AssignmentRule) -> bool:
    """Whether the rule picks a project manager (a rule may only route lines)."""
    if rule.assign_mode == AssignMode.USER:
        return rule.assign_user_id is not None
    return rule.assign_group_id is not None


def first_match(order: Order) -> Match | None:
    categories = set(order.lines.values_list("material__category_id", flat=True))
    rules = (AssignmentRule.objects.filter(active=True)
             .select_related("assign_user", "assign_group", "customer", "project")
             .prefetch_related("material_categories").order_by("position", "pk"))
    for rule in rules:
        if not assigns_owner(rule):
            continue
        reasons = _conditions(rule, order, categories)
        if reasons is None:
            continue
        return Match(rule=rule, owner=owner_for(rule), reasons=reasons)
    return None


def explain(match: Match) -> str:
    return _("规则“%(r)s”命中：%(why)s") % {"r": match.rule.name,
                                            "why": "；".join(match.reasons)}


def route_lines(order: Order) -> None:
    """Lines whose material category a matching procurement rule names go to its group
    (the first rule in order wins for a category)."""
    rules = (AssignmentRule.objects.filter(active=True, procurement_group__isnull=False)
             .select_related("customer", "project")
             .prefetch_related("material_categories").order_by("position", "pk"))
    categories = set(order.lines.values_list("material__category_id", flat=True))
    routes: dict[int, int] = {}
    for rule in rules:
        if _conditions(rule, order, categories) is None:
            continue
        for category in rule.material_categories.all():
            routes.setdefault(category.pk, rule.procurement_group_id)  # type: ignore[arg-type]
    for line in order.lines.select_related("material"):
        group_id = routes.get(line.material.category_id)
        if group_id and line.procurement_group_id != group_id:
            line.procurement_group_id = group_id
            line.save(update_fields=["procurement_group", "updated_at"])
