"""Who sees and records field work.

Management, finance and auditors see every check-in, photo and timesheet entry. A project
manager, QC inspector or buyer sees those of the projects he works in; a site worker sees
his own, and a crew leader also his crew members'. Customers see none.

Anyone who works on site checks in for himself at the sites of his projects (a worker also
where he has tasks); devices check in workers of their own site. A check-in is changed
(check-out, photos) by its worker, or by management. Daily site logs are kept and signed
by the project's manager (and management); project staff read them.
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
    VIEW,
    Policy,
    register,
    roles_of,
)
from eoms.fieldwork.models import (
    CheckIn,
    DailyLog,
    DailyLogCrew,
    DeviceToken,
    Photo,
    TimesheetEntry,
)
from eoms.masterdata.models import Site
from eoms.masterdata.policies import project_scope
from eoms.scheduling.models import Task
from eoms.scheduling.policies import own_task_scope

OFFICE = frozenset({MANAGER, FINANCE, AUDITOR})
PROJECT_STAFF = frozenset({PROJECT_MANAGER, QC_INSPECTOR, PROCUREMENT})
FIELD = frozenset({SITE_WORKER}) | PROJECT_STAFF | {MANAGER}
SIGN = "sign"
SUPERVISE = "supervise"


def field_scope(user: Any, roles: frozenset[str], *, worker: str, site: str) -> Q:
    """Rows of field work a user sees: his own, his crew members' when he leads a crew,
    and for project staff everything on the sites of their projects."""
    scope = Q(**{worker: user}) | Q(**{f"{worker}__crew_memberships__crew__leader": user})
    if roles & PROJECT_STAFF:
        scope |= project_scope(user, f"{site}__project__")
    return scope


def may_work_at(user: Any, site: Site) -> bool:
    """Whether a person may check in at a site: a site of a project he works in, or for a
    worker a site where an order holds one of his (or his crew's) tasks."""
    roles = roles_of(user)
    if roles & {MANAGER, ADMIN}:
        return True
    if Site.objects.filter(pk=site.pk).filter(project_scope(user, "project__")).exists():
        return True
    return Task.objects.filter(own_task_scope(user)).filter(
        Q(order__site=site) | Q(order__site=None, order__project=site.project_id)).exists()


class _FieldRecord(Policy):
    rules = {VIEW: OFFICE | FIELD, EXPORT: OFFICE | {PROJECT_MANAGER},
             ADD: FIELD, CHANGE: FIELD, DELETE: {MANAGER}}
    sees_all = OFFICE
    worker = "worker"
    site = "site"

    def scope(self, user: Any, qs: models.QuerySet, action: str,
              roles: frozenset[str]) -> models.QuerySet:
        if MANAGER in roles or (roles & OFFICE and action in (VIEW, EXPORT)):
            return qs
        if action in (CHANGE, DELETE):
            return qs.filter(**{self.worker: user})
        return qs.filter(field_scope(user, roles, worker=self.worker, site=self.site)).distinct()

    def allows_object(self, user: Any, action: str, obj: models.Model) -> bool:
        roles = roles_of(user)
        if roles & {MANAGER, ADMIN}:
            return True
        if action == ADD:
            return getattr(obj, f"{self.worker}_id") == user.pk and may_work_at(
                user, getattr(obj, self.site))
        if roles & OFFICE and action in (VIEW, EXPORT):
            return True
        return self.visible(user, type(obj)._default_manager.filter(pk=obj.pk),
                            action).exists()


@register
class CheckInPolicy(_FieldRecord):
    model = CheckIn
    rules = {**_FieldRecord.rules, SUPERVISE: OFFICE | {PROJECT_MANAGER}}


@register
class PhotoPolicy(_FieldRecord):
    model = Photo
    worker = "taken_by"


@register
class TimesheetEntryPolicy(_FieldRecord):
    model = TimesheetEntry


def _log_scope(user: Any, roles: frozenset[str], action: str, prefix: str) -> Q:
    if action in (VIEW, EXPORT):
        return project_scope(user, f"{prefix}site__project__")
    return Q(**{f"{prefix}site__project__manager": user})


@register
class DailyLogPolicy(Policy):
    model = DailyLog
    rules = {VIEW: OFFICE | PROJECT_STAFF, EXPORT: OFFICE | PROJECT_STAFF,
             ADD: {MANAGER, PROJECT_MANAGER}, CHANGE: {MANAGER, PROJECT_MANAGER},
             SIGN: {MANAGER, PROJECT_MANAGER}, DELETE: {MANAGER}}
    sees_all = OFFICE
    prefix = ""

    def scope(self, user: Any, qs: models.QuerySet, action: str,
              roles: frozenset[str]) -> models.QuerySet:
        if MANAGER in roles or (roles & OFFICE and action in (VIEW, EXPORT)):
            return qs
        return qs.filter(_log_scope(user, roles, action, self.prefix)).distinct()

    def allows_object(self, user: Any, action: str, obj: models.Model) -> bool:
        roles = roles_of(user)
        if roles & {MANAGER, ADMIN} or (roles & OFFICE and action in (VIEW, EXPORT)):
            return True
        site = obj.site if isinstance(obj, DailyLog) else obj.log.site  # type: ignore[attr-defined]
        if action in (VIEW, EXPORT):
            return Site.objects.filter(pk=site.pk).filter(
                project_scope(user, "project__")).exists()
        return site.project.manager_id == user.pk


@register
class DailyLogCrewPolicy(DailyLogPolicy):
    model = DailyLogCrew  # type: ignore[assignment]
    prefix = "log__"


@register
class DeviceTokenPolicy(Policy):
    """Devices of a site are managed by management and the project's manager."""

    model = DeviceToken
    rules = {VIEW: {MANAGER, PROJECT_MANAGER}, ADD: {MANAGER, PROJECT_MANAGER},
             CHANGE: {MANAGER, PROJECT_MANAGER}, DELETE: {MANAGER, PROJECT_MANAGER}}
    sees_all = frozenset({MANAGER})

    def scope(self, user: Any, qs: models.QuerySet, action: str,
              roles: frozenset[str]) -> models.QuerySet:
        if MANAGER in roles:
            return qs
        return qs.filter(site__project__manager=user)

    def allows_object(self, user: Any, action: str, obj: models.Model) -> bool:
        if roles_of(user) & {MANAGER, ADMIN}:
            return True
        return obj.site.project.manager_id == user.pk  # type: ignore[attr-defined]
