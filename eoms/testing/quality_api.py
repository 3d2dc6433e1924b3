"""Shared by the quality API tests: requests with the ETag just read, and the fields a
problem+json answer names.

    got = get(client, f"/inspections/{pk}")            # 200, its JSON and ETag
    post(client, f"/inspections/{pk}/results", {...}, etag=got.etag)
    errors_of(response)                                 # {field: message}
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

API = "/api/v1/quality"


def get(client: Any, path: str, **params: Any) -> SimpleNamespace:
    response = client.get(f"{API}{path}", params)
    assert response.status_code == 200, response.content[:500]
    return SimpleNamespace(json=response.json(), etag=response.get("ETag"),
                           response=response)


def post(client: Any, path: str, body: dict[str, Any] | None = None, *,
         etag: str | None = None) -> Any:
    headers = {"If-Match": etag} if etag else {}
    return client.post(f"{API}{path}", json.dumps(body or {}),
                       content_type="application/json", headers=headers)


def post_files(client: Any, path: str, data: dict[str, Any]) -> Any:
    return client.post(f"{API}{path}", data)


def errors_of(response: Any) -> dict[str, str]:
    assert response["Content-Type"] == "application/problem+json", response.content[:300]
    return {e["field"]: e["message"] for e in response.json().get("errors", [])}


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content[:300]
    return {row["id"] for row in response.json()["results"]}
