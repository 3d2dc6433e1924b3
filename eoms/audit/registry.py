from typing import Any

from django.utils.translation import gettext_lazy as _

from eoms.audit.history import prepare
from eoms.audit.models import AuditEntry
from eoms.core import dashboard, navigation

navigation.register(_("系统"), _("审计日志"), "audit:search", icon="shield", order=910,
                    model=AuditEntry)


def recent_for(user: Any) -> list[Any]:
    """The dashboard's recent activity: the user's own recent changes."""
    if not getattr(user, "is_authenticated", False):
        return []
    entries = AuditEntry.objects.filter(actor=user).select_related("content_type")[:8]
    return prepare(entries, resolve_names=False)


dashboard.register_recent(recent_for)
