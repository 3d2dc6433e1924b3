"""Who sees and records material receiving.

Management, finance and auditors see every delivery, batch and usage. A project manager,
buyer (procurement) or QC inspector sees those of the orders of his projects, and
receives deliveries for them. A site worker sees the batches of the orders he has tasks
in, and records (and sees) their use on his own tasks (or his crew's). Customers see none.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from eoms.core.access import (
    ADD,
    ADMIN,
    AUDITOR,
    EXPORT,
    FINANCE,
    MANAGER,
    PROCUREMENT,
    PROJECT_MANAGER,
    QC_INSPECTOR,
    SITE_WORKER,
    VIEW,
    Policy,
    register,
    roles_of,
)
from eoms.materials.models import BatchUsage, Delivery, ReceivedBatch
from eoms.orders.models import Order
from eoms.orders.policies import order_scope
from eoms.scheduling.models import Task
from eoms.scheduling.policies import own_task_scope

OFFICE = frozenset({MANAGER, FINANCE, AUDITOR})
PROJECT_STAFF = frozenset({PROJECT_MANAGER, PROCUREMENT, QC_INSPECTOR})
RECEIVERS = frozenset({MANAGER}) | PROJECT_STAFF
USAGE_RECORDERS = frozenset({MANAGER, PROJECT_MANAGER, QC_INSPECTOR, SITE_WORKER})


def _everything(roles: frozenset[str], action: str) -> bool:
    return bool(roles & {MANAGER, ADMIN}) or (bool(roles & OFFICE) and action in (VIEW, EXPORT))


def may_receive_for(user: Any, order: Order) -> bool:
    """Whether a user may receive material for an order (management; project staff of it)."""
    roles = roles_of(user)
    if roles & {MANAGER, ADMIN}:
        return True
    if not roles & PROJECT_STAFF:
        return False
    return Order.objects.filter(pk=order.pk).filter(order_scope(user)).exists()


def usage_task_scope(user: Any, roles: frozenset[str], prefix: str = "") -> Q:
    """Tasks a user records batch usage on: his own (or his crew's); for a project manager
    or QC inspector also every task of the orders of his projects."""
    scope = own_task_scope(user, prefix)
    if roles & {PROJECT_MANAGER, QC_INSPECTOR}:
        scope |= order_scope(user, f"{prefix}order__")
    return scope


def may_use_on(user: Any, task: Task) -> bool:
    roles = roles_of(user)
    if roles & {MANAGER, ADMIN}:
        return True
    if not roles & USAGE_RECORDERS:
        return False
    return Task.objects.filter(pk=task.pk).filter(usage_task_scope(user, roles)).exists()


@register
class DeliveryPolicy(Policy):
    model = Delivery
    rules = {VIEW: OFFICE | PROJECT_STAFF, EXPORT: OFFICE | PROJECT_STAFF, ADD: RECEIVERS}
    sees_all = OFFICE

    def scope(self, user: Any, qs: models.QuerySet, action: str,
              roles: frozenset[str]) -> models.QuerySet:
        if _everything(roles, action):
            return qs
        return qs.filter(order_scope(user, "order__")).distinct()

    def allows_object(self, user: Any, action: str, obj: models.Model) -> bool:
        if _everything(roles_of(user), action):
            return True
        if action == ADD:
            return may_receive_for(user, obj.order)  # type: ignore[attr-defined]
        return Delivery.objects.filter(pk=obj.pk).filter(order_scope(user, "order__")).exists()


def batch_scope(user: Any, roles: frozenset[str], prefix: str = "") -> Q:
    order = f"{prefix}order_line__order__"
    scope = Q(pk__in=[])
    if roles & PROJECT_STAFF:
        scope |= order_scope(user, order)
    if SITE_WORKER in roles:
        scope |= own_task_scope(user, f"{order}tasks__")
    return scope


@register
class ReceivedBatchPolicy(Policy):
    model = ReceivedBatch
    rules = {VIEW: OFFICE | PROJECT_STAFF | {SITE_WORKER}, EXPORT: OFFICE | PROJECT_STAFF}
    sees_all = OFFICE

    def scope(self, user: Any, qs: models.QuerySet, action: str,
              roles: frozenset[str]) -> models.QuerySet:
        if _everything(roles, action):
            return qs
        return qs.filter(pk__in=ReceivedBatch.objects.filter(batch_scope(user, roles))
                         .values("pk"))

    def allows_object(self, user: Any, action: str, obj: models.Model) -> bool:
        roles = roles_of(user)
        if _everything(roles, action):
            return True
        return ReceivedBatch.objects.filter(pk=obj.pk).filter(batch_scope(user, roles)).exists()


@register
class BatchUsagePolicy(Policy):
    model = BatchUsage
    rules = {VIEW: OFFICE | PROJECT_STAFF | {SITE_WORKER}, EXPORT: OFFICE | PROJECT_STAFF,
             ADD: USAGE_RECORDERS}
    sees_all = OFFICE

    def _scope(self, user: Any, roles: frozenset[str], action: str) -> Q:
        if action == ADD:
            return usage_task_scope(user, roles, "task__")
        scope = own_task_scope(user, "task__")
        if roles & PROJECT_STAFF:
            scope |= order_scope(user, "task__order__")
        return scope

    def scope(self, user: Any, qs: models.QuerySet, action: str,
              roles: frozenset[str]) -> models.QuerySet:
        if _everything(roles, action):
            return qs
        return qs.filter(pk__in=BatchUsage.objects.filter(self._scope(user, roles, action))
                         .values("pk"))

    def allows_object(self, user: Any, action: str, obj: models.Model) -> bool:
        roles = roles_of(user)
        if _everything(roles, action):
            return True
        if action == ADD and obj.pk is None:
            return may_use_on(user, obj.task)  # type: ignore[attr-defined]
        return BatchUsage.objects.filter(pk=obj.pk).filter(
            self._scope(user, roles, action)).exists()
