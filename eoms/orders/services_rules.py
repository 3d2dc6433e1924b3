"""Changes to assignment rules and groups: create, edit, delete, reorder.

Each checks permission (AssignmentRulePolicy / AssignmentGroupPolicy), validates what the
rule engine (`eoms.orders.rules`) needs to act on a rule, runs in one transaction and names
its business event (`assignment_rule.created` …) for the audit log.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from eoms.core.access import ADD, CHANGE, DELETE, PROJECT_MANAGER, require, roles_of
from eoms.core.context import business_event
from eoms.masterdata.services import last_change_by
from eoms.orders.choices import AssignMode, OrderType, Priority
from eoms.orders.models import AssignmentGroup, AssignmentRule, Order

RULE_FIELDS = ("name", "active", "order_types", "priorities", "customer", "project",
               "min_amount", "max_amount", "assign_mode", "assign_user", "assign_group",
               "procurement_group")
RULE_M2M = ("material_categories",)
GROUP_FIELDS = ("code", "name")
GROUP_M2M = ("members",)
POSITION_STEP = 10
UP, DOWN = "up", "down"


def _is_active_pm(user: Any) -> bool:
    return user is not None and user.is_active and PROJECT_MANAGER in roles_of(user)


def _active_pms(group: AssignmentGroup, members: Any = None) -> list[Any]:
    people = group.members.all() if members is None else members
    return [m for m in people if _is_active_pm(m)]


def _check_choices(rule: AssignmentRule, errors: dict[str, list[str]]) -> None:
    for name, allowed, what in (("order_types", OrderType, _("订单类型")),
                                ("priorities", Priority, _("优先级"))):
        values = getattr(rule, name)
        if not isinstance(values, list):
            errors.setdefault(name, []).append(_("%(what)s应为列表。") % {"what": what})
            continue
        unknown = [str(v) for v in values if v not in allowed.values]
        if unknown:
            errors.setdefault(name, []).append(
                _("未知的%(what)s：%(v)s。可选：%(ok)s。") % {
                    "what": what, "v": "、".join(unknown), "ok": "、".join(allowed.values)})
        else:
            setattr(rule, name, [v for v in allowed.values if v in values])  # canonical order


def _check_amounts(rule: AssignmentRule, errors: dict[str, list[str]]) -> None:
    low, high = rule.min_amount, rule.max_amount
    for name, value in (("min_amount", low), ("max_amount", high)):
        if value is not None and Decimal(value) < 0:
            errors.setdefault(name, []).append(_("金额不能为负数。"))
    if low is not None and high is not None and Decimal(low) > Decimal(high):
        errors.setdefault("max_amount", []).append(
            _("最高预算金额（%(high)s）不能低于最低预算金额（%(low)s）。")
            % {"high": high, "low": low})


def _check_action(rule: AssignmentRule, errors: dict[str, list[str]]) -> None:
    if rule.assign_mode == AssignMode.USER:
        rule.assign_group = None
        if rule.assign_user is None:
            errors.setdefault("assign_user", []).append(
                _("分派方式为“指定人员”时，请选择一位项目经理。"))
        elif not _is_active_pm(rule.assign_user):
            errors.setdefault("assign_user", []).append(
                _("%(u)s 不是在职的项目经理，不能接收订单。") % {"u": rule.assign_user})
    elif rule.assign_mode in (AssignMode.ROUND_ROBIN, AssignMode.LEAST_LOADED):
        rule.assign_user = None
        if rule.assign_group is None:
            errors.setdefault("assign_group", []).append(
                _("分派方式为“%(m)s”时，请选择项目经理组。")
                % {"m": AssignMode(rule.assign_mode).label})
        elif not _active_pms(rule.assign_group):
            errors.setdefault("assign_group", []).append(
                _("分派组 %(g)s 没有在职的项目经理成员，规则无法分派。")
                % {"g": rule.assign_group})


def _check_procurement(rule: AssignmentRule, categories: list[Any] | None,
                       errors: dict[str, list[str]]) -> None:
    group = rule.procurement_group
    if group is None:
        return
    if not group.members.filter(is_active=True).exists():
        errors.setdefault("procurement_group", []).append(
            _("采购组 %(g)s 没有在职成员。") % {"g": group})
    if categories is not None and not categories:
        errors.setdefault("material_categories", []).append(
            _("指定采购组时，请选择要交给该组的物料分类。"))


def _check_rule(rule: AssignmentRule, categories: list[Any] | None) -> None:
    """Every problem at once, each on its field."""
    errors: dict[str, list[str]] = {}
    try:
        rule.full_clean(exclude=["position", "order_types", "priorities"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    _check_choices(rule, errors)
    _check_amounts(rule, errors)
    _check_action(rule, errors)
    _check_procurement(rule, categories, errors)
    project = rule.project
    if rule.customer_id and project is not None and project.customer_id != rule.customer_id:
        errors.setdefault("project", []).append(_("项目不属于所选客户。"))
    if errors:
        raise ValidationError(errors)


def _assign(obj: Any, data: dict[str, Any], fields: tuple[str, ...],
            m2m: tuple[str, ...]) -> dict[str, list[Any]]:
    unknown = set(data) - set(fields) - set(m2m)
    if unknown:
        raise ValidationError(_("不能修改的字段：%(f)s。") % {"f": "、".join(sorted(unknown))})
    for name in fields:
        if name in data:
            setattr(obj, name, data[name])
    return {name: list(data[name]) for name in m2m if name in data and data[name] is not None}


def _check_version(obj: Any, expected_version: int | None) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise ValidationError(_("该记录已被 %(who)s 修改（当前版本 %(v)s），请刷新后重新编辑。")
                              % {"who": last_change_by(obj), "v": obj.version}, code="stale")


def _save_m2m(obj: Any, m2m: dict[str, list[Any]]) -> None:
    for name, values in m2m.items():
        getattr(obj, name).set(values)


def _next_position() -> int:
    top = AssignmentRule.objects.aggregate(top=Max("position"))["top"] or 0
    return top + POSITION_STEP


@transaction.atomic
def create_rule(*, actor: Any, data: dict[str, Any]) -> AssignmentRule:
    """A new rule, placed after the existing ones."""
    require(actor, ADD, AssignmentRule)
    rule = AssignmentRule(created_by=actor if getattr(actor, "pk", None) else None)
    m2m = _assign(rule, data, RULE_FIELDS, RULE_M2M)
    _check_rule(rule, m2m.get("material_categories", []))
    rule.position = _next_position()
    with business_event("assignment_rule.created", actor=actor):
        rule.save()
        _save_m2m(rule, m2m)
    return rule


@transaction.atomic
def update_rule(rule: AssignmentRule, *, actor: Any, data: dict[str, Any],
                expected_version: int | None) -> AssignmentRule:
    require(actor, CHANGE, rule)
    locked = AssignmentRule.objects.select_for_update().get(pk=rule.pk)
    _check_version(locked, expected_version)
    m2m = _assign(locked, data, RULE_FIELDS, RULE_M2M)
    categories = m2m.get("material_categories")
    if categories is None:
        categories = list(locked.material_categories.all())
    _check_rule(locked, categories)
    locked.version += 1
    with business_event("assignment_rule.updated", actor=actor):
        locked.save()
        _save_m2m(locked, m2m)
    return locked


@transaction.atomic
def delete_rule(rule: AssignmentRule, *, actor: Any) -> None:
    """Only a rule that never assigned an order: the orders keep naming the rule that
    chose their owner. A rule that did is deactivated instead."""
    require(actor, DELETE, rule)
    used = Order.objects.filter(assigned_by_rule=rule).count()
    if used:
        raise ValidationError(
            _("规则“%(r)s”已分派过 %(n)s 个订单，删除后这些订单将无法说明由哪条规则分派；"
              "请改为停用。") % {"r": rule.name, "n": used}, code="protected")
    with business_event("assignment_rule.deleted", actor=actor):
        rule.delete()


@transaction.atomic
def move_rule(rule: AssignmentRule, *, actor: Any, direction: str) -> AssignmentRule:
    """Swap the rule with its neighbour above or below; positions are renumbered in steps
    of 10 (only rules whose position changes are saved)."""
    require(actor, CHANGE, rule)
    if direction not in (UP, DOWN):
        raise ValidationError({"direction": _("移动方向只能是 up 或 down。")})
    ordered = list(AssignmentRule.objects.select_for_update().order_by("position", "pk"))
    index = next((i for i, r in enumerate(ordered) if r.pk == rule.pk), None)
    if index is None:
        raise AssignmentRule.DoesNotExist
    other = index - 1 if direction == UP else index + 1
    if not 0 <= other < len(ordered):
        raise ValidationError(_("“%(r)s”已是第一条规则。") % {"r": rule.name} if direction == UP
                              else _("“%(r)s”已是最后一条规则。") % {"r": rule.name})
    ordered[index], ordered[other] = ordered[other], ordered[index]
    with business_event("assignment_rule.moved", actor=actor):
        for number, item in enumerate(ordered, start=1):
            position = number * POSITION_STEP
            if item.position != position:
                item.position = position
                item.version += 1
                item.save(update_fields=["position", "version", "updated_at"])
    return next(r for r in ordered if r.pk == rule.pk)


# --- groups ------------------------------------------------------------------------------

def _check_group(group: AssignmentGroup, members: list[Any] | None) -> None:
    errors: dict[str, list[str]] = {}
    try:
        group.full_clean()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if members is not None:
        active = [m for m in members if m.is_active]
        if not active:
            errors.setdefault("members", []).append(_("分派组至少需要一名在职成员。"))
        if group.pk:
            _check_group_users(group, members, errors)
    if errors:
        raise ValidationError(errors)


def _check_group_users(group: AssignmentGroup, members: list[Any],
                       errors: dict[str, list[str]]) -> None:
    """An active rule that picks project managers from the group must keep one."""
    names = list(AssignmentRule.objects.filter(active=True, assign_group=group)
                 .exclude(assign_mode=AssignMode.USER).values_list("name", flat=True))
    if names and not _active_pms(group, members):
        errors.setdefault("members", []).append(
            _("启用中的规则（%(r)s）从该组选择项目经理，组内至少要保留一名在职项目经理。")
            % {"r": "、".join(names)})


@transaction.atomic
def create_group(*, actor: Any, data: dict[str, Any]) -> AssignmentGroup:
    require(actor, ADD, AssignmentGroup)
    group = AssignmentGroup(created_by=actor if getattr(actor, "pk", None) else None)
    m2m = _assign(group, data, GROUP_FIELDS, GROUP_M2M)
    group.code = (group.code or "").strip()
    _check_group(group, m2m.get("members", []))
    with business_event("assignment_group.created", actor=actor):
        group.save()
        _save_m2m(group, m2m)
    return group


@transaction.atomic
def update_group(group: AssignmentGroup, *, actor: Any, data: dict[str, Any],
                 expected_version: int | None) -> AssignmentGroup:
    require(actor, CHANGE, group)
    locked = AssignmentGroup.objects.select_for_update().get(pk=group.pk)
    _check_version(locked, expected_version)
    m2m = _assign(locked, data, GROUP_FIELDS, GROUP_M2M)
    locked.code = (locked.code or "").strip()
    _check_group(locked, m2m.get("members"))
    locked.version += 1
    with business_event("assignment_group.updated", actor=actor):
        locked.save()
        _save_m2m(locked, m2m)
    return locked


def rules_using(group: AssignmentGroup) -> Any:
    return AssignmentRule.objects.filter(Q(assign_group=group) | Q(procurement_group=group))
