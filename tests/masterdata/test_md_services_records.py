"""Master-data services: no-op saves, scope checks, link rules, duplicates within scope."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from eoms.audit.models import AuditEntry
from eoms.masterdata import services
from eoms.masterdata.models import (
    CostCode,
    Customer,
    MaterialCategory,
    Project,
    ProjectMember,
    Site,
)


def test_it_writes_nothing_when_an_update_changes_nothing(world):
    customer = world.customer
    entries = AuditEntry.objects.count()
    saved = services.update_record(customer, actor=world.manager,
                                   data={"name": customer.name, "phone": ""},
                                   expected_version=1)
    assert saved.version == 1
    assert AuditEntry.objects.count() == entries


def test_it_bumps_the_version_and_records_a_real_change(world):
    saved = services.update_record(world.customer, actor=world.manager,
                                   data={"phone": "021-9"}, expected_version=1)
    assert saved.version == 2
    entry = AuditEntry.objects.for_object(saved).first()
    assert entry.event == "customer.updated" and entry.changes["phone"] == ["", "021-9"]


def test_it_refuses_a_stale_version_and_names_who_changed_it(world):
    services.update_record(world.customer, actor=world.admin, data={"phone": "1"},
                           expected_version=1)
    with pytest.raises(services.StaleVersion) as caught:
        services.update_record(world.customer, actor=world.manager, data={"phone": "2"},
                               expected_version=1)
    assert "admin 于" in caught.value.messages[0]


def test_it_forbids_changing_a_project_the_actor_does_not_manage(world, ctx):
    ProjectMember.objects.create(project=world.other_project, user=world.pm)
    with pytest.raises(PermissionDenied):
        services.update_record(world.other_project, actor=world.pm, data={"city": "宁波"},
                               expected_version=None)
    world.other_project.refresh_from_db()
    assert world.other_project.city == "杭州"


def test_it_keeps_a_project_managers_hands_off_the_projects_customer(world):
    with pytest.raises(ValidationError) as caught:
        services.update_record(world.project, actor=world.pm,
                               data={"customer": world.other_customer}, expected_version=None)
    assert "customer" in caught.value.message_dict
    world.project.refresh_from_db()
    assert world.project.customer == world.customer


def test_it_requires_the_project_manager_role_of_a_projects_manager(world):
    with pytest.raises(ValidationError) as caught:
        services.create_record(Project, actor=world.manager,
                               data={"name": "新项目", "customer": world.customer,
                                     "manager": world.buyer})
    assert "manager" in caught.value.message_dict
    assert not Project.objects.filter(name="新项目").exists()


def test_it_compares_site_names_within_the_same_project_only(world):
    site = services.create_record(Site, actor=world.manager,
                                  data={"name": "杭州工地", "project": world.project})
    assert site.project == world.project
    with pytest.raises(services.DuplicateWarning):
        services.create_record(Site, actor=world.manager,
                               data={"name": "杭州工地", "project": world.other_project})


def test_it_does_not_warn_again_when_the_name_is_unchanged(world):
    twin = services.create_record(Customer, actor=world.manager,
                                  data={"name": "上海申达建设"}, allow_duplicate=True)
    saved = services.update_record(twin, actor=world.manager, data={"name": "上海申达建设",
                                                                    "phone": "1"},
                                   expected_version=1)
    assert saved.phone == "1"


def test_it_refuses_a_category_that_is_its_own_ancestor(world):
    child = services.create_record(MaterialCategory, actor=world.manager,
                                   data={"code": "GJ-1", "name": "螺纹钢",
                                         "parent": world.category})
    with pytest.raises(ValidationError) as caught:
        services.update_record(world.category, actor=world.manager, data={"parent": child},
                               expected_version=None)
    assert "parent" in caught.value.message_dict


def test_it_requires_a_code_for_cost_codes(world):
    with pytest.raises(ValidationError) as caught:
        services.create_record(CostCode, actor=world.finance, data={"name": "杂费",
                                                                    "category": "other"})
    assert "code" in caught.value.message_dict


def test_it_never_reuses_a_deleted_records_code(world):
    customer = services.create_record(Customer, actor=world.manager, data={"name": "临时客户"})
    services.delete_record(customer, actor=world.manager)
    with pytest.raises(ValidationError) as caught:
        services.create_record(Customer, actor=world.manager,
                               data={"name": "另一个", "code": customer.code})
    assert "code" in caught.value.message_dict
    assert services.create_record(Customer, actor=world.manager,
                                  data={"name": "再一个"}).code != customer.code


def test_it_lets_management_export_and_delete_every_customer(world):
    assert services.may(world.manager, "delete", world.other_customer)
    assert Customer.objects.for_user(world.manager, "export").count() == 2
    assert Customer.objects.for_user(world.finance, "export").count() == 2
    assert not services.may(world.pm, "delete", world.customer)


def test_it_upserts_by_crm_id_without_a_second_row(world):
    first, created = services.upsert_customer_by_crm_id(
        "CRM-1", actor=world.manager, data={"name": "宁波港"})
    again, created_again = services.upsert_customer_by_crm_id(
        "CRM-1", actor=world.manager, data={"name": "宁波港"})
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk and again.version == 1
