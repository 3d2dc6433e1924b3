"""Who sees and makes quality archives (质量档案).

Staff who see an order see its archives: management, finance and auditors every one;
a project manager, QC inspector or buyer those of the orders of his projects (and those
he owns). A customer's user sees the archives of his own customer's orders once they
are delivered or closed, never before. Management and QC (of the order's project) make
a new version after a correction. Nobody deletes one: the policy has no DELETE rule and
the service refuses it anyway.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from eoms.core.access import (
    ADD,
    ADMIN,
    AUDITOR,
    CUSTOMER,
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
from eoms.orders.choices import OrderStatus
from eoms.quality.models import QualityArchive

RELEASED = (OrderStatus.DELIVERED, OrderStatus.CLOSED)
OFFICE = frozenset({MANAGER, FINANCE, AUDITOR})
PROJECT_STAFF = frozenset({PROJECT_MANAGER, PROCUREMENT, QC_INSPECTOR})


def staff_order_scope(user: Any, prefix: str = "") -> Q:
    """Orders a project's staff see (orders.policies.order_scope without the customer)."""
    return (Q(**{f"{prefix}project__memberships__user": user})
            | Q(**{f"{prefix}project__manager": user})
            | Q(**{f"{prefix}owner": user}))


def released_to_customer(user: Any, prefix: str = "") -> Q:
    return Q(**{f"{prefix}customer__memberships__user": user,
                f"{prefix}status__in": RELEASED})


@register
class QualityArchivePolicy(Policy):
    model = QualityArchive
    rules = {VIEW: OFFICE | PROJECT_STAFF | {CUSTOMER}, ADD: {MANAGER, QC_INSPECTOR}}
    sees_all = OFFICE

    def scope(self, user: Any, qs: models.QuerySet, action: str,
              roles: frozenset[str]) -> models.QuerySet:
        if MANAGER in roles:
            return qs
        found = Q(pk__in=[])
        if action == VIEW and roles & PROJECT_STAFF or action == ADD and QC_INSPECTOR in roles:
            found |= staff_order_scope(user, "order__")
        if action == VIEW and CUSTOMER in roles:
            found |= released_to_customer(user, "order__")
        return qs.filter(found).distinct()

    def allows_object(self, user: Any, action: str, obj: models.Model) -> bool:
        roles = roles_of(user)
        if roles & {MANAGER, ADMIN} or (action == VIEW and roles & OFFICE):
            return True
        if obj.pk is None:  # a new version: QC of the order's project
            order = obj.order  # type: ignore[attr-defined]
            return type(order).objects.filter(pk=order.pk).filter(
                staff_order_scope(user)).exists()
        return self.visible(user, type(obj)._default_manager.filter(pk=obj.pk),
                            action).exists()
