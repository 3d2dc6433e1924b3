"""Who sees and does quality work.

Templates and checkpoints are read by all staff and kept by management and QC inspectors.
Management and auditors see every inspection; a QC inspector sees the inspections assigned
to him and those of his projects; a project manager those of his projects; a site worker
reads the inspections of his own (or his crew's) tasks; customers see none.

Inspections are filled and completed by QC inspectors (the one assigned, or one of the
project) and management; inspections are started by hand or re-inspected by QC,
the project's manager or management. Non-conformances are closed by QC and management.
Tasks are accepted by the project's manager, QC of the project or management.
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
    DELETE,
    MANAGER,
    PROJECT_MANAGER,
    QC_INSPECTOR,
    SITE_WORKER,
    STAFF_ROLES,
    VIEW,
    Policy,
    register,
    roles_of,
)
from eoms.orders.policies import order_scope
from eoms.quality.models import (
    Checkpoint,
    Inspection,
    InspectionPhoto,
    InspectionResult,
    InspectionTemplate,
    NonConformance,
    TaskAcceptance,
    TemplateItem,
)
from eoms.scheduling.policies import own_task_scope

READ_ALL = frozenset({MANAGER, AUDITOR})
INSPECTION_READERS = READ_ALL | {QC_INSPECTOR, PROJECT_MANAGER, SITE_WORKER}
INSPECTORS = frozenset({MANAGER, QC_INSPECTOR})
REINSPECT = "reinspect"
CLOSE = "close"


@register
class InspectionTemplatePolicy(Policy):
    model = InspectionTemplate
    rules = {VIEW: STAFF_ROLES, ADD: INSPECTORS, CHANGE: INSPECTORS, DELETE: INSPECTORS}
    sees_all = STAFF_ROLES


@register
class TemplateItemPolicy(InspectionTemplatePolicy):
    model = TemplateItem  # type: ignore[assignment]


@register
class CheckpointPolicy(InspectionTemplatePolicy):
    model = Checkpoint  # type: ignore[assignment]


def inspection_scope(user: Any, roles: frozenset[str], action: str, prefix: str = "") -> Q:
    """Inspections a user who does not see them all may see (VIEW) or act on."""
    scope = Q(pk__in=[])
    if QC_INSPECTOR in roles:
        scope |= Q(**{f"{prefix}inspector": user}) | order_scope(user, f"{prefix}order__")
    if action != VIEW and QC_INSPECTOR not in roles:
        if PROJECT_MANAGER in roles and action in (ADD, REINSPECT):
            scope |= order_scope(user, f"{prefix}order__")
        return scope
    if PROJECT_MANAGER in roles:
        scope |= order_scope(user, f"{prefix}order__")
    if SITE_WORKER in roles and action == VIEW:
        scope |= own_task_scope(user, f"{prefix}task__")
    return scope


class _InspectionPart(Policy):
    rules = {VIEW: INSPECTION_READERS, ADD: INSPECTORS | {PROJECT_MANAGER},
             CHANGE: INSPECTORS, DELETE: {MANAGER},
             REINSPECT: INSPECTORS | {PROJECT_MANAGER}, CLOSE: INSPECTORS}
    sees_all = READ_ALL
    prefix = ""

    def scope(self, user: Any, qs: models.QuerySet, action: str,
              roles: frozenset[str]) -> models.QuerySet:
        if MANAGER in roles:
            return qs
        return qs.filter(inspection_scope(user, roles, action, self.prefix)).distinct()

    def allows_object(self, user: Any, action: str, obj: models.Model) -> bool:
        roles = roles_of(user)
        if roles & {MANAGER, ADMIN} or (action == VIEW and roles & READ_ALL):
            return True
        if obj.pk is None:
            order = self.order_of(obj)
            return order is not None and type(order).objects.filter(pk=order.pk).filter(
                order_scope(user)).exists()
        return self.visible(user, type(obj)._default_manager.filter(pk=obj.pk),
                            action).exists()

    def order_of(self, obj: Any) -> Any:
        inspection = getattr(obj, "inspection", None)
        return inspection.order if inspection is not None else getattr(obj, "order", None)


@register
class InspectionPolicy(_InspectionPart):
    model = Inspection


@register
class InspectionResultPolicy(_InspectionPart):
    model = InspectionResult
    prefix = "inspection__"


@register
class InspectionPhotoPolicy(_InspectionPart):
    model = InspectionPhoto
    prefix = "inspection__"


@register
class NonConformancePolicy(_InspectionPart):
    model = NonConformance
    prefix = "inspection__"


@register
class TaskAcceptancePolicy(Policy):
    """Who sees a task's acceptance: who sees the task; who accepts: the order's project
    manager or QC, and management."""

    model = TaskAcceptance
    rules = {VIEW: INSPECTION_READERS, ADD: {MANAGER, PROJECT_MANAGER, QC_INSPECTOR},
             DELETE: {MANAGER}}
    sees_all = READ_ALL

    def scope(self, user: Any, qs: models.QuerySet, action: str,
              roles: frozenset[str]) -> models.QuerySet:
        if MANAGER in roles:
            return qs
        scope = Q(pk__in=[])
        if roles & {PROJECT_MANAGER, QC_INSPECTOR}:
            scope |= order_scope(user, "task__order__")
        if SITE_WORKER in roles and action == VIEW:
            scope |= own_task_scope(user, "task__")
        return qs.filter(scope).distinct()

    def allows_object(self, user: Any, action: str, obj: models.Model) -> bool:
        roles = roles_of(user)
        if roles & {MANAGER, ADMIN} or (action == VIEW and roles & READ_ALL):
            return True
        order = obj.task.order  # type: ignore[attr-defined]
        if obj.pk is None:
            return bool(roles & {PROJECT_MANAGER, QC_INSPECTOR}) and type(order).objects.filter(
                pk=order.pk).filter(order_scope(user)).exists()
        return self.visible(user, type(obj)._default_manager.filter(pk=obj.pk),
                            action).exists()
