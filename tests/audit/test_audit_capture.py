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


def test_it_records_many_to_many_changes(world, ctx):
    from eoms.masterdata.models import MaterialCategory

    extra = MaterialCategory.objects.create(code="FS", name="防水材料")
    world.supplier.categories.add(extra)
    world.supplier.categories.remove(world.category)
    entries = AuditEntry.objects.for_object(world.supplier).order_by("-seq")[:2]
    assert entries[1].changes == {"categories": {"added": [extra.pk]}}
    assert entries[0].changes == {"categories": {"removed": [world.category.pk]}}


def test_history_shows_names_and_labels_not_raw_values(world, ctx):
    from eoms.audit.history import history_for
    from eoms.masterdata.models import MaterialCategory, ProjectStatus

    with business_event("project.updated", actor=world.manager):
        world.project.status = ProjectStatus.SUSPENDED
        world.project.manager = world.other_pm
        world.project.save()
    world.supplier.categories.add(MaterialCategory.objects.create(code="FS", name="防水材料"))
    latest = history_for(world.project)[0]
    rows = {r["field"]: (r["before"], r["after"]) for r in latest.changes}
    assert rows["状态"] == ("在建", "停工")
    assert rows["项目经理"] == (str(world.pm), str(world.other_pm))
    added = history_for(world.supplier)[0].changes[0]
    assert added["field"] == "准入物料分类" and "防水材料" in added["after"]
