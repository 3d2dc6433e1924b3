"""The demo logins shown on the login page while demo accounts exist (EOMS_DEMO_HINT)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEMO_PASSWORD = "eoms-demo-2026"
DEMO_PREFIX = "demo_"


def demo_logins() -> dict[str, Any]:
    from eoms.accounts.models import Role, RoleAssignment

    if not settings.DEMO_HINT:
        return {}
    rows = (RoleAssignment.objects.filter(user__username__startswith=DEMO_PREFIX,
                                          user__is_active=True)
            .values_list("role", "user__username").order_by("role", "user__username"))
    first: dict[str, str] = {}
    for role, username in rows:
        first.setdefault(role, username)
    if not first:
        return {}
    return {"demo_logins": [(u, Role(r).label) for r, u in first.items()],
            "demo_password": DEMO_PASSWORD}
