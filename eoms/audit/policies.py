from eoms.audit.models import AuditEntry
from eoms.core.access import ADMIN, AUDITOR, VIEW, Policy, register


@register
class AuditEntryPolicy(Policy):
    """The audit search is for auditors and administrators; each object's own history is
    shown on its page to whoever may see the object."""

    model = AuditEntry
    rules = {VIEW: {ADMIN, AUDITOR}}
    sees_all = {ADMIN, AUDITOR}
