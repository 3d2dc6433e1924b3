"""Who sees and changes master data.

Management, finance and auditors see all of it. A project manager, QC inspector,
procurement officer or site worker sees the projects (and sites) he is a member or the
manager of; a customer's user sees his own customer record and its projects.
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
    SITE_WORKER,
    STAFF_ROLES,
    VIEW,
    Policy,
    register,
    roles_of,
)
from eoms.masterdata.models import (
    CostCode,
    Customer,
    CustomerUser,
    Material,
    MaterialCategory,
    Project,
    ProjectMember,
    Site,
    Supplier,
)

OFFICE = frozenset({MANAGER, FINANCE, AUDITOR})


def project_scope(user: Any, prefix: str = "") -> Q:
    """Projects the user works in (member or manager) or, for a customer, his own."""
    return (Q(**{f"{prefix}memberships__user": user}) | Q(**{f"{prefix}manager": user})
            | Q(**{f"{prefix}customer__memberships__user": user}))


@register
class CustomerPolicy(Policy):
    model = Customer
    rules = {VIEW: OFFICE | {PROJECT_MANAGER, CUSTOMER}, EXPORT: OFFICE | {PROJECT_MANAGER},
             ADD: {MANAGER}, CHANGE: {MANAGER}, DELETE: {MANAGER}}
    sees_all = OFFICE

    def scope(self, user: Any, qs: models.QuerySet, action: str,
              roles: frozenset[str]) -> models.QuerySet:
        if roles & OFFICE:  # export, change, delete by office roles cover every row
            return qs
        own = Q(memberships__user=user)
        if PROJECT_MANAGER in roles:
            own |= Q(projects__manager=user) | Q(projects__memberships__user=user)
        return qs.filter(own).distinct()


@register
class CustomerUserPolicy(Policy):
    model = CustomerUser
    rules = {VIEW: OFFICE, ADD: {MANAGER}, CHANGE: {MANAGER}, DELETE: {MANAGER}}


@register
class SupplierPolicy(Policy):
    model = Supplier
    rules = {VIEW: OFFICE | {PROCUREMENT, PROJECT_MANAGER, QC_INSPECTOR},
             EXPORT: OFFICE | {PROCUREMENT}, ADD: {PROCUREMENT, MANAGER},
             CHANGE: {PROCUREMENT, MANAGER}, DELETE: {MANAGER}}
    sees_all = OFFICE | {PROCUREMENT, PROJECT_MANAGER, QC_INSPECTOR}


@register
class MaterialCategoryPolicy(Policy):
    model = MaterialCategory
    rules = {VIEW: STAFF_ROLES, EXPORT: OFFICE | {PROCUREMENT}, ADD: {PROCUREMENT, MANAGER},
             CHANGE: {PROCUREMENT, MANAGER}, DELETE: {MANAGER}}
    sees_all = STAFF_ROLES


@register
class MaterialPolicy(MaterialCategoryPolicy):
    model = Material  # type: ignore[assignment]


@register
class ProjectPolicy(Policy):
    model = Project
    rules = {VIEW: STAFF_ROLES | {CUSTOMER}, EXPORT: OFFICE | {PROJECT_MANAGER},
             ADD: {MANAGER}, CHANGE: {MANAGER, PROJECT_MANAGER}, DELETE: {MANAGER}}
    sees_all = OFFICE

    def scope(self, user: Any, qs: models.QuerySet, action: str,
              roles: frozenset[str]) -> models.QuerySet:
        if roles & OFFICE:  # export, change, delete by office roles cover every row
            return qs
        if action == CHANGE:  # a project manager changes only the projects he manages
            return qs.filter(manager=user) if MANAGER not in roles else qs
        return qs.filter(project_scope(user)).distinct()


@register
class SitePolicy(Policy):
    model = Site
    rules = {VIEW: STAFF_ROLES | {CUSTOMER}, EXPORT: OFFICE | {PROJECT_MANAGER},
             ADD: {MANAGER, PROJECT_MANAGER}, CHANGE: {MANAGER, PROJECT_MANAGER},
             DELETE: {MANAGER}}
    sees_all = OFFICE

    def scope(self, user: Any, qs: models.QuerySet, action: str,
              roles: frozenset[str]) -> models.QuerySet:
        if roles & OFFICE:  # export, change, delete by office roles cover every row
            return qs
        if action in (ADD, CHANGE):
            return qs if MANAGER in roles else qs.filter(project__manager=user)
        return qs.filter(project_scope(user, "project__")).distinct()

    def allows_object(self, user: Any, action: str, obj: models.Model) -> bool:
        if action in (ADD, CHANGE) and not roles_of(user) & {MANAGER, ADMIN}:
            return obj.project.manager_id == user.pk  # type: ignore[attr-defined]
        return True


@register
class ProjectMemberPolicy(Policy):
    model = ProjectMember
    rules = {VIEW: STAFF_ROLES, ADD: {MANAGER, PROJECT_MANAGER},
             DELETE: {MANAGER, PROJECT_MANAGER}}
    sees_all = OFFICE

    def scope(self, user: Any, qs: models.QuerySet, action: str,
              roles: frozenset[str]) -> models.QuerySet:
        if action in (ADD, DELETE):
            return qs if MANAGER in roles else qs.filter(project__manager=user)
        return qs.filter(project_scope(user, "project__")).distinct()

    def allows_object(self, user: Any, action: str, obj: models.Model) -> bool:
        if action in (ADD, DELETE) and not roles_of(user) & {MANAGER, ADMIN}:
            return obj.project.manager_id == user.pk  # type: ignore[attr-defined]
        return True


@register
class CostCodePolicy(Policy):
    model = CostCode
    rules = {VIEW: STAFF_ROLES - {SITE_WORKER}, EXPORT: OFFICE, ADD: {FINANCE, MANAGER},
             CHANGE: {FINANCE, MANAGER}, DELETE: {FINANCE}}
    sees_all = STAFF_ROLES
