"""The route × role walker: every URL and API operation, as every world user.

Routes are discovered from eoms.urls (see eoms/testing/routes.py); the expected answer of
each route for each user is computed from the access policies. A new route that
eoms/testing/routes.py does not cover fails here with instructions.
"""

from __future__ import annotations

import sys
import types

import pytest
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path

from eoms import urls as eoms_urls
from eoms.core.access import VIEW
from eoms.masterdata.models import Customer
from eoms.testing import routes
from eoms.testing import walker as walker_module
from eoms.testing.routes import PAGE, Route, Target, target_for
from eoms.testing.walker import ANONYMOUS, read_form
from eoms.testing.world import ROLE_USERS

ROUTES = routes.discover()
WHO = [*ROLE_USERS, "outsider", "other_pm", ANONYMOUS]

# (route key, user) → why the route answers against the policy. Each one is a bug to fix
# in the view or the policy; strict, so a fix makes the test fail until the entry goes.
# Never add an entry to make a leak pass quietly: report it.
KNOWN_LEAKS: dict[tuple[str, str], str] = {}


def _cases() -> list:
    cases = []
    for route in ROUTES:
        for who in WHO:
            reason = KNOWN_LEAKS.get((route.key, who))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cases.append(pytest.param(route, who, marks=marks, id=f"{route.method} "
                                      f"{route.path} {who}"))
    return cases


@pytest.mark.parametrize(("route", "who"), _cases())
def test_it_answers_every_user_as_the_policy_says(route, who, walker, db):
    try:
        target_for(route)
    except LookupError:
        pytest.skip("not covered yet: test_it_covers_every_discovered_route says what to add")
    walker.check(route, who)


def test_it_covers_every_discovered_route():
    missing = []
    for route in ROUTES:
        try:
            target_for(route)
        except LookupError as exc:
            missing.append(str(exc))
    assert not missing, "\n".join(missing)


def test_it_discovers_pages_api_operations_and_their_methods():
    found = {(r.kind, r.method, r.path) for r in ROUTES}
    assert ("page", "GET", "/jobs/<uuid:pk>/") in found
    assert ("page", "POST", "/notifications/read-all/") in found  # from @require_POST
    assert ("page", "GET", "/notifications/read-all/") not in found
    assert ("api", "GET", "/api/v1/accounts/users") in found
    paths = {r.path for r in ROUTES}
    assert not any(p.startswith(("/admin/", "/api/v1/docs", "/healthz")) for p in paths)


def test_it_fails_a_route_with_parameters_and_no_mapping():
    route = Route(PAGE, "brand_new:thing_detail", "/thing/<int:pk>/", "GET", ("pk",))
    with pytest.raises(LookupError, match="eoms/testing/routes.py"):
        target_for(route)


def test_it_reads_a_form_as_a_browser_would_submit_it():
    html = """<form method="post" action="/accounts/logout/"><input name="x" value="1"></form>
    <form method="post" novalidate><input name="name" value="甲">
      <input type="checkbox" name="active" checked><input type="checkbox" name="off">
      <select name="kind"><option value="a">A</option><option value="b" selected>B</option>
      </select><select name="parent"><option value="">-</option><option value="3">C</option>
      </select><textarea name="notes">备注</textarea><input name="code" disabled value="X">
      <button type="submit" name="go">保存</button></form>"""
    assert read_form(html) == {"name": ["甲"], "active": ["on"], "kind": ["b"],
                               "parent": [""], "notes": ["备注"]}


# --- the walker catches leaks: a deliberately leaky URLconf ----------------------------------

def _leaky_detail(request, pk):
    return HttpResponse(get_object_or_404(Customer, pk=pk).name)  # no for_user: leaks


def _scoped_detail(request, pk):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.path)
    return HttpResponse(get_object_or_404(Customer.objects.for_user(request.user, VIEW),
                                          pk=pk).name)


_urlconf = types.ModuleType("pf_leaky_urls")
_urlconf.urlpatterns = [  # type: ignore[attr-defined]
    path("leaky/<int:pk>/", _leaky_detail, name="leaky"),
    path("scoped/<int:pk>/", _scoped_detail, name="scoped"),
    *eoms_urls.urlpatterns,
]
_urlconf.handler404 = eoms_urls.handler404  # type: ignore[attr-defined]
_urlconf.handler403 = eoms_urls.handler403  # type: ignore[attr-defined]
sys.modules["pf_leaky_urls"] = _urlconf
_TARGET = Target(model=Customer, obj=lambda w: w.customer)


@pytest.mark.urls("pf_leaky_urls")
def test_it_catches_a_detail_page_that_shows_an_outsider_the_object(walker, db, monkeypatch):
    route = Route(PAGE, "pf:leaky", "/leaky/<int:pk>/", "GET", ("pk",))
    monkeypatch.setattr(walker_module, "target_for", lambda r: _TARGET)
    with pytest.raises(AssertionError, match="as outsider: the policy says 404"):
        walker.check(route, "outsider")


@pytest.mark.urls("pf_leaky_urls")
def test_it_passes_the_same_page_when_it_reads_through_for_user(walker, db, monkeypatch):
    route = Route(PAGE, "pf:scoped", "/scoped/<int:pk>/", "GET", ("pk",))
    monkeypatch.setattr(walker_module, "target_for", lambda r: _TARGET)
    for who in ("outsider", "client", "manager", "worker", ANONYMOUS):
        walker.check(route, who)
