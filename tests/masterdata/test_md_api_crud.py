"""Master-data API: list, retrieve (ETag), create (201 + Location), update (If-Match), delete."""

import json

import pytest

from eoms.masterdata.models import Customer, Material, Project

BASE = "/api/v1/masterdata"


def _json(client, method, url, body=None, **headers):
    return getattr(client, method)(url, data=json.dumps(body) if body is not None else None,
                                   content_type="application/json", headers=headers)


def test_it_lists_only_the_projects_in_a_project_managers_scope(world, login):
    body = login(world.pm).get(f"{BASE}/projects").json()
    assert body["count"] == 1
    assert [p["code"] for p in body["results"]] == ["PRJ-T001"]
    assert body["results"][0]["customer"] == "CUS-T0001"
    assert body["results"][0]["manager"] == "pm"


def test_it_answers_404_problem_json_to_an_outsider(world, login):
    response = login(world.outsider).get(f"{BASE}/customers/{world.customer.pk}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_it_gives_the_version_as_etag(world, login):
    response = login(world.manager).get(f"{BASE}/customers/{world.customer.pk}")
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert response.json()["name"] == "上海申达建设有限公司"


def test_it_creates_with_a_generated_code_and_a_location(world, login):
    response = _json(login(world.buyer), "post", f"{BASE}/materials",
                     {"name": "HRB400 盘螺", "category": "GJ", "unit": "吨",
                      "standard_price": "4100.50"})
    assert response.status_code == 201, response.content
    created = Material.objects.get(name="HRB400 盘螺")
    assert created.code == "MAT-GJ-0001" and created.category == world.category
    assert response["Location"] == f"{BASE}/materials/{created.pk}"
    assert response["ETag"] == '"1"'
    assert response.json()["standard_price"] == "4100.50"


def test_it_refuses_an_update_without_if_match(world, login):
    response = _json(login(world.manager), "patch", f"{BASE}/customers/{world.customer.pk}",
                     {"phone": "021-1"})
    assert response.status_code == 428
    assert response["Content-Type"] == "application/problem+json"
    world.customer.refresh_from_db()
    assert world.customer.phone == ""


def test_it_refuses_a_stale_update(world, login):
    client = login(world.manager)
    url = f"{BASE}/customers/{world.customer.pk}"
    assert _json(client, "patch", url, {"phone": "021-1"}, If_Match='"1"').status_code == 200
    response = _json(client, "patch", url, {"phone": "021-2"}, If_Match='"1"')
    assert response.status_code == 412
    world.customer.refresh_from_db()
    assert (world.customer.phone, world.customer.version) == ("021-1", 2)


def test_it_updates_with_the_current_etag(world, login):
    response = _json(login(world.manager), "patch", f"{BASE}/customers/{world.customer.pk}",
                     {"contact_name": "王工"}, If_Match='"1"')
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    assert response.json()["contact_name"] == "王工"


def test_it_forbids_a_role_without_the_right_to_change(world, login):
    response = _json(login(world.auditor), "patch", f"{BASE}/customers/{world.customer.pk}",
                     {"phone": "1"}, If_Match='"1"')
    assert response.status_code == 403


def test_it_forbids_creating_to_a_read_only_role(world, login):
    response = _json(login(world.auditor), "post", f"{BASE}/customers", {"name": "某公司"})
    assert response.status_code == 403
    assert Customer.objects.count() == 2


def test_it_deletes_an_unused_record(world, login, ctx):
    unused = Customer.objects.create(code="CUS-X1", name="无项目客户")
    response = login(world.manager).delete(f"{BASE}/customers/{unused.pk}")
    assert response.status_code == 204
    assert not Customer.objects.filter(pk=unused.pk).exists()


def test_it_answers_409_when_a_record_is_still_used(world, login):
    response = login(world.manager).delete(f"{BASE}/customers/{world.customer.pk}")
    assert response.status_code == 409
    assert "不能删除" in response.json()["detail"]
    assert Customer.objects.filter(pk=world.customer.pk).exists()


@pytest.mark.parametrize("query,codes", [
    ("customer=CUS-T0002", ["PRJ-T002"]),
    ("q=浦东", ["PRJ-T001"]),
    ("ordering=-code", ["PRJ-T002", "PRJ-T001"]),
    ("status=active&active=true", ["PRJ-T001", "PRJ-T002"]),
])
def test_it_filters_searches_and_orders(world, login, query, codes):
    body = login(world.manager).get(f"{BASE}/projects?{query}").json()
    assert [p["code"] for p in body["results"]] == codes


def test_it_names_related_records_by_code(world, login):
    client = login(world.manager)
    response = _json(client, "post", f"{BASE}/projects",
                     {"name": "新厂房", "customer": "CUS-T0002", "manager": "other_pm"})
    assert response.status_code == 201, response.content
    project = Project.objects.get(name="新厂房")
    assert (project.customer, project.manager) == (world.other_customer, world.other_pm)
    assert response.json()["code"].startswith("PRJ-")


def test_it_sets_a_suppliers_categories_by_code(world, login, ctx):
    world.category.__class__.objects.create(code="SN", name="水泥")
    response = _json(login(world.buyer), "post", f"{BASE}/suppliers",
                     {"name": "海螺水泥", "categories": ["GJ", "SN"]})
    assert response.status_code == 201, response.content
    assert response.json()["categories"] == ["GJ", "SN"]


def test_it_lets_a_project_manager_add_sites_only_to_projects_he_manages(world, login, ctx):
    from eoms.masterdata.models import ProjectMember, Site

    ProjectMember.objects.create(project=world.other_project, user=world.pm)
    client = login(world.pm)
    mine = _json(client, "post", f"{BASE}/sites", {"name": "二号工地", "project": "PRJ-T001"})
    assert mine.status_code == 201, mine.content
    other = _json(client, "post", f"{BASE}/sites", {"name": "三号工地", "project": "PRJ-T002"})
    assert other.status_code == 403
    assert not Site.objects.filter(name="三号工地").exists()
