"""Master-data API bad input: problem+json naming the field, and nothing written."""

import json

from eoms.audit.models import AuditEntry
from eoms.core.models import IssuedCode
from eoms.masterdata.models import Customer, Material, Project

BASE = "/api/v1/masterdata"


def _post(client, path, body):
    return client.post(f"{BASE}/{path}", data=json.dumps(body), content_type="application/json")


def _fields(response):
    assert response["Content-Type"] == "application/problem+json"
    return [e["field"] for e in response.json()["errors"]]


def _nothing_written(before_audit):
    assert AuditEntry.objects.count() == before_audit
    assert not IssuedCode.objects.exists()


def test_it_names_a_missing_required_field(world, login):
    client = login(world.buyer)
    before = AuditEntry.objects.count()
    response = _post(client, "materials", {"category": "GJ", "unit": "吨"})
    assert response.status_code == 422
    assert _fields(response) == ["name"]
    _nothing_written(before)


def test_it_names_a_too_long_field(world, login):
    client = login(world.manager)
    before = AuditEntry.objects.count()
    response = _post(client, "customers", {"name": "长" * 201})
    assert response.status_code == 422
    assert _fields(response) == ["name"]
    assert "200" in response.json()["errors"][0]["message"]
    assert Customer.objects.count() == 2
    _nothing_written(before)


def test_it_names_an_unknown_category_code(world, login):
    client = login(world.buyer)
    before = AuditEntry.objects.count()
    response = _post(client, "materials", {"name": "水泥", "category": "NOPE", "unit": "吨"})
    assert response.status_code == 422
    assert _fields(response) == ["category"]
    assert "NOPE" in response.json()["errors"][0]["message"]
    assert not Material.objects.filter(name="水泥").exists()
    _nothing_written(before)


def test_it_names_a_bad_ordering_field(world, login):
    response = login(world.manager).get(f"{BASE}/customers?ordering=-phone")
    assert response.status_code == 422
    assert _fields(response) == ["ordering"]


def test_it_refuses_an_unknown_field(world, login):
    response = _post(login(world.manager), "customers", {"name": "某公司", "colour": "red"})
    assert response.status_code == 422
    assert _fields(response) == ["colour"]
    assert Customer.objects.count() == 2


def test_it_names_a_bad_email_found_by_model_validation(world, login):
    client = login(world.manager)
    before = AuditEntry.objects.count()
    response = _post(client, "customers", {"name": "某公司", "email": "nope"})
    assert response.status_code == 422
    assert _fields(response) == ["email"]
    _nothing_written(before)


def test_it_refuses_a_manager_without_the_project_manager_role(world, login):
    response = _post(login(world.manager), "projects",
                     {"name": "新项目", "customer": "CUS-T0001", "manager": "buyer"})
    assert response.status_code == 422
    assert _fields(response) == ["manager"]
    assert not Project.objects.filter(name="新项目").exists()


def test_it_refuses_null_for_a_required_field_in_a_patch(world, login):
    response = login(world.manager).patch(
        f"{BASE}/customers/{world.customer.pk}", data=json.dumps({"name": None}),
        content_type="application/json", headers={"If-Match": '"1"'})
    assert response.status_code == 422
    assert _fields(response) == ["name"]


def test_it_answers_409_with_the_possible_duplicates(world, login):
    response = _post(login(world.manager), "customers", {"name": "上海申达建设"})
    assert response.status_code == 409
    assert response.json()["matches"] == [
        {"id": world.customer.pk, "code": "CUS-T0001", "name": "上海申达建设有限公司"}]
    assert Customer.objects.count() == 2


def test_it_saves_a_duplicate_when_the_body_allows_it(world, login):
    response = _post(login(world.manager), "customers",
                     {"name": "上海申达建设", "allow_duplicate": True})
    assert response.status_code == 201
    assert Customer.objects.count() == 3


def test_it_refuses_an_edit_of_the_code(world, login):
    response = login(world.manager).patch(
        f"{BASE}/customers/{world.customer.pk}", data=json.dumps({"code": "NEW"}),
        content_type="application/json", headers={"If-Match": '"1"'})
    assert response.status_code == 422
    assert _fields(response) == ["code"]
    world.customer.refresh_from_db()
    assert world.customer.code == "CUS-T0001"
