"""Appending to the hash chain and verifying it.

Each entry stores `prev_hash` (the hash of the entry before it) and `hash`, the SHA-256
of its own content and `prev_hash`. Editing a row breaks its hash; deleting one breaks
the next entry's `prev_hash`; inserting one breaks the link around it; deleting the
newest rows no longer matches the chain head.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from eoms.audit.models import AuditChainHead, AuditEntry

HASHED_FIELDS = (
    "seq", "timestamp", "actor_id", "actor_label", "token_id", "ip", "channel",
    "request_id", "job_id", "content_type_id", "object_id", "object_repr", "action",
    "event", "reason", "changes",
)


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    return value


def entry_hash(entry: AuditEntry) -> str:
    content = {name: _canonical(getattr(entry, name)) for name in HASHED_FIELDS}
    payload = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                         default=str)
    return hashlib.sha256((entry.prev_hash + payload).encode("utf-8")).hexdigest()


def _locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditChainHead.objects.get_or_create(pk=1)
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def append(**fields: Any) -> AuditEntry:
    """Write one entry at the end of the chain, in the caller's transaction."""
    with transaction.atomic():
        head = _locked_head()
        entry = AuditEntry(seq=head.last_seq + 1, prev_hash=head.last_hash, **fields)
        entry.hash = entry_hash(entry)
        entry.save(force_insert=True)
        AuditChainHead.objects.filter(pk=1).update(last_seq=entry.seq, last_hash=entry.hash)
    return entry


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""


def verify(batch_size: int = 5000) -> VerifyResult:
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        exists = AuditEntry.objects.exists()
        return VerifyResult(not exists, 0, None, "entries exist but the chain head is missing"
                            if exists else "")
    expected_prev = head.anchor_hash
    expected_seq = head.anchor_seq + 1
    checked = 0
    last_seq = head.anchor_seq
    qs = AuditEntry.objects.order_by("seq").filter(seq__gt=head.anchor_seq)
    for entry in qs.iterator(chunk_size=batch_size):
        if entry.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq,
                                f"entry #{expected_seq} is missing (next is #{entry.seq})")
        if entry.prev_hash != expected_prev:
            return VerifyResult(False, checked, entry.seq,
                                f"entry #{entry.seq} does not follow the entry before it")
        if entry_hash(entry) != entry.hash:
            return VerifyResult(False, checked, entry.seq,
                                f"entry #{entry.seq} was changed after it was written")
        expected_prev = entry.hash
        expected_seq += 1
        last_seq = entry.seq
        checked += 1
    if last_seq != head.last_seq or expected_prev != head.last_hash:
        return VerifyResult(False, checked, last_seq + 1,
                            f"the chain ends at #{last_seq} but its head says #{head.last_seq}")
    return VerifyResult(True, checked)
