"""Every change to orders: create, edit, submit (rules assign), transitions, reassignment,
comments, extension approval. Each checks permission and invariants in one transaction,
names its business event for the audit log, and tells the people concerned."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eoms.core import codes, notifications
from eoms.core.access import ADD, CHANGE, CUSTOMER, PROJECT_MANAGER, VIEW, can, require, roles_of
from eoms.core.context import business_event
from eoms.masterdata.services import StaleVersion, last_change_by
from eoms.orders import gates, intake, rules, workflow
from eoms.orders.choices import ExtensionState, OrderStatus, OrderType, Source
from eoms.orders.models import Order, OrderComment, OrderLine
from eoms.orders.policies import ASSIGN, COMMENT, TRANSITION, may_place
from eoms.orders.signals import order_assigned, order_status_changed

codes.register_default("order", "ORD-{year}-{seq:06}")
notifications.register_kind("order.assigned", gettext_lazy("订单分派给我"))
notifications.register_kind("order.status", gettext_lazy("订单状态变化"))
notifications.register_kind("order.unassigned", gettext_lazy("订单待分派"))
notifications.register_kind("order.customer_message", gettext_lazy("客户留言"))

HEADER_FIELDS = ("title", "customer", "project", "site", "priority", "requested_date",
                 "promised_date", "budget_amount", "description", "crm_id")


class InvalidTransition(ValidationError):
    """Asked for a status that may not follow the current one; lists those that may."""

    def __init__(self, order: Order, target: str, allowed: list[str]) -> None:
        self.allowed = allowed
        labels = "、".join(str(OrderStatus(s).label) for s in allowed) or _("无")
        super().__init__(
            _("订单 %(code)s 当前为“%(cur)s”，不能改为“%(to)s”。可选：%(ok)s。") % {
                "code": order.code, "cur": order.get_status_display(),
                "to": OrderStatus(target).label if target in OrderStatus.values else target,
                "ok": labels},
            code="invalid_transition")


def _url(order: Order) -> str:
    return reverse("orders:detail", args=[order.pk])


def _check_site(order: Order) -> None:
    if order.site is not None and order.site.project_id != order.project_id:
        raise ValidationError({"site": _("工地不属于所选项目。")})
    if order.project_id and order.project.customer_id != order.customer_id:
        raise ValidationError({"project": _("项目不属于所选客户。")})


def _line_row(order: Order, number: int, line: dict[str, Any]) -> OrderLine:
    """One validated line; errors are keyed `lines.<n>.<field>`."""
    material = line.get("material")
    if material is None:
        raise ValidationError({f"lines.{number}.material": _("请选择物料。")})
    try:
        quantity = Decimal(str(line.get("quantity")).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({f"lines.{number}.quantity": _("数量必须是数字。")})
    if not quantity.is_finite():
        raise ValidationError({f"lines.{number}.quantity": _("数量必须是数字。")})
    row = OrderLine(order=order, line_no=number, material=material, quantity=quantity,
                    unit=line.get("unit") or material.unit,
                    needed_by=line.get("needed_by"), notes=line.get("notes") or "")
    try:
        row.full_clean(exclude=["order"])
    except ValidationError as exc:
        raise ValidationError({f"lines.{number}.{k}": v for k, v in exc.message_dict.items()})
    return row


def _save_lines(order: Order, lines: Iterable[dict[str, Any]]) -> None:
    """Replace the order's lines with the given ones (material, quantity, unit, needed_by).
    Every line is validated before anything is deleted or written."""
    rows = [_line_row(order, number, line) for number, line in enumerate(lines, start=1)]
    order.lines.all().delete()
    for row in rows:
        row.save()


def _classify(data: dict[str, Any], lines: list[dict[str, Any]], order_type: str | None,
              actor: Any) -> intake.Verdict:
    """The system's verdict, corrected by the submitter when he names the type. An order
    the actor may not see counts as not found (and is not named as existing)."""
    if order_type is not None and order_type not in OrderType.values:
        raise ValidationError({"order_type": _("未知的订单类型“%(t)s”。") % {"t": order_type}})
    verdict = intake.classify({**data, "lines": lines})
    reference = (data.get("parent_code") or data.get("parent_crm_id") or "").strip()
    hidden = verdict.parent is not None and actor is not None and \
        not can(actor, VIEW, verdict.parent)
    if reference and (verdict.parent is None or hidden):
        raise ValidationError({"parent_code": _("找不到引用的原订单 %(c)s。")
                               % {"c": reference}})
    if hidden:  # a code mentioned in the text, of an order this actor does not see
        verdict = intake.classify({"lines": lines})
    if not order_type or order_type == verdict.order_type:
        return verdict
    reason = _("提交人指定为“%(t)s”（系统判断：%(r)s）") % {
        "t": OrderType(order_type).label, "r": verdict.reason}
    parent = None if order_type == OrderType.NEW else verdict.parent
    return intake.Verdict(order_type, parent, reason[:300])


def _inherit_from_parent(order: Order, data: dict[str, Any]) -> None:
    """A change or extension belongs where its parent does, unless the input says."""
    parent = order.parent
    if parent is None:
        return
    for name in ("customer", "project", "site"):
        if name not in data:
            setattr(order, name, getattr(parent, name))


@transaction.atomic
def create_order(*, actor: Any, data: dict[str, Any], lines: Iterable[dict[str, Any]] = (),
                 source: str = Source.MANUAL, order_type: str | None = None) -> Order:
    """A new draft order. Its type is recognised from the input unless the submitter says."""
    if actor is not None:
        require(actor, ADD, Order)
    lines = list(lines)
    verdict = _classify(data, lines, order_type, actor)
    order = Order(created_by=actor if getattr(actor, "pk", None) else None, source=source)
    for name in HEADER_FIELDS:
        if name in data:
            setattr(order, name, data[name])
    order.order_type, order.parent, order.type_reason = (
        verdict.order_type, verdict.parent, verdict.reason[:300])
    if order.order_type != OrderType.NEW and order.parent is None:
        raise ValidationError({"parent_code": _("变更或延期订单必须引用原订单。")})
    _inherit_from_parent(order, data)
    if order.order_type == OrderType.EXTENSION:
        order.proposed_date = data.get("promised_date") or data.get("requested_date")
        order.promised_date = order.parent.promised_date if order.parent else None
        order.extension_state = ExtensionState.PENDING
    order.code = codes.next_code("order")
    order.full_clean()
    _check_site(order)
    if actor is not None:
        require(actor, ADD, order)
    with business_event("order.created", actor=actor):
        order.save()
        _save_lines(order, lines)
    return order


def _line_key(row: OrderLine) -> tuple[Any, ...]:
    return (row.material_id, row.quantity, row.unit, row.needed_by, row.notes)


def _header_changed(order: Order) -> bool:
    loaded = getattr(order, "_loaded_values", None)
    if loaded is None:
        return True
    return any(loaded.get(f.attname) != getattr(order, f.attname)
               for f in order._meta.concrete_fields if f.attname in loaded)


@transaction.atomic
def update_order(order: Order, *, actor: Any, data: dict[str, Any],
                 expected_version: int | None,
                 lines: Iterable[dict[str, Any]] | None = None) -> Order:
    """Edit a draft or submitted order (header and, if given, all its lines). Saving the
    values it already has writes nothing: the version stays and no audit entry is made."""
    locked = Order.objects.select_for_update().get(pk=order.pk)
    require(actor, CHANGE, locked)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(_("该订单已被 %(who)s 修改（当前版本 %(v)s），请刷新后重新编辑。")
                           % {"who": last_change_by(locked), "v": locked.version},
                           code="stale")
    if locked.status not in (OrderStatus.DRAFT, OrderStatus.SUBMITTED):
        raise ValidationError(_("“%(s)s”状态的订单不能直接修改；请提交变更订单。")
                              % {"s": locked.get_status_display()}, code="locked")
    placed = (locked.project_id, locked.customer_id)
    for name in HEADER_FIELDS:
        if name in data:
            setattr(locked, name, data[name])
    locked.full_clean()
    _check_site(locked)
    if (locked.project_id, locked.customer_id) != placed and not may_place(actor, locked):
        raise PermissionDenied(CHANGE)
    rows = None if lines is None else [
        _line_row(locked, n, line) for n, line in enumerate(lines, start=1)]
    same_lines = rows is None or [_line_key(r) for r in rows] == [
        _line_key(r) for r in locked.lines.all()]
    if same_lines and not _header_changed(locked):
        return locked
    locked.version += 1
    with business_event("order.updated", actor=actor):
        locked.save()
        if not same_lines:
            locked.lines.all().delete()
            for row in rows or ():
                row.save()
    return locked


def _set_status(order: Order, target: str, *, actor: Any, reason: str, event: str) -> None:
    old = order.status
    if target == OrderStatus.ON_HOLD:
        order.held_from = old
    elif old == OrderStatus.ON_HOLD:
        order.held_from = ""
    order.status = target
    if target == OrderStatus.SUBMITTED and old != OrderStatus.ON_HOLD:
        order.submitted_at = timezone.now()
    if target == OrderStatus.DELIVERED and old != OrderStatus.ON_HOLD:
        order.delivered_on = timezone.localdate()
    order.version += 1
    with business_event(event, actor=actor, reason=reason):
        order.save()
    transaction.on_commit(lambda: order_status_changed.send(
        sender=Order, order=order, old=old, new=target, actor=actor))
    _tell_customer(order, old, target)


def _tell_customer(order: Order, old: str, new: str) -> None:
    users = [m.user for m in order.customer.memberships.select_related("user")]
    if not users or new == OrderStatus.DRAFT:
        return
    notifications.notify(
        users, kind="order.status",
        title=_("订单 %(c)s 状态：%(s)s") % {"c": order.code, "s": OrderStatus(new).label},
        body=_("%(t)s\n%(old)s → %(new)s") % {"t": order.title, "old": OrderStatus(old).label,
                                              "new": OrderStatus(new).label},
        url=reverse("orders:portal_detail", args=[order.pk]))


def allowed_transitions(order: Order, user: Any) -> list[str]:
    """The statuses this user may move the order to now (for buttons and the API)."""
    if not can(user, TRANSITION, order):
        return []
    roles = roles_of(user)
    is_owner = order.owner_id is not None and order.owner_id == getattr(user, "pk", None)
    result = []
    for target in workflow.next_statuses(order.status, order.held_from):
        t = workflow.find(order.status, target, order.held_from)
        if t is not None and workflow.role_allows(t, roles, is_owner):
            result.append(target)
    return result


def _check_ready(order: Order, target: str) -> None:
    """Invariants of the target status beyond the workflow table."""
    if target == OrderStatus.SUBMITTED and not order.lines.exists() \
            and order.order_type == OrderType.NEW and order.budget_amount <= 0:
        raise ValidationError(_("提交前请填写订单行或预算金额。"))
    if target == OrderStatus.ASSIGNED and order.owner_id is None:
        raise ValidationError({"owner": _("请先指定负责人（人工分派）。")})
    reasons = gates.refusals(order, target)
    if reasons:
        raise ValidationError(" ".join(reasons), code="gate")


@transaction.atomic
def transition(order: Order, target: str, *, actor: Any, reason: str = "") -> Order:
    """Move an order to another status. Submitting runs the assignment rules; leaving
    "on hold" resumes the status the order was held from."""
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if not can(actor, TRANSITION, locked):
        raise PermissionDenied(TRANSITION)
    t = workflow.find(locked.status, target, locked.held_from)
    if t is None:
        raise InvalidTransition(locked, target, workflow.next_statuses(locked.status,
                                                                       locked.held_from))
    is_owner = locked.owner_id is not None and locked.owner_id == getattr(actor, "pk", None)
    if not workflow.role_allows(t, roles_of(actor), is_owner):
        raise PermissionDenied(TRANSITION)
    reason = (reason or "").strip()
    if t.needs_reason and not reason:
        raise ValidationError({"reason": _("此操作需要填写原因。")})
    resuming = locked.status == OrderStatus.ON_HOLD and target != OrderStatus.CANCELLED
    if not resuming:
        _check_ready(locked, target)
    _set_status(locked, target, actor=actor, reason=reason,
                event="order.resumed" if resuming else f"order.{target}")
    if target == OrderStatus.SUBMITTED and not resuming:
        _assign_by_rules(locked, actor=actor)
    return locked


def _assign_by_rules(order: Order, *, actor: Any) -> None:
    with business_event("order.submitted", actor=actor):
        rules.route_lines(order)
    match = rules.first_match(order)
    if match is None or match.owner is None:
        note = (_("没有匹配的分派规则，等待人工分派") if match is None else
                _("%(why)s，但该规则没有可用人员，等待人工分派") % {"why": rules.explain(match)})
        order.assignment_note = note[:300]
        with business_event("order.unassigned", actor=actor):
            order.save(update_fields=["assignment_note", "updated_at"])
        _tell_managers(order)
        return
    _assign(order, owner=match.owner, actor=actor, rule=match.rule,
            note=rules.explain(match), reason="")
    if match.rule.assign_group_id:
        group = match.rule.assign_group
        group.last_assigned = match.owner  # type: ignore[union-attr]
        with business_event("order.assigned", actor=actor):
            group.save(update_fields=["last_assigned", "updated_at"])  # type: ignore[union-attr]


def _tell_managers(order: Order) -> None:
    from eoms.accounts.models import User

    managers = User.objects.with_role("manager").filter(is_active=True)
    notifications.notify(managers, kind="order.unassigned",
                         title=_("订单 %(c)s 待分派") % {"c": order.code},
                         body=order.assignment_note, url=_url(order))


def _assign(order: Order, *, owner: Any, actor: Any, rule: Any, note: str, reason: str) -> None:
    old = order.status
    order.owner = owner
    order.assigned_by_rule = rule
    order.assignment_note = note[:300]
    if old == OrderStatus.SUBMITTED:
        order.status = OrderStatus.ASSIGNED
    order.version += 1
    event = "order.assigned" if rule is not None else "order.reassigned"
    with business_event(event, actor=actor, reason=reason):
        order.save()
    if order.status != old:
        new = order.status
        transaction.on_commit(lambda: order_status_changed.send(
            sender=Order, order=order, old=old, new=new, actor=actor))
        _tell_customer(order, old, new)
    notifications.notify([owner], kind="order.assigned",
                         title=_("订单 %(c)s 分派给您") % {"c": order.code},
                         body=f"{order.title}\n{note}", url=_url(order))
    transaction.on_commit(lambda: order_assigned.send(
        sender=Order, order=order, owner=owner, rule=rule, actor=actor))


@transaction.atomic
def assign_order(order: Order, *, actor: Any, to: Any, reason: str) -> Order:
    """Manual assignment or reassignment (override of the rules); needs a reason."""
    locked = Order.objects.select_for_update().get(pk=order.pk)
    require(actor, ASSIGN, locked)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("人工分派需要填写原因。")})
    if to is None or not to.is_active or PROJECT_MANAGER not in roles_of(to):
        raise ValidationError({"owner": _("负责人必须是在职的项目经理。")})
    if locked.status in (OrderStatus.DRAFT, OrderStatus.CLOSED, OrderStatus.CANCELLED):
        raise ValidationError(_("“%(s)s”状态的订单不能分派。") % {"s": locked.get_status_display()})
    if locked.owner_id == to.pk:
        raise ValidationError({"owner": _("%(u)s 已是该订单的负责人。") % {"u": to}})
    note = _("%(who)s 人工分派：%(why)s") % {"who": actor, "why": reason}
    _assign(locked, owner=to, actor=actor, rule=None, note=note, reason=reason)
    return locked


@transaction.atomic
def decide_extension(order: Order, *, actor: Any, approve: bool, reason: str = "") -> Order:
    """Approve (the parent's promised date moves) or reject an extension order."""
    locked = Order.objects.select_for_update().get(pk=order.pk)
    require(actor, ASSIGN, locked)
    if locked.order_type != OrderType.EXTENSION or \
            locked.extension_state != ExtensionState.PENDING:
        raise ValidationError(_("该订单没有待审批的延期申请。"))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError({"reason": _("驳回需要填写原因。")})
    locked.extension_state = ExtensionState.APPROVED if approve else ExtensionState.REJECTED
    moves = approve and locked.parent_id is not None and locked.proposed_date is not None
    if moves:
        locked.promised_date = locked.proposed_date
    locked.version += 1
    event = "order.extension_approved" if approve else "order.extension_rejected"
    with business_event(event, actor=actor, reason=reason):
        locked.save()
        if moves:
            parent = Order.objects.select_for_update().get(pk=locked.parent_id)
            parent.promised_date = locked.proposed_date
            parent.version += 1
            parent.save()
    return locked


def add_comment(order: Order, *, actor: Any, text: str) -> OrderComment:
    require(actor, COMMENT, order)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("请填写备注内容。")})
    if len(text) > 4000:
        raise ValidationError({"text": _("备注不能超过 4000 个字符。")})
    with business_event("order.commented", actor=actor):
        comment = OrderComment.objects.create(order=order, text=text, created_by=actor)
    _tell_team_of_message(order, actor, text)
    return comment


def _tell_team_of_message(order: Order, actor: Any, text: str) -> None:
    """A message from the customer reaches the order's owner (or the project's manager)."""
    if CUSTOMER not in roles_of(actor) or roles_of(actor) - {CUSTOMER}:
        return
    recipient = order.owner or order.project.manager
    if recipient is None:
        return
    notifications.notify(
        [recipient], kind="order.customer_message",
        title=_("客户就订单 %(c)s 留言") % {"c": order.code}, body=text[:500], url=_url(order))


def is_overdue(order: Order, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return bool(order.promised_date and order.promised_date < today
                and order.status not in (OrderStatus.DELIVERED, OrderStatus.CLOSED,
                                         OrderStatus.CANCELLED))
