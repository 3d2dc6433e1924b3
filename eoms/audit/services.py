"""Audit operations a person or a job may run: purge old entries, record pure events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from eoms.audit import capture, chain
from eoms.audit.models import AuditAction, AuditChainHead, AuditEntry
from eoms.core import context

MINIMUM_RETENTION_DAYS = 183


@dataclass
class PurgeResult:
    deleted: int
    cutoff_seq: int


def purge(*, actor: object = None, days: int | None = None) -> PurgeResult:
    """Delete entries older than the retention, never younger ones; records that it ran.

    The chain stays verifiable: the head remembers the hash of the last deleted entry
    as the anchor the first kept entry links to.
    """
    days = settings.AUDIT_RETENTION_DAYS if days is None else days
    if days < MINIMUM_RETENTION_DAYS:
        raise ValueError(f"audit entries are kept at least {MINIMUM_RETENTION_DAYS} days")
    cutoff = timezone.now() - timedelta(days=days)
    with context.business_event("audit.purged", actor=actor), transaction.atomic():
        head = chain._locked_head()
        # Entries are chained in time order, so the old ones are a prefix of the chain.
        last_old = (AuditEntry.objects.filter(seq__gt=head.anchor_seq, timestamp__lt=cutoff)
                    .order_by("-seq").values("seq", "hash").first())
        deleted = 0
        if last_old is not None:
            deleted, _ = AuditEntry.objects.filter(seq__lte=last_old["seq"]).delete()
            AuditChainHead.objects.filter(pk=1).update(
                anchor_seq=last_old["seq"], anchor_hash=last_old["hash"])
        capture.record(action=AuditAction.EVENT, object_repr="audit log",
                       changes={"deleted": deleted, "retention_days": days,
                                "cutoff": cutoff.isoformat()})
    return PurgeResult(deleted=deleted, cutoff_seq=last_old["seq"] if last_old else 0)


def record_event(obj: object, event: str, *, actor: object = None, reason: str = "",
                 detail: dict | None = None) -> None:
    """A business event that changed no row of its own (a report sent, an export run)."""
    with context.business_event(event, actor=actor, reason=reason):
        capture.record(action=AuditAction.EVENT, obj=obj, changes=detail or {})  # type: ignore[arg-type]


def verify() -> chain.VerifyResult:
    return chain.verify()
