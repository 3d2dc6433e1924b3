"""The one access path: which rows a user may see, and whether he may act on one.

Each app declares a `Policy` per model in its `policies.py` and registers it. Every list,
detail, search, export and API route reads through `Model.objects.for_user(user, action)`;
an object outside that queryset answers 404, and an action the policy refuses answers 403.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models

VIEW, ADD, CHANGE, DELETE, EXPORT = "view", "add", "change", "delete", "export"

ADMIN = "admin"
MANAGER = "manager"
PROJECT_MANAGER = "project_manager"
PROCUREMENT = "procurement"
QC_INSPECTOR = "qc_inspector"
SITE_WORKER = "site_worker"
FINANCE = "finance"
CUSTOMER = "customer"
AUDITOR = "auditor"

STAFF_ROLES = frozenset(
    {ADMIN, MANAGER, PROJECT_MANAGER, PROCUREMENT, QC_INSPECTOR, SITE_WORKER, FINANCE, AUDITOR}
)
READ_ALL_ROLES = frozenset({ADMIN, MANAGER, AUDITOR})


def roles_of(user: Any) -> frozenset[str]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if getattr(user, "is_superuser", False):
        return frozenset({ADMIN})
    return frozenset(user.role_codes)


class Policy:
    """Who may do what with one model.

    `rules` maps an action to the roles allowed it at all; `scope()` narrows the rows
    for a user whose roles do not see everything. Subclasses override `scope()` and,
    for conditions on the object itself, `allows_object()`.
    """

    model: type[models.Model]
    rules: dict[str, Iterable[str]] = {}
    # Roles that see every row for `view` without scope narrowing.
    sees_all: Iterable[str] = READ_ALL_ROLES

    def roles_for(self, action: str) -> frozenset[str]:
        return frozenset(self.rules.get(action, ())) | {ADMIN}

    def allows(self, user: Any, action: str, obj: models.Model | None = None) -> bool:
        roles = roles_of(user)
        if not roles & self.roles_for(action):
            return False
        return obj is None or self.allows_object(user, action, obj)

    def allows_object(self, user: Any, action: str, obj: models.Model) -> bool:
        return True

    def visible(self, user: Any, qs: models.QuerySet, action: str) -> models.QuerySet:
        roles = roles_of(user)
        if not roles & self.roles_for(action):
            return qs.none()
        if action == "view" and roles & (frozenset(self.sees_all) | {ADMIN}):
            return qs
        if action != "view" and ADMIN in roles:
            return qs
        return self.scope(user, qs, action, roles)

    def scope(self, user: Any, qs: models.QuerySet, action: str,
              roles: frozenset[str]) -> models.QuerySet:
        """Rows visible to a user who has the action's role but does not see everything."""
        return qs


_registry: dict[type[models.Model], Policy] = {}


def register(policy_class: type[Policy]) -> type[Policy]:
    _registry[policy_class.model] = policy_class()
    return policy_class


def policy_for(model: type[models.Model]) -> Policy:
    concrete = model._meta.concrete_model or model
    try:
        return _registry[concrete]
    except KeyError:
        raise LookupError(f"No access policy is registered for {concrete.__name__}")


def registered_models() -> list[type[models.Model]]:
    return list(_registry)


def can(user: Any, action: str, obj_or_model: Any) -> bool:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    obj = None if isinstance(obj_or_model, type) else obj_or_model
    return policy_for(model).allows(user, action, obj)


def require(user: Any, action: str, obj_or_model: Any) -> None:
    """Raise PermissionDenied (403) unless the user may perform the action."""
    if not can(user, action, obj_or_model):
        raise PermissionDenied(action)


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user: Any, action: str = VIEW) -> ScopedQuerySet:
        return policy_for(self.model).visible(user, self, action)  # type: ignore[return-value]
