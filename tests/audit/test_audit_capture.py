import pytest

from eoms.audit.capture import MissingAuditContext
from eoms.audit.models import AuditEntry
from eoms.core.context import business_event
from eoms.masterdata.models import Customer


def test_it_records_create_update_delete_with_field_diffs(ctx):
    c = Customer.objects.create(code="C1", name="甲公司", phone="123")
    c = Customer.objects.get(pk=c.pk)
    c.phone = "456"
    c.save()
    c.delete()
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["create", "update", "delete"]
    update = AuditEntry.objects.get(action="update")
    assert update.changes == {"phone": ["123", "456"]}
    assert update.channel == "test"
    assert update.object_repr == "C1 甲公司"


def test_it_writes_nothing_for_a_save_without_changes(ctx):
    c = Customer.objects.create(code="C1", name="甲公司")
    c = Customer.objects.get(pk=c.pk)
    c.save()
    assert AuditEntry.objects.count() == 1


def test_it_names_the_business_event_and_actor(world, ctx):
    with business_event("customer.renamed", actor=world.manager, reason="工商变更"):
        world.customer.name = "上海申达建设集团"
        world.customer.save()
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.event == "customer.renamed"
    assert entry.actor_id == world.manager.pk
    assert entry.reason == "工商变更"
    assert entry.changes["name"] == ["上海申达建设有限公司", "上海申达建设集团"]


@pytest.mark.django_db
def test_a_write_outside_any_context_fails_in_tests():
    with pytest.raises(MissingAuditContext):
        Customer.objects.create(code="C1", name="甲公司")
