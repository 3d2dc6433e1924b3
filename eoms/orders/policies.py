"""Who sees and acts on orders.

Management, finance and auditors see every order. A project manager sees the orders of
the projects he manages or is a member of, and those he owns; QC and procurement see the
orders of their projects; a customer's user sees his customer's orders only. Site workers
see tasks, not orders.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from eoms.core.access import (
    ADD,
    ADMIN,
    AUDITOR,
    CHANGE,
    CUSTOMER,
    DELETE,
    EXPORT,
    FINANCE,
    MANAGER,
    PROCUREMENT,
    PROJECT_MANAGER,
    QC_INSPECTOR,
    VIEW,
    Policy,
    register,
    roles_of,
)
from eoms.masterdata.models import CustomerUser, Project
from eoms.orders.models import (
    AssignmentGroup,
    AssignmentRule,
    Order,
    OrderAttachment,
    OrderComment,
    OrderLine,
    SavedFilter,
)

OFFICE = frozenset({MANAGER, FINANCE, AUDITOR})
ORDER_READERS = OFFICE | {PROJECT_MANAGER, PROCUREMENT, QC_INSPECTOR, CUSTOMER}
ASSIGN = "assign"
TRANSITION = "transition"
COMMENT = "comment"


def order_scope(user: Any, prefix: str = "") -> Q:
    return (Q(**{f"{prefix}project__memberships__user": user})
            | Q(**{f"{prefix}project__manager": user})
            | Q(**{f"{prefix}owner": user})
            | Q(**{f"{prefix}customer__memberships__user": user}))


@register
class OrderPolicy(Policy):
    model = Order
    rules = {
        VIEW: ORDER_READERS, EXPORT: OFFICE | {PROJECT_MANAGER},
        ADD: {MANAGER, PROJECT_MANAGER, PROCUREMENT, CUSTOMER},
        CHANGE: {MANAGER, PROJECT_MANAGER, PROCUREMENT, CUSTOMER},
        DELETE: {MANAGER},
        ASSIGN: {MANAGER},
        TRANSITION: ORDER_READERS - {FINANCE, AUDITOR},
        COMMENT: ORDER_READERS - {AUDITOR},
    }
    sees_all = OFFICE

    def scope(self, user: Any, qs: models.QuerySet, action: str,
              roles: frozenset[str]) -> models.QuerySet:
        if roles & {MANAGER, ADMIN} or self._office_may(roles, action):
            return qs
        return qs.filter(order_scope(user)).distinct()

    def _office_may(self, roles: frozenset[str], action: str) -> bool:
        """Finance and auditors see every order, so they export (and finance comments on)
        every order too, as far as the action is theirs at all."""
        return action in (VIEW, COMMENT, EXPORT) and bool(roles & OFFICE & self.roles_for(action))

    def allows_object(self, user: Any, action: str, obj: models.Model) -> bool:
        roles = roles_of(user)
        if roles & {MANAGER, ADMIN}:
            return True
        if self._office_may(roles, action):
            return True
        if action in (VIEW, COMMENT, TRANSITION, EXPORT):
            return Order.objects.filter(pk=obj.pk).filter(order_scope(user)).exists()
        if action == CHANGE and CUSTOMER in roles and not roles & {PROJECT_MANAGER}:
            # A customer edits his own orders while they are drafts.
            return obj.status == "draft" and obj.customer.memberships.filter(  # type: ignore[attr-defined]
                user=user).exists()
        if action == ADD and not obj.pk:
            return may_place(user, obj)  # type: ignore[arg-type]
        if action in (ADD, CHANGE):
            return Order.objects.filter(pk=obj.pk).filter(order_scope(user)).exists()
        return False


def may_place(user: Any, order: Order) -> bool:
    """Whether a user may put an order (new, or moved by an edit) into its project and
    customer: management anywhere; a project manager, buyer or QC in the projects he
    manages or belongs to; a customer's user for his own customer only."""
    roles = roles_of(user)
    if roles & {MANAGER, ADMIN}:
        return True
    if CUSTOMER in roles and order.customer_id and CustomerUser.objects.filter(
            customer_id=order.customer_id, user=user).exists():
        return True
    if roles & {PROJECT_MANAGER, PROCUREMENT, QC_INSPECTOR} and order.project_id:
        return Project.objects.filter(pk=order.project_id).filter(
            Q(manager=user) | Q(memberships__user=user)).exists()
    return False


class _ChildOfOrder(Policy):
    """Lines, comments and attachments follow their order's visibility."""

    rules = {VIEW: ORDER_READERS, ADD: ORDER_READERS - {AUDITOR},
             CHANGE: {MANAGER, PROJECT_MANAGER, PROCUREMENT, CUSTOMER}, DELETE: {MANAGER}}
    sees_all = OFFICE

    def scope(self, user: Any, qs: models.QuerySet, action: str,
              roles: frozenset[str]) -> models.QuerySet:
        if roles & {MANAGER, ADMIN}:
            return qs
        return qs.filter(order_scope(user, "order__")).distinct()


@register
class OrderLinePolicy(_ChildOfOrder):
    model = OrderLine


@register
class OrderCommentPolicy(_ChildOfOrder):
    model = OrderComment


@register
class OrderAttachmentPolicy(_ChildOfOrder):
    model = OrderAttachment


@register
class AssignmentRulePolicy(Policy):
    """Administrators and management keep the rules; project managers may read them."""

    model = AssignmentRule
    rules = {VIEW: {MANAGER, AUDITOR, PROJECT_MANAGER}, ADD: {MANAGER}, CHANGE: {MANAGER},
             DELETE: {MANAGER}}
    sees_all = {MANAGER, AUDITOR, PROJECT_MANAGER}


@register
class AssignmentGroupPolicy(AssignmentRulePolicy):
    model = AssignmentGroup  # type: ignore[assignment]


@register
class SavedFilterPolicy(Policy):
    model = SavedFilter
    rules = {VIEW: ORDER_READERS, ADD: ORDER_READERS, DELETE: ORDER_READERS}
    sees_all: frozenset[str] = frozenset()

    def visible(self, user: Any, qs: models.QuerySet, action: str) -> models.QuerySet:
        if not self.allows(user, action):
            return qs.none()
        return qs.filter(user=user)

    def allows_object(self, user: Any, action: str, obj: models.Model) -> bool:
        return obj.user_id == user.pk  # type: ignore[attr-defined]
