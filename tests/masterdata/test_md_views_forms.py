"""Create, edit and delete pages: generated codes, duplicates, stale edits, permissions."""

from django.urls import reverse

from eoms.audit.models import AuditEntry
from eoms.masterdata import services
from eoms.masterdata.models import (
    Customer,
    Material,
    Project,
    ProjectMember,
    Site,
    Supplier,
)


def _customer_form(**overrides):
    data = {"code": "", "name": "苏州工业园区建设公司", "short_name": "", "contact_name": "",
            "phone": "", "email": "", "address": "", "crm_id": "", "active": "on",
            "notes": ""}
    data.update(overrides)
    return data


def _edit_form(obj, **overrides):
    data = _customer_form(code=obj.code, name=obj.name, version=obj.version)
    data.update(overrides)
    return data


def test_it_creates_a_customer_with_a_generated_code(world, login):
    response = login(world.manager).post(reverse("masterdata:customer_create"),
                                         _customer_form())
    created = Customer.objects.get(name="苏州工业园区建设公司")
    assert created.code == "CUS-00001"
    assert response.status_code == 302
    assert response["Location"] == reverse("masterdata:customer_detail", args=[created.pk])
    assert AuditEntry.objects.for_object(created).get().event == "customer.created"


def test_it_generates_a_material_code_from_its_category(world, login):
    login(world.buyer).post(reverse("masterdata:material_create"), {
        "code": "", "name": "HRB400 盘螺", "category": world.category.pk, "specification": "",
        "unit": "吨", "standard_price": "4100", "active": "on", "notes": ""})
    assert Material.objects.get(name="HRB400 盘螺").code == "MAT-GJ-0001"


def test_it_warns_of_a_duplicate_name_and_writes_nothing(world, login):
    response = login(world.manager).post(reverse("masterdata:customer_create"),
                                         _customer_form(name="上海申达建设"))
    assert response.status_code == 200
    form = response.context["form"]
    assert [d["code"] for d in form.duplicates] == ["CUS-T0001"]
    assert form.duplicates[0]["url"] == reverse("masterdata:customer_detail",
                                                args=[world.customer.pk])
    assert "confirm_duplicate" in form.fields
    assert "仍然保存" in response.content.decode()
    assert Customer.objects.count() == 2


def test_it_saves_a_duplicate_name_once_confirmed(world, login):
    client = login(world.manager)
    response = client.post(reverse("masterdata:customer_create"),
                           _customer_form(name="上海申达建设", confirm_duplicate="on"))
    assert response.status_code == 302
    assert Customer.objects.filter(name="上海申达建设").exists()


def test_it_tells_who_changed_a_record_meanwhile(world, login):
    client = login(world.manager)
    customer = world.customer
    client.get(reverse("masterdata:customer_edit", args=[customer.pk]))  # loads version 1
    services.update_record(customer, actor=world.admin, data={"phone": "021-1"},
                           expected_version=1)
    response = client.post(reverse("masterdata:customer_edit", args=[customer.pk]),
                           _edit_form(customer, version=1, name="改了名字"))
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert "该记录已被 admin 于" in errors[0]
    customer.refresh_from_db()
    assert customer.name == "上海申达建设有限公司" and customer.version == 2


def test_it_saves_an_edit_and_keeps_the_code(world, login):
    customer = world.customer
    response = login(world.manager).post(
        reverse("masterdata:customer_edit", args=[customer.pk]),
        _edit_form(customer, code="HACKED", phone="021-5555"))
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.code, customer.phone, customer.version) == ("CUS-T0001", "021-5555", 2)


def test_it_refuses_to_delete_a_customer_with_projects(world, login):
    client = login(world.manager)
    response = client.post(reverse("masterdata:customer_delete", args=[world.customer.pk]),
                           follow=True)
    assert Customer.objects.filter(pk=world.customer.pk).exists()
    assert "不能删除" in str(list(response.context["messages"])[0])


def test_it_deletes_an_unused_record(world, login, ctx):
    unused = Customer.objects.create(code="CUS-X9", name="无项目客户")
    response = login(world.manager).post(reverse("masterdata:customer_delete",
                                                 args=[unused.pk]))
    assert response["Location"] == reverse("masterdata:customer_list")
    assert not Customer.objects.filter(pk=unused.pk).exists()


def test_it_does_not_delete_on_get(world, login, ctx):
    unused = Customer.objects.create(code="CUS-X9", name="无项目客户")
    response = login(world.manager).get(reverse("masterdata:customer_delete",
                                                args=[unused.pk]))
    assert response.status_code == 405
    assert Customer.objects.filter(pk=unused.pk).exists()


def test_it_forbids_creating_to_a_read_only_role(world, login):
    client = login(world.auditor)
    assert client.get(reverse("masterdata:customer_create")).status_code == 403
    response = client.post(reverse("masterdata:customer_create"), _customer_form())
    assert response.status_code == 403
    assert Customer.objects.count() == 2


def test_it_forbids_a_member_to_edit_a_project_he_does_not_manage(world, login, ctx):
    ProjectMember.objects.create(project=world.other_project, user=world.pm)
    client = login(world.pm)
    url = reverse("masterdata:project_edit", args=[world.other_project.pk])
    assert client.get(url).status_code == 403
    detail = client.get(reverse("masterdata:project_detail", args=[world.other_project.pk]))
    assert detail.status_code == 200 and not detail.context["can_change"]


def test_it_lets_a_project_manager_edit_his_project_but_not_its_customer(world, login):
    project = world.project
    response = login(world.pm).post(reverse("masterdata:project_edit", args=[project.pk]), {
        "name": "浦东厂房扩建二期", "customer": world.other_customer.pk,
        "manager": world.other_pm.pk, "status": "active", "city": "上海", "address": "",
        "start_date": "", "end_date": "", "active": "on", "notes": "",
        "version": project.version})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.name == "浦东厂房扩建二期"
    assert (project.customer_id, project.manager_id) == (world.customer.pk, world.pm.pk)


def test_it_offers_a_project_manager_only_his_projects_for_a_new_site(world, login):
    client = login(world.pm)
    form = client.get(reverse("masterdata:site_create"),
                      {"project": world.project.pk}).context["form"]
    assert list(form.fields["project"].queryset) == [world.project]
    assert form.initial["project"] == str(world.project.pk)
    response = client.post(reverse("masterdata:site_create"), {
        "name": "杭州二号工地", "project": world.other_project.pk, "geofence_radius_m": 300,
        "active": "on"})
    assert response.status_code == 200
    assert "project" in response.context["form"].errors
    assert not Site.objects.filter(name="杭州二号工地").exists()


def test_it_saves_a_suppliers_approved_categories(world, login, ctx):
    other = world.category.__class__.objects.create(code="SN", name="水泥")
    response = login(world.buyer).post(reverse("masterdata:supplier_create"), {
        "name": "海螺水泥", "kind": "supplier", "categories": [world.category.pk, other.pk],
        "active": "on"})
    assert response.status_code == 302
    supplier = Supplier.objects.get(name="海螺水泥")
    assert set(supplier.categories.values_list("code", flat=True)) == {"GJ", "SN"}


def test_it_lets_the_project_manager_add_and_remove_members(world, login):
    client = login(world.pm)
    client.post(reverse("masterdata:project_member_add", args=[world.project.pk]),
                {"user": world.finance.pk})
    member = ProjectMember.objects.get(project=world.project, user=world.finance)
    client.post(reverse("masterdata:project_member_remove",
                        args=[world.project.pk, member.pk]))
    assert not ProjectMember.objects.filter(pk=member.pk).exists()


def test_it_forbids_a_member_to_change_the_member_list(world, login):
    client = login(world.buyer)
    response = client.post(reverse("masterdata:project_member_add", args=[world.project.pk]),
                           {"user": world.finance.pk})
    assert response.status_code == 403
    assert not ProjectMember.objects.filter(user=world.finance).exists()


def test_it_limits_the_manager_choice_to_project_managers(world, login):
    form = login(world.manager).get(reverse("masterdata:project_create")).context["form"]
    assert set(form.fields["manager"].queryset) == {world.pm, world.other_pm}


def test_it_rejects_an_end_date_before_the_start(world, login):
    response = login(world.manager).post(reverse("masterdata:project_create"), {
        "name": "新项目", "customer": world.customer.pk, "status": "planned",
        "start_date": "2026-05-01", "end_date": "2026-04-01", "active": "on"})
    assert "end_date" in response.context["form"].errors
    assert not Project.objects.filter(name="新项目").exists()


def test_it_shows_errors_for_an_empty_submission(world, login):
    response = login(world.manager).post(reverse("masterdata:customer_create"), {})
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert Customer.objects.count() == 2
