"""Query counts of list routes: a page of 10 rows and a page of 100 cost the same queries.

    counts = page_size_independent(client, "/md/customer/",
                                   add_rows=lambda n: MAKERS[Customer](world, n, user))

adds 10 rows, requests `?page_size=10`, adds 100 more, requests `?page_size=100`, and fails
with both query lists when the counts differ (an N+1: a query per row). It also fails when
the second answer does not show more of the new rows than the first, so that a route
which ignores the rows (or the page size) cannot pass by accident.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import openpyxl
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext

from eoms.testing.routes import marker

Answer = Any  # what the test client answers (an HttpResponse with .json())
SMALL, LARGE = 10, 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Measured:
    queries: list[str]
    shown: int  # how many of the rows made for the test the answer shows
    response: Answer

    @property
    def count(self) -> int:
        return len(self.queries)


def _text(response: Answer) -> str:
    if response.get("Content-Type", "").startswith(XLSX):
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True)
                         for v in row if v is not None)
    return response.content.decode("utf-8", "replace")


def _shown(response: Answer, rows: list[Model]) -> int:
    if "json" in response.get("Content-Type", ""):
        data = response.json()
        results = data.get("results", []) if isinstance(data, dict) else data
        ids = {r.get("id") for r in results if isinstance(r, dict)}
        text = json.dumps(results, ensure_ascii=False)
        return sum(1 for r in rows if r.pk in ids or marker(r) in text)
    text = _text(response)
    return sum(1 for r in rows if marker(r) in text)


def measure(client: Client, url: str, rows: list[Model], **params: Any) -> Measured:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, f"GET {url} {params}: {response.status_code}"
    return Measured([q["sql"] for q in captured.captured_queries], _shown(response, rows),
                    response)


def _diff(small: Measured, large: Measured) -> str:
    lines = [f"page of {SMALL}: {small.count} queries; page of {LARGE}: {large.count} queries"]
    for label, m in (("small", small), ("large", large)):
        lines += [f"--- {label}"] + [f"  {q[:220]}" for q in m.queries]
    return "\n".join(lines)


def page_size_independent(client: Client, url: str, add_rows: Callable[[int], list[Model]],
                          made_before: list[Model] | None = None) -> tuple[int, int]:
    """Assert the list at `url` costs the same queries for 10 rows as for 100.

    `made_before`: rows made earlier for the same list (by another user's measure); they
    count as shown rows too, and the rows made here are appended to it."""
    rows = made_before if made_before is not None else []
    rows += list(add_rows(SMALL))
    client.get(url, {"page_size": SMALL})  # warm caches (content types, session touch)
    small = measure(client, url, rows, page_size=SMALL)
    rows += list(add_rows(LARGE))
    large = measure(client, url, rows, page_size=LARGE)
    assert small.shown > 0, (f"{url} shows none of the {SMALL} rows made for it "
                             f"({marker(rows[0])}…): {small.response.content[:300]!r}")
    assert large.shown > small.shown, (
        f"{url} shows {large.shown} of {len(rows)} rows after adding {LARGE} more "
        f"(before: {small.shown}): the measure would prove nothing")
    assert small.count == large.count, f"{url}: an N+1 query\n{_diff(small, large)}"
    return small.count, large.count
