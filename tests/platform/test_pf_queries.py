"""Every list page, list API and export costs the same queries for 10 rows as for 100.

The list routes are discovered (eoms/testing/routes.py); rows are made in bulk by MAKERS.
Each list is measured as the administrator and as the scoped roles that see the rows
made for them (a project manager, a worker, a customer), since scopes add joins.
"""

from __future__ import annotations

import sys
import types

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import path

from eoms import urls as eoms_urls
from eoms.core.access import EXPORT, VIEW, can
from eoms.masterdata.models import Customer
from eoms.testing import routes
from eoms.testing.queries import measure, page_size_independent
from eoms.testing.routes import MAKERS, action_for, target_for_key, url_for

CANDIDATES = ("admin", "pm", "worker", "client")


def _list_routes() -> list:
    found = []
    for route in routes.discover():
        target = target_for_key(route.key)
        if (route.method == "GET" and not route.params and target is not None
                and target.expect is None and target.model in MAKERS
                and action_for(route, target) in (VIEW, EXPORT)):
            found.append(pytest.param(route, target, id=f"{route.path}"))
    return found


LIST_ROUTES = _list_routes()


def _sees_new_rows(walker, who, model, action) -> bool:
    user = walker.world.users[who]
    if not can(user, action, model):
        return False
    probe = MAKERS[model](walker.world, 1, user)
    return model.objects.for_user(user, VIEW).filter(pk__in=[p.pk for p in probe]).exists()


def test_it_finds_the_list_routes_to_measure():
    paths = {p.values[0].path for p in LIST_ROUTES}
    assert {"/md/customer/", "/md/customer/export/", "/api/v1/masterdata/customers",
            "/jobs/", "/notifications/", "/audit/"} <= paths


@pytest.mark.parametrize(("route", "target"), LIST_ROUTES)
def test_it_costs_the_same_queries_for_10_and_100_rows(route, target, walker, db):
    action = action_for(route, target)
    measured, made = [], []
    for who in CANDIDATES:
        if not _sees_new_rows(walker, who, target.model, action):
            continue
        client = (walker.api if route.kind == "api" else walker.pages)[who]
        user = walker.world.users[who]
        page_size_independent(client, url_for(route, target, None),
                              lambda n, u=user: MAKERS[target.model](walker.world, n, u), made)
        measured.append(who)
    assert "admin" in measured, f"{route}: nothing measured"


def _n_plus_one(request):
    size = int(request.GET.get("page_size", 10))
    rows = Customer.objects.order_by("code")[:size]
    return HttpResponse("".join(f"{c.code} {c.projects.count()}\n" for c in rows))


def _one_query(request):
    size = int(request.GET.get("page_size", 10))
    rows = Customer.objects.order_by("code")[:size]
    return HttpResponse("".join(f"{c.code}\n" for c in rows))


_urlconf = types.ModuleType("pf_query_urls")
_urlconf.urlpatterns = [path("n1/", _n_plus_one), path("ok/", _one_query),  # type: ignore[attr-defined]
                        *eoms_urls.urlpatterns]
sys.modules["pf_query_urls"] = _urlconf


@pytest.mark.urls("pf_query_urls")
def test_it_catches_a_query_per_row(walker, db):
    admin = walker.world.users["admin"]
    with pytest.raises(AssertionError, match="N\\+1"):
        page_size_independent(walker.pages["admin"], "/n1/",
                              lambda n: MAKERS[Customer](walker.world, n, admin))


@pytest.mark.urls("pf_query_urls")
def test_it_passes_the_same_list_without_the_query_per_row(walker, db):
    admin = walker.world.users["admin"]
    small, large = page_size_independent(walker.pages["admin"], "/ok/",
                                         lambda n: MAKERS[Customer](walker.world, n, admin))
    assert small == large


def test_it_counts_the_queries_of_one_request(walker, db):
    with CaptureQueriesContext(connection) as outer:
        measured = measure(walker.pages["admin"], "/md/customer/", [])
    assert measured.count == len(outer.captured_queries) > 0
