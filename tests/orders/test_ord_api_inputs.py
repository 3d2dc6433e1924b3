"""Bad order bodies: problem+json naming the field at fault, and nothing written."""

import json

import pytest

from eoms.audit.models import AuditEntry
from eoms.core.models import IssuedCode
from eoms.orders.models import Order, OrderLine

URL = "/api/v1/orders"
TABLES = (Order, OrderLine, AuditEntry, IssuedCode)
GOOD = {"title": "二号楼外墙保温", "customer": "CUS-T0001", "project": "PRJ-T001",
        "lines": [{"material": "MAT-GJ-T001", "quantity": "3.5"}]}


@pytest.fixture
def world(module_world, db):
    return module_world


@pytest.fixture
def client(world, login):
    return login(world.pm)


def _counts():
    return [model.objects.count() for model in TABLES]


def _refused(client, body, status=422):
    before = _counts()
    response = client.post(URL, data=json.dumps(body), content_type="application/json")
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert _counts() == before, "a refused body wrote something"
    return {e["field"]: e["message"] for e in response.json().get("errors", [])}


def test_it_names_an_unknown_customer_code(client):
    errors = _refused(client, {**GOOD, "customer": "CUS-NOPE"})
    assert list(errors) == ["customer"] and "CUS-NOPE" in errors["customer"]


def test_it_names_a_customer_outside_the_users_scope(client):
    errors = _refused(client, {**GOOD, "customer": "CUS-T0002"})
    assert list(errors) == ["customer"]


def test_it_names_a_site_of_another_project(client):
    errors = _refused(client, {**GOOD, "site": "SITE-T02"})
    assert list(errors) == ["site"]


def test_it_names_a_site_that_belongs_to_another_project_the_user_sees(world, login):
    errors = _refused(login(world.manager), {**GOOD, "site": "SITE-T02"})
    assert list(errors) == ["site"] and "不属于项目 PRJ-T001" in errors["site"]


def test_it_names_a_project_of_another_customer(world, login):
    errors = _refused(login(world.manager), {**GOOD, "customer": "CUS-T0002"})
    assert list(errors) == ["project"] and "不属于客户" in errors["project"]


def test_it_names_a_negative_quantity(client):
    body = {**GOOD, "lines": [GOOD["lines"][0], {"material": "MAT-GJ-T001", "quantity": -2}]}
    errors = _refused(client, body)
    assert list(errors) == ["lines.1.quantity"] and "0" in errors["lines.1.quantity"]


def test_it_names_an_unknown_material(client):
    errors = _refused(client, {**GOOD, "lines": [{"material": "MAT-NOPE", "quantity": 1}]})
    assert list(errors) == ["lines.0.material"]


@pytest.mark.parametrize("value", ["2026/12/1", "2026年12月1日", "12-01-2026", "2026-13-01"])
def test_it_names_a_date_in_another_format(client, value):
    errors = _refused(client, {**GOOD, "promised_date": value})
    assert list(errors) == ["promised_date"] and "YYYY-MM-DD" in errors["promised_date"]


def test_it_names_a_bad_date_in_a_line(client):
    body = {**GOOD, "lines": [{"material": "MAT-GJ-T001", "quantity": 1, "needed_by": "明天"}]}
    assert list(_refused(client, body)) == ["lines.0.needed_by"]


def test_it_names_an_unknown_field(client):
    errors = _refused(client, {**GOOD, "colour": "red"})
    assert list(errors) == ["colour"] and errors["colour"] == "不允许此字段。"


def test_it_names_an_unknown_field_in_a_line(client):
    body = {**GOOD, "lines": [{"material": "MAT-GJ-T001", "quantity": 1, "price": 3}]}
    assert list(_refused(client, body)) == ["lines.0.price"]


def test_it_names_a_missing_title(client):
    body = {k: v for k, v in GOOD.items() if k != "title"}
    assert list(_refused(client, body)) == ["title"]


def test_it_names_a_missing_project(client):
    body = {k: v for k, v in GOOD.items() if k != "project"}
    assert list(_refused(client, body)) == ["project"]


def test_it_names_an_unknown_parent_order(client):
    errors = _refused(client, {**GOOD, "parent_code": "ORD-2026-999999"})
    assert list(errors) == ["parent_code"]


def test_it_names_a_bad_priority(client):
    errors = _refused(client, {**GOOD, "priority": "P9"})
    assert list(errors) == ["priority"] and "P1" in errors["priority"]


def test_it_names_every_problem_at_once(client):
    body = {**GOOD, "customer": "CUS-NOPE", "site": "SITE-NOPE",
            "lines": [{"material": "MAT-NOPE", "quantity": 1}]}
    assert set(_refused(client, body)) == {"customer", "site", "lines.0.material"}


def test_it_refuses_a_body_that_is_not_json(client):
    before = _counts()
    response = client.post(URL, data="{title:", content_type="application/json")
    assert response.status_code in (400, 422)
    assert _counts() == before


def test_it_writes_nothing_when_the_submission_fails(world, login):
    client = login(world.manager)
    body = {"title": "空订单", "project": "PRJ-T001", "submit": True}
    before = _counts()
    response = client.post(URL, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 409
    assert "订单行或预算" in response.json()["detail"]
    assert _counts() == before


def test_it_names_a_material_no_longer_in_use(world, client, ctx):
    type(world.material).objects.filter(pk=world.material.pk).update(active=False)
    errors = _refused(client, GOOD)
    assert errors == {"lines.0.material": "物料 MAT-GJ-T001 已停用。"}
