"""Delivering an order (through eoms.orders.services.transition) leaves its quality report
as a PDF in the archive, made by the job the delivery queues; the SHA-256 of the stored
file is in the audit entry of the archive's creation, and the audit chain still verifies."""

import hashlib

from django.core.files.storage import default_storage

from eoms.audit import chain
from eoms.audit.models import AuditAction, AuditEntry
from eoms.quality.models import QualityArchive
from eoms.testing.archive_world import build_delivered


def test_it_archives_the_quality_report_when_the_order_is_delivered(world):
    a = build_delivered(world)
    archive = QualityArchive.objects.get(order=a.order)
    assert archive.version == 1 and archive.created_by is None
    with default_storage.open(archive.file.name, "rb") as stored:
        data = stored.read()
    assert data.startswith(b"%PDF-")
    assert archive.sha256 == hashlib.sha256(data).hexdigest()
    assert archive.size_bytes == len(data) and archive.page_count >= 4

    entry = AuditEntry.objects.for_object(archive).get(action=AuditAction.CREATE)
    assert entry.event == "quality_archive.created"
    assert entry.changes["sha256"] == [None, hashlib.sha256(data).hexdigest()]
    assert entry.changes["file"] == [None, archive.file.name]
    assert chain.verify().ok
