"""API errors are RFC 9457 problem+json; updates need a current If-Match."""

from __future__ import annotations

import pytest
from django.test import Client

from eoms.accounts import services
from eoms.masterdata.models import Customer

PROBLEM = "application/problem+json"
CUSTOMERS = "/api/v1/masterdata/customers"


@pytest.fixture
def api(world, ctx):
    def client_for(user) -> Client:
        raw = services.create_token(user, actor=None, name="test")[1]
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return client_for


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"]
    return body


def test_it_answers_401_problem_with_a_bearer_challenge(world):
    response = Client().get(CUSTOMERS)
    _problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_it_answers_403_problem_to_a_role_without_the_right(api, world):
    response = api(world.worker).post(CUSTOMERS, {"name": "新客户"},
                                      content_type="application/json")
    _problem(response, 403)
    assert not Customer.objects.filter(name="新客户").exists()


def test_it_answers_404_problem_for_an_unknown_or_hidden_object(api, world):
    _problem(api(world.manager).get(f"{CUSTOMERS}/999999"), 404)
    hidden = _problem(api(world.outsider).get(f"{CUSTOMERS}/{world.customer.pk}"), 404)
    assert world.customer.name not in str(hidden)


def test_it_answers_422_problem_naming_the_field(api, world):
    response = api(world.manager).post(CUSTOMERS, {"name": "", "email": "x" * 300},
                                       content_type="application/json")
    body = _problem(response, 422)
    fields = {e["field"] for e in body["errors"]}
    assert {"name", "email"} <= fields
    assert all(e["message"] for e in body["errors"])


def test_it_answers_a_problem_for_a_body_that_is_not_json(api, world):
    response = api(world.manager).generic("POST", CUSTOMERS, "{not json",
                                          content_type="application/json")
    assert response["Content-Type"] == PROBLEM
    assert response.status_code in (400, 422)
    assert not Customer.objects.exclude(pk__in=[world.customer.pk,
                                                world.other_customer.pk]).exists()


def test_it_explains_an_unparseable_body_in_the_users_language(api, world):
    response = api(world.manager).generic("POST", CUSTOMERS, "{not json",
                                          content_type="application/json")
    assert "Cannot parse" not in response.json()["title"]


def _patch(client, obj, body, **headers):
    return client.patch(f"{CUSTOMERS}/{obj.pk}", body, content_type="application/json",
                        headers=headers)


def test_it_answers_428_to_a_patch_without_if_match(api, world):
    response = _patch(api(world.manager), world.customer, {"phone": "021-1"})
    body = _problem(response, 428)
    assert "If-Match" in body["title"]
    world.customer.refresh_from_db()
    assert world.customer.phone == "" and world.customer.version == 1


def test_it_answers_412_to_a_patch_with_a_stale_version(api, world):
    client = api(world.manager)
    etag = client.get(f"{CUSTOMERS}/{world.customer.pk}")["ETag"]
    assert _patch(client, world.customer, {"phone": "021-1"}, **{"If-Match": etag}
                  ).status_code == 200
    stale = _patch(client, world.customer, {"phone": "021-2"}, **{"If-Match": etag})
    _problem(stale, 412)
    world.customer.refresh_from_db()
    assert world.customer.phone == "021-1" and world.customer.version == 2


def test_it_applies_a_patch_with_the_current_version(api, world):
    client = api(world.manager)
    response = _patch(client, world.customer, {"phone": "021-1"}, **{"If-Match": '"1"'})
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    assert response.json()["phone"] == "021-1"
