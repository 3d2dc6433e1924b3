"""The API description still renders with the scheduling operations, each with a unique
operation id and a summary for integrators."""

import pytest
from django.test import Client

PREFIX = "/api/v1/scheduling"
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200, response.content[:500]
    return response.json()


def _operations(schema):
    return [(path, method, op) for path, ops in schema["paths"].items()
            for method, op in ops.items() if method in METHODS]


def test_it_renders_every_scheduling_operation(schema):
    found = {(m.upper(), p.removeprefix(PREFIX)) for p, m, _op in _operations(schema)
             if p.startswith(PREFIX)}
    assert {("GET", "/tasks"), ("POST", "/tasks"), ("PATCH", "/tasks/{pk}"),
            ("POST", "/tasks/{pk}/progress"), ("POST", "/tasks/{pk}/move"),
            ("POST", "/links"), ("GET", "/orders/{order}/cpm"),
            ("GET", "/orders/{order}/critical-path"), ("PATCH", "/orders/{order}/schedule"),
            ("POST", "/orders/{order}/baselines"), ("GET", "/calendars/{pk}/days"),
            ("PUT", "/calendars/{pk}/exceptions/{date}")} <= found
    assert len(found) == 29


def test_every_operation_has_a_unique_id_and_a_summary(schema):
    operations = _operations(schema)
    ids = [op["operationId"] for _p, _m, op in operations]
    assert len(ids) == len(set(ids))
    assert all(op.get("summary") for p, _m, op in operations if p.startswith(PREFIX))


def test_it_describes_the_link_types_and_the_task_answer(schema):
    components = schema["components"]["schemas"]
    assert set(components["LinkType"]["enum"]) == {"FS", "SS", "FF", "SF"}
    assert {"total_float_days", "free_float_days", "critical", "early_start",
            "late_finish", "version"} <= set(components["TaskOut"]["properties"])
