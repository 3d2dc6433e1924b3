"""The demo company: complete, coherent with the access rules, and loaded idempotently."""

from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction

from eoms.accounts.models import Crew, Role, User
from eoms.audit import chain
from eoms.audit.models import AuditEntry
from eoms.core.models import IssuedCode, Notification
from eoms.demo import data, loader
from eoms.masterdata.models import (
    CostCode,
    Customer,
    CustomerUser,
    Material,
    MaterialCategory,
    Project,
    Site,
    Supplier,
)


@pytest.fixture(scope="module")
def module_demo(django_db_setup, django_db_blocker):
    """The demo loaded once for the module, rolled back at its end; each test still runs
    in its own savepoint (through `db`), so a test's writes are undone after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield loader.run()
        transaction.set_rollback(True)


@pytest.fixture
def demo(module_demo, db):
    return module_demo


def test_it_creates_the_whole_company(demo):
    counts = loader.counts()
    assert counts.pop("check-ins") > 0  # how many depends on the hour: tests/demo/test_fw_*
    assert counts == {
        "users": 20, "customers": 8, "suppliers": 5, "material categories": 6,
        "materials": 30, "projects": 3, "sites": 5, "project members": 16, "crews": 4,
        "cost codes": 7, "notifications": 114, "assignment groups": 2,
        "assignment rules": 6, "orders": 34,
    }


def test_it_changes_nothing_when_run_twice(demo):
    before = loader.counts()
    entries = AuditEntry.objects.count()
    codes = IssuedCode.objects.count()
    second = loader.run()
    assert loader.counts() == before
    assert AuditEntry.objects.count() == entries
    assert IssuedCode.objects.count() == codes
    assert sum(second.created.values()) == 0
    assert second.existing["materials"] == 30


def test_it_leaves_an_intact_audit_chain(demo):
    result = chain.verify()
    assert result.ok, result.problem
    assert result.checked == AuditEntry.objects.count() > 100
    call_command("audit", "verify")


def test_it_records_every_row_under_a_named_business_event(demo):
    unnamed = AuditEntry.objects.filter(event="").values_list("object_repr", flat=True)
    assert list(unnamed) == []
    assert AuditEntry.objects.filter(event="project.created").count() == 3
    assert set(AuditEntry.objects.values_list("channel", flat=True)) == {"command"}


def test_it_gives_every_role_a_demo_user(demo):
    users = User.objects.filter(username__startswith="demo_")
    roles = Counter(r for u in users for r in u.role_codes)
    assert set(roles) == set(Role.values)
    assert all(u.email.endswith("@demo.eoms.local") and u.last_name for u in users)
    admin = User.objects.get(username="demo_admin")
    assert admin.is_staff and admin.is_superuser


def test_it_gives_every_project_a_manager_and_located_sites(demo):
    for project in Project.objects.all():
        assert project.manager is not None
        assert project.manager.has_role(Role.PROJECT_MANAGER)
        sites = list(project.sites.all())
        assert sites, project
        for site in sites:
            assert site.latitude is not None and site.longitude is not None
            assert 29 < site.latitude < 32 and 119 < site.longitude < 122  # Yangtze delta
            assert 10 <= site.geofence_radius_m <= 1000
    assert sorted(Project.objects.values_list("city", flat=True)) == ["上海", "杭州", "苏州"]


def test_it_uses_each_code_once(demo):
    for model in (Customer, Supplier, MaterialCategory, Material, Project, Site, CostCode, Crew):
        values = list(model.objects.values_list("code", flat=True))
        assert len(values) == len(set(values)), model
        assert all(values), model
    assert set(MaterialCategory.objects.values_list("code", flat=True)) == {
        "GJ", "HNT", "FS", "DQ", "GD", "ZS"}
    assert Material.objects.filter(code__startswith="MAT-GJ-", category__code="GJ").count() == 5


def test_it_links_each_client_to_his_customer_only(demo):
    client1 = User.objects.get(username="demo_client1")
    link = CustomerUser.objects.get(user=client1)
    assert link.customer.name == "上海浦江置业有限公司"
    visible = Project.objects.for_user(client1)
    assert list(visible.values_list("customer__crm_id", flat=True)) == ["CRM-SH-10023"]


def test_it_scopes_each_project_manager_to_his_project(demo):
    for row in data.PROJECTS:
        pm = User.objects.get(username=row["manager"])
        assert list(Project.objects.for_user(pm).values_list("name", flat=True)) == [
            row["name"]]


def test_it_gives_every_crew_a_leader_among_its_workers(demo):
    for crew in Crew.objects.prefetch_related("members"):
        members = list(crew.members.all())
        assert crew.leader in members
        assert all(m.has_role(Role.SITE_WORKER) for m in members)


def test_it_builds_the_cost_code_tree(demo):
    material = CostCode.objects.get(code="02")
    assert sorted(material.children.values_list("code", flat=True)) == ["02-01", "02-02"]
    assert CostCode.objects.get(code="04").category == "subcontract"


def test_it_leaves_unread_notifications_for_the_demo_pm(demo):
    pm = User.objects.get(username="demo_pm1")
    unread = Notification.objects.filter(user=pm, read_at__isnull=True, kind="system")
    assert unread.count() == len(data.NOTIFICATIONS)
    assert unread.exclude(url="").count() == 3


def test_it_approves_suppliers_for_material_categories(demo):
    steel = Supplier.objects.get(credit_code="91320582MA1N7K3D4Y")
    assert list(steel.categories.values_list("code", flat=True)) == ["GJ"]
    assert Supplier.objects.filter(categories__isnull=False).distinct().count() == 4
