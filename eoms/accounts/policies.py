from typing import Any

from django.db import models

from eoms.accounts.models import ApiToken, Crew, CrewMembership, RoleAssignment, User
from eoms.core.access import (
    ADD,
    ADMIN,
    CHANGE,
    CUSTOMER,
    DELETE,
    EXPORT,
    MANAGER,
    PROJECT_MANAGER,
    SITE_WORKER,
    STAFF_ROLES,
    VIEW,
    Policy,
    register,
    roles_of,
)


@register
class UserPolicy(Policy):
    """Staff see the people directory; only administrators manage accounts."""

    model = User
    rules = {VIEW: STAFF_ROLES, EXPORT: {MANAGER}, ADD: {ADMIN}, CHANGE: {ADMIN},
             DELETE: {ADMIN}}
    sees_all = STAFF_ROLES


@register
class RoleAssignmentPolicy(Policy):
    model = RoleAssignment
    rules = {VIEW: STAFF_ROLES, ADD: {ADMIN}, CHANGE: {ADMIN}, DELETE: {ADMIN}}
    sees_all = STAFF_ROLES


@register
class CrewPolicy(Policy):
    """Managers and project managers run crews; a worker sees the crews he is in."""

    model = Crew
    rules = {VIEW: STAFF_ROLES, EXPORT: {MANAGER, PROJECT_MANAGER},
             ADD: {MANAGER}, CHANGE: {MANAGER}, DELETE: {MANAGER}}
    sees_all = STAFF_ROLES - {SITE_WORKER}

    def scope(self, user: Any, qs: models.QuerySet, action: str,
              roles: frozenset[str]) -> models.QuerySet:
        return qs.filter(models.Q(members=user) | models.Q(leader=user)).distinct()


@register
class CrewMembershipPolicy(CrewPolicy):
    model = CrewMembership  # type: ignore[assignment]

    def scope(self, user: Any, qs: models.QuerySet, action: str,
              roles: frozenset[str]) -> models.QuerySet:
        return qs.filter(models.Q(crew__members=user) | models.Q(crew__leader=user)).distinct()


@register
class ApiTokenPolicy(Policy):
    """Every user manages his own tokens; administrators may revoke anyone's."""

    model = ApiToken
    rules = {VIEW: STAFF_ROLES | {CUSTOMER}, ADD: STAFF_ROLES | {CUSTOMER},
             DELETE: STAFF_ROLES | {CUSTOMER}}
    sees_all = {ADMIN}

    def scope(self, user: Any, qs: models.QuerySet, action: str,
              roles: frozenset[str]) -> models.QuerySet:
        return qs.filter(user=user)

    def allows_object(self, user: Any, action: str, obj: models.Model) -> bool:
        return ADMIN in roles_of(user) or obj.user_id == user.pk  # type: ignore[attr-defined]
