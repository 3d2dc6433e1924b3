from decimal import Decimal

from django.core.files.storage import default_storage

from eoms.audit.models import AuditEntry
from eoms.materials.models import BatchUsage, Delivery, ReceivedBatch
from eoms.testing.materials_world import build_materials


def test_it_receives_a_delivery_with_its_batch_and_certificate(world):
    mat = build_materials(world)
    delivery = Delivery.objects.get(pk=mat.delivery.pk)
    assert delivery.code.startswith("JC-")
    assert delivery.received_by == world.buyer
    batch = ReceivedBatch.objects.get(delivery=delivery)
    assert (batch.batch_number, batch.quantity, batch.unit) == ("L2026-0415", Decimal("5"), "吨")
    assert batch.label_code.startswith("MB-")
    assert batch.certificate_type == "application/pdf"
    assert default_storage.open(batch.certificate_file.name).read().startswith(b"%PDF-")
    assert batch.test_report_file.name.endswith(".pdf")
    assert "合格证" not in batch.certificate_file.name  # random names


def test_it_records_the_business_events_in_the_audit_log(world):
    mat = build_materials(world)
    events = set(AuditEntry.objects.values_list("event", flat=True))
    assert {"delivery.received", "batch.used"} <= events
    assert BatchUsage.objects.get(pk=mat.usage.pk).recorded_by == world.worker
