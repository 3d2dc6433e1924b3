"""Who sees and changes schedules.

Management, finance and auditors see every task. A project manager, buyer or QC inspector
sees the tasks of the orders he sees (his projects); a site worker sees only his own
tasks and those of the crews he is in or leads. Customers see no tasks (the portal shows
their orders' milestones). Planning (add, edit, move, link, baselines, imports) is for
management and the project managers of the order; progress is reported by the task's
owner, its crew leader and the planners.
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
    EXPORT,
    FINANCE,
    MANAGER,
    PROCUREMENT,
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
from eoms.scheduling.models import (
    Baseline,
    CalendarException,
    Schedule,
    ScheduleImport,
    Task,
    TaskLink,
    WorkCalendar,
)

OFFICE = frozenset({MANAGER, FINANCE, AUDITOR})
PLANNERS = frozenset({MANAGER, PROJECT_MANAGER})
TASK_READERS = OFFICE | {PROJECT_MANAGER, PROCUREMENT, QC_INSPECTOR, SITE_WORKER}
PLAN = "plan"
PROGRESS = "progress"


def own_task_scope(user: Any, prefix: str = "") -> Q:
    """Tasks a person does: he owns them, or his crew (as member or leader) does."""
    return (Q(**{f"{prefix}owner": user}) | Q(**{f"{prefix}crew__members": user})
            | Q(**{f"{prefix}crew__leader": user}))


def task_scope(user: Any, roles: frozenset[str], action: str, prefix: str = "") -> Q:
    own = own_task_scope(user, prefix)
    if action == PROGRESS and not roles & PLANNERS:
        return own
    if roles & {PROJECT_MANAGER, PROCUREMENT, QC_INSPECTOR}:
        return order_scope(user, f"{prefix}order__") | own
    return own


class _TaskLike(Policy):
    rules = {VIEW: TASK_READERS, EXPORT: OFFICE | {PROJECT_MANAGER},
             ADD: PLANNERS, CHANGE: PLANNERS, DELETE: PLANNERS, PLAN: PLANNERS,
             PROGRESS: PLANNERS | {SITE_WORKER}}
    sees_all = OFFICE
    prefix = ""

    def scope(self, user: Any, qs: models.QuerySet, action: str,
              roles: frozenset[str]) -> models.QuerySet:
        if roles & {MANAGER, ADMIN}:
            return qs
        if roles & OFFICE and action in (VIEW, EXPORT):
            return qs
        return qs.filter(task_scope(user, roles, action, self.prefix)).distinct()

    def allows_object(self, user: Any, action: str, obj: models.Model) -> bool:
        roles = roles_of(user)
        if roles & {MANAGER, ADMIN}:
            return True
        if roles & OFFICE and action in (VIEW, EXPORT):
            return True
        if not obj.pk:
            return self._may_plan_order(user, roles, obj)
        scoped = self.model._default_manager.filter(pk=obj.pk)
        return scoped.filter(task_scope(user, roles, action, self.prefix)).exists()

    def _may_plan_order(self, user: Any, roles: frozenset[str], obj: models.Model) -> bool:
        order = self.order_of(obj)
        return order is not None and PROJECT_MANAGER in roles and type(order).objects.filter(
            pk=order.pk).filter(order_scope(user)).exists()

    def order_of(self, obj: models.Model) -> Any:
        return getattr(obj, "order", None)


@register
class TaskPolicy(_TaskLike):
    model = Task


@register
class TaskLinkPolicy(_TaskLike):
    model = TaskLink
    prefix = "successor__"

    def order_of(self, obj: models.Model) -> Any:
        return obj.successor.order  # type: ignore[attr-defined]


class _OrderSchedulePart(Policy):
    """Schedule settings, baselines and import reports: readers of the order's plan."""

    rules = {VIEW: OFFICE | {PROJECT_MANAGER, PROCUREMENT, QC_INSPECTOR},
             EXPORT: OFFICE | {PROJECT_MANAGER}, ADD: PLANNERS, CHANGE: PLANNERS,
             DELETE: PLANNERS}
    sees_all = OFFICE

    def scope(self, user: Any, qs: models.QuerySet, action: str,
              roles: frozenset[str]) -> models.QuerySet:
        if roles & {MANAGER, ADMIN} or (roles & OFFICE and action in (VIEW, EXPORT)):
            return qs
        return qs.filter(order_scope(user, "order__")).distinct()

    def allows_object(self, user: Any, action: str, obj: models.Model) -> bool:
        roles = roles_of(user)
        if roles & {MANAGER, ADMIN} or (roles & OFFICE and action in (VIEW, EXPORT)):
            return True
        order = obj.order  # type: ignore[attr-defined]
        return type(order).objects.filter(pk=order.pk).filter(order_scope(user)).exists()


@register
class SchedulePolicy(_OrderSchedulePart):
    model = Schedule


@register
class BaselinePolicy(_OrderSchedulePart):
    model = Baseline


@register
class ScheduleImportPolicy(_OrderSchedulePart):
    model = ScheduleImport


@register
class WorkCalendarPolicy(Policy):
    """Everyone on the staff reads calendars. Management keeps the company and crew
    calendars; a project manager keeps the calendars of the projects he manages."""

    model = WorkCalendar
    rules = {VIEW: STAFF_ROLES, ADD: PLANNERS, CHANGE: PLANNERS, DELETE: PLANNERS}
    sees_all = STAFF_ROLES
    calendar_prefix = ""

    def scope(self, user: Any, qs: models.QuerySet, action: str,
              roles: frozenset[str]) -> models.QuerySet:
        if MANAGER in roles:
            return qs
        return qs.filter(**{f"{self.calendar_prefix}project__manager": user})

    def allows_object(self, user: Any, action: str, obj: models.Model) -> bool:
        roles = roles_of(user)
        if action == VIEW or roles & {MANAGER, ADMIN}:
            return True
        calendar = self.calendar_of(obj)
        project = calendar.project
        return project is not None and project.manager_id == user.pk

    def calendar_of(self, obj: models.Model) -> WorkCalendar:
        return obj  # type: ignore[return-value]


@register
class CalendarExceptionPolicy(WorkCalendarPolicy):
    model = CalendarException  # type: ignore[assignment]
    calendar_prefix = "calendar__"

    def calendar_of(self, obj: models.Model) -> WorkCalendar:
        return obj.calendar  # type: ignore[attr-defined]
