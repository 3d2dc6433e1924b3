"""Master-data list and detail pages: who sees which rows, and what the pages show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from eoms.masterdata.models import Customer, Material, Project, Site

KINDS = ["customer", "supplier", "materialcategory", "material", "project", "site", "costcode"]


def _codes(response):
    return [row["obj"].code for row in response.context["rows"]]


def test_it_shows_a_project_manager_only_his_projects_sites_and_customers(world, login):
    client = login(world.pm)
    assert _codes(client.get(reverse("masterdata:project_list"))) == ["PRJ-T001"]
    assert _codes(client.get(reverse("masterdata:site_list"))) == ["SITE-T01"]
    assert _codes(client.get(reverse("masterdata:customer_list"))) == ["CUS-T0001"]


def test_it_shows_a_customer_user_only_his_own_customer_and_projects(world, login):
    client = login(world.client)
    assert _codes(client.get(reverse("masterdata:customer_list"))) == ["CUS-T0001"]
    assert _codes(client.get(reverse("masterdata:project_list"))) == ["PRJ-T001"]
    assert _codes(client.get(reverse("masterdata:site_list"))) == ["SITE-T01"]


def test_it_shows_management_every_customer(world, login):
    response = login(world.manager).get(reverse("masterdata:customer_list"))
    assert _codes(response) == ["CUS-T0001", "CUS-T0002"]


@pytest.mark.parametrize("kind,attr", [("customer", "customer"), ("project", "project"),
                                       ("site", "site")])
def test_it_answers_404_to_an_outsider_on_the_worlds_records(world, login, kind, attr):
    obj = getattr(world, attr)
    client = login(world.outsider)
    assert client.get(reverse(f"masterdata:{kind}_detail", args=[obj.pk])).status_code == 404
    assert client.get(reverse(f"masterdata:{kind}_edit", args=[obj.pk])).status_code == 404
    assert client.post(reverse(f"masterdata:{kind}_delete", args=[obj.pk])).status_code == 404


def test_it_answers_403_to_a_role_without_the_list(world, login):
    response = login(world.worker).get(reverse("masterdata:costcode_list"))
    assert response.status_code == 403


def test_it_searches_in_halfwidth_and_any_case(world, login, ctx):
    Customer.objects.create(code="CUS-X1", name="ABC 建材")
    response = login(world.manager).get(reverse("masterdata:customer_list"), {"q": "ａｂｃ"})
    assert _codes(response) == ["CUS-X1"]


def test_it_filters_by_a_related_record(world, login, ctx):
    Material.objects.create(code="MAT-X1", name="水泥", unit="吨",
                            category=world.category.__class__.objects.create(code="SN",
                                                                             name="水泥"))
    response = login(world.manager).get(reverse("masterdata:material_list"),
                                        {"category": world.category.pk})
    assert _codes(response) == ["MAT-GJ-T001"]


def test_it_filters_by_the_active_flag(world, login, ctx):
    Customer.objects.create(code="CUS-X1", name="停用客户", active=False)
    response = login(world.manager).get(reverse("masterdata:customer_list"), {"active": "0"})
    assert _codes(response) == ["CUS-X1"]


def test_it_sorts_by_an_allowed_field_and_ignores_others(world, login):
    client = login(world.manager)
    url = reverse("masterdata:customer_list")
    assert _codes(client.get(url, {"sort": "-code"})) == ["CUS-T0002", "CUS-T0001"]
    response = client.get(url, {"sort": "phone"})
    assert response.context["current_sort"] == "code"
    assert _codes(response) == ["CUS-T0001", "CUS-T0002"]


def test_it_keeps_the_page_size_between_10_and_100(world, login):
    client = login(world.manager)
    url = reverse("masterdata:customer_list")
    assert client.get(url, {"page_size": "3"}).context["page_obj"].paginator.per_page == 10
    assert client.get(url, {"page_size": "500"}).context["page_obj"].paginator.per_page == 100
    assert client.get(url, {"page_size": "x"}).context["page_obj"].paginator.per_page == 25


def test_it_shows_an_empty_state_with_a_create_button(world, login):
    response = login(world.manager).get(reverse("masterdata:customer_list"), {"q": "不存在的"})
    assert "没有符合条件的记录" in response.content.decode()


def test_it_shows_buttons_only_for_permitted_actions(world, login):
    url = reverse("masterdata:customer_list")
    auditor = login(world.auditor).get(url)
    assert not auditor.context["can_add"] and auditor.context["can_export"]
    assert reverse("masterdata:customer_create") not in auditor.content.decode()
    manager = login(world.manager).get(url)
    assert manager.context["can_add"]
    assert reverse("masterdata:customer_create") in manager.content.decode()


@pytest.mark.parametrize("kind", KINDS)
def test_it_renders_every_list_and_detail_for_the_admin(world, login, kind):
    client = login(world.admin)
    assert client.get(reverse(f"masterdata:{kind}_list")).status_code == 200
    obj = {"customer": world.customer, "supplier": world.supplier,
           "materialcategory": world.category, "material": world.material,
           "project": world.project, "site": world.site, "costcode": world.cost_code}[kind]
    response = client.get(reverse(f"masterdata:{kind}_detail", args=[obj.pk]))
    assert response.status_code == 200
    assert obj.name in response.content.decode()


def test_it_lists_a_customers_projects_on_its_page(world, login):
    response = login(world.client).get(reverse("masterdata:customer_detail",
                                               args=[world.customer.pk]))
    projects = response.context["sections"][0]
    assert [row["cells"][0] for row in projects["rows"]] == ["PRJ-T001"]


def test_it_lists_a_projects_sites_and_members(world, login):
    response = login(world.pm).get(reverse("masterdata:project_detail",
                                           args=[world.project.pk]))
    assert [row["cells"][0] for row in response.context["sections"][0]["rows"]] == ["SITE-T01"]
    assert {m.user.username for m in response.context["members"]} == {"buyer", "qc", "worker"}
    assert response.context["can_manage_members"]


def test_it_shows_the_history_timeline_on_a_detail_page(world, login):
    response = login(world.manager).get(reverse("masterdata:customer_detail",
                                                args=[world.customer.pk]))
    assert response.context["history"][0].action_label == "创建"


def _queries(client, url, params):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("kind,user", [("customer", "manager"), ("project", "pm"),
                                       ("site", "pm"), ("material", "buyer"),
                                       ("supplier", "buyer")])
def test_it_costs_the_same_queries_for_10_and_100_rows(world, login, ctx, kind, user,
                                                       django_assert_num_queries):
    _many(world, 110)
    client = login(getattr(world, user))
    url = reverse(f"masterdata:{kind}_list")
    small = _queries(client, url, {"page_size": 10})
    assert small <= 12, small  # a handful, whatever the page size
    assert len(client.get(url, {"page_size": 100}).context["rows"]) == 100
    with django_assert_num_queries(small):
        client.get(url, {"page_size": 100})


def _many(world, n):
    customers = Customer.objects.bulk_create(
        Customer(code=f"CUS-B{i:04}", name=f"批量客户{i}", name_key=f"批量客户{i}")
        for i in range(n))
    projects = Project.objects.bulk_create(
        Project(code=f"PRJ-B{i:04}", name=f"批量项目{i}", name_key=f"批量项目{i}",
                customer=customers[i], manager=world.pm) for i in range(n))
    Site.objects.bulk_create(
        Site(code=f"SITE-B{i:04}", name=f"批量工地{i}", name_key=f"批量工地{i}",
             project=projects[i]) for i in range(n))
    Material.objects.bulk_create(
        Material(code=f"MAT-B{i:04}", name=f"批量物料{i}", name_key=f"批量物料{i}", unit="个",
                 category=world.category) for i in range(n))
    for i in range(n):
        supplier = world.supplier.__class__.objects.create(code=f"SUP-B{i:04}",
                                                           name=f"批量供应商{i}")
        supplier.categories.add(world.category)


def test_it_hides_the_staff_list_and_foreign_links_from_a_customer_user(world, login):
    client = login(world.client)
    project = client.get(reverse("masterdata:project_detail", args=[world.project.pk]))
    assert "show_members" not in project.context
    assert "孙施工" not in project.content.decode()
    site = login(world.worker).get(reverse("masterdata:site_detail", args=[world.site.pk]))
    links = {f["label"]: f["url"] for f in site.context["fields"]}
    assert links["项目"] == reverse("masterdata:project_detail", args=[world.project.pk])
    assert links["客户"] == ""  # a worker may not open customers


def test_it_links_the_import_page_for_users_who_may_add(world, login):
    url = reverse("masterdata:customer_list")
    import_url = reverse("masterdata:customer_import")
    assert login(world.manager).get(url).context["import_url"] == import_url
    assert import_url not in login(world.auditor).get(url).content.decode()
