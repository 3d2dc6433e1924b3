"""The route walker: requests a route as one world user and compares the answer with what
the access policy says (`eoms.testing.routes.expectation`).

Pages are requested through a Django test client logged in with the real login form
(sessions and every middleware run); the API with each user's bearer token.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from django.db import models
from django.test import Client
from django.urls import reverse

from eoms.accounts import services as accounts
from eoms.audit.models import AuditEntry
from eoms.core.access import DELETE, VIEW
from eoms.core.context import Channel, acting
from eoms.testing.routes import (
    API,
    FORBIDDEN,
    HIDDEN,
    INVALID,
    LOGIN,
    MAKERS,
    OK,
    PAGE,
    REDIRECT,
    REFUSED,
    Route,
    Target,
    action_for,
    expectation,
    marker,
    target_for,
    url_for,
)
from eoms.testing.world import PASSWORD, World

Answer = Any  # what the test client answers (an HttpResponse with .json())
ANONYMOUS = "anonymous"
SUCCESS = {200, 201, 204, 302, 303}
STATUSES = {OK: "success", HIDDEN: "404", REFUSED: "403 (or 404)", FORBIDDEN: "403",
            INVALID: "refused (403/409/422, or the form's errors)", REDIRECT: "a redirect (302)"}
_serial = itertools.count(1)
# Who also tries a POST where a GET was refused: a customer of another company and the
# least trusted staff role (one of each is enough to catch a view that guards GET only).
POSTERS = ("outsider", "worker")


class _FormReader(HTMLParser):
    """What a browser submits from a page's main form (the POST form without action)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._in_form = self._done = False
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self._done:
            self._in_form = a.get("method", "").lower() == "post" and not a.get("action")
        if not self._in_form or "disabled" in a:
            return
        name = a.get("name", "")
        if tag == "input" and name and a.get("type", "text") not in ("submit", "button",
                                                                    "file", "reset"):
            kind = a.get("type", "text")
            if kind not in ("checkbox", "radio"):
                self.data.setdefault(name, []).append(a.get("value", ""))
            elif "checked" in a:
                self.data.setdefault(name, []).append(a.get("value", "on"))
        elif tag == "select" and name:
            self._select, self._options = (name, "multiple" in a), []
        elif tag == "option" and self._select:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._in_form:
            self._in_form, self._done = False, True
        elif tag == "textarea" and self._textarea:
            text = self.data[self._textarea][0]  # a browser drops the newline after <textarea>
            self.data[self._textarea][0] = text[1:] if text.startswith("\n") else text
            self._textarea = None
        elif tag == "select" and self._select:
            name, multiple = self._select
            chosen = [v for v, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            self.data[name] = chosen
            self._select = None


def read_form(html: str) -> dict[str, list[str]]:
    reader = _FormReader()
    reader.feed(html)
    return reader.data


def _errors(response: Answer) -> str:
    """The error messages a page or problem+json shows, for a failure message."""
    text = response.content.decode("utf-8", "replace")
    if response.get("Content-Type", "").startswith("application/"):
        return text[:600]
    found = re.findall(r'class="(?:invalid-feedback|alert alert-danger)[^"]*"[^>]*>(.*?)</div>',
                       text, re.S)
    return " | ".join(re.sub(r"<[^>]+>|\s+", " ", f).strip() for f in found)[:600] or text[:300]


def _row(obj: Any) -> dict[str, Any] | None:
    if not isinstance(obj, models.Model):
        return None
    fresh = type(obj)._default_manager.filter(pk=obj.pk).first()
    if fresh is None:
        return None
    return {f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields}


@dataclass
class Walker:
    """Requests every route as every world user and compares with `expectation()`."""

    world: World
    pages: dict[str, Client]
    api: dict[str, Client]
    _forms: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def start(cls, world: World) -> Walker:
        pages: dict[str, Client] = {ANONYMOUS: Client()}
        api: dict[str, Client] = {ANONYMOUS: Client()}
        for key, user in world.users.items():
            client = Client()
            response = client.post(reverse("accounts:login"),
                                   {"username": user.username, "password": PASSWORD})
            assert response.status_code == 302, f"{key} cannot log in: {response.status_code}"
            pages[key] = client
            with acting(Channel.TEST):  # issued by the system: customers may not make one
                raw = accounts.create_token(user, actor=None, name="walker")[1]
            api[key] = Client(headers={"Authorization": f"Bearer {raw}"})
        return cls(world, pages, api)

    def user(self, who: str) -> Any:
        return None if who == ANONYMOUS else self.world.users[who]

    def check(self, route: Route, who: str) -> None:
        """Fail (AssertionError) when the answer differs from what the policy says."""
        target = target_for(route)
        user = self.user(who)
        # On a route without parameters the object is a row the list must not leak; an
        # object no policy governs (target.expect) is made only when the path names it.
        made = target.obj is not None and (bool(route.params) or target.expect is None)
        obj = target.obj(self.world) if made else None  # type: ignore[misc]
        path_obj = obj if route.params else None
        expected = expectation(route, target, user, path_obj, self.world)
        if route.method == "GET":
            self._read(route, target, who, path_obj, expected)
        else:
            self._write(route, target, who, path_obj, expected)

    def _client(self, route: Route, who: str) -> Client:
        return (self.api if route.kind == API else self.pages)[who]

    def _judge(self, route: Route, who: str, expected: str, response: Answer) -> None:
        status = response.status_code
        where = f"{route} as {who}"
        if expected == LOGIN:
            if route.kind == API:
                assert status == 401, f"{where}: expected 401, got {status}"
            else:
                location = response.get("Location", "")
                assert status == 302 and location.startswith(reverse("accounts:login")), \
                    f"{where}: expected a redirect to the login page, got {status} {location}"
            return
        allowed = {OK: SUCCESS if route.method != "GET" else {200}, HIDDEN: {404},
                   REFUSED: {403, 404}, FORBIDDEN: {403}, REDIRECT: {302},
                   INVALID: {403, 404, 409, 422} if route.kind == API else {200, 403, 404}
                   }[expected]
        assert status in allowed, (
            f"{where}: the policy says {STATUSES[expected]}, the route answered {status}: "
            f"{response.content[:300]!r}")

    def _text(self, route: Route, response: Answer) -> str:
        if route.kind == API and response.get("Content-Type", "").endswith("json"):
            return json.dumps(response.json(), ensure_ascii=False)
        if response.streaming:  # a file download (FileResponse)
            return b"".join(response.streaming_content).decode("utf-8", "replace")
        return response.content.decode("utf-8", "replace")

    def _read(self, route: Route, target: Target, who: str, obj: models.Model | None,
              expected: str) -> None:
        url = url_for(route, target, obj)
        response = self._client(route, who).get(url)
        self._judge(route, who, expected, response)
        text = self._text(route, response)
        if obj is not None and expected == HIDDEN:
            assert marker(obj) not in text, f"{route} as {who} shows {marker(obj)!r}"
        model = target.model_of(obj)
        if expected == OK and obj is None and model is not None:
            self._no_leak(route, who, model, text, response)
        if expected in (HIDDEN, REFUSED, FORBIDDEN) and route.kind == PAGE and who in POSTERS:
            self._post_refused(route, who, url)

    def _no_leak(self, route: Route, who: str, model: type[models.Model], text: str,
                 response: Answer) -> None:
        manager = model._default_manager
        visible = manager.all().for_user(self.user(who), VIEW)  # type: ignore[attr-defined]
        hidden = manager.exclude(pk__in=visible.values("pk"))[:200]
        shown = [marker(o) for o in hidden if marker(o) in text]
        if shown:  # a row the user sees may read the same (two users told the same news)
            seen = {marker(o) for o in visible[:500]}
            shown = [m for m in shown if m not in seen]
        leaked = shown
        assert not leaked, f"{route} as {who} shows rows outside its scope: {leaked}"
        if route.kind == API and response.get("Content-Type", "").endswith("json"):
            data = response.json()
            rows = data.get("results", []) if isinstance(data, dict) else data
            ids = {r["id"] for r in rows if isinstance(r, dict) and "id" in r}
            extra = ids - set(visible.filter(pk__in=ids).values_list("pk", flat=True))
            assert not extra, f"{route} as {who} lists ids outside its scope: {sorted(extra)}"

    def _post_refused(self, route: Route, who: str, url: str) -> None:
        """A page refused on GET must refuse a POST too, writing nothing."""
        before = AuditEntry.objects.count()
        status = self.pages[who].post(url, {}).status_code
        assert status in (403, 404, 405), f"POST {route.path} as {who} answered {status}"
        assert AuditEntry.objects.count() == before, f"POST {route.path} as {who} wrote"

    def _write(self, route: Route, target: Target, who: str, obj: models.Model | None,
               expected: str) -> None:
        user = self.user(who)
        if expected == OK and obj is not None and action_for(route, target) == DELETE:
            obj = self._fresh(route, target, user, obj)
        model = target.model_of(obj)

        def state() -> tuple[Any, ...]:
            return (AuditEntry.objects.count(),
                    model._default_manager.count() if model else 0,
                    _row(obj) if obj is not None else None)

        body = self._body(route, target, who if expected == OK else "admin", obj)
        before = state()
        response = self._send(route, who, url_for(route, target, obj), body, obj)
        self._judge(route, who, expected, response)
        if expected != OK:
            assert state() == before, f"{route} as {who} was refused but changed the database"
        elif target.audited:
            assert state()[0] > before[0], (
                f"{route} as {who} answered {response.status_code} but left no audit entry: "
                f"a write must succeed through a service (check its body in TARGETS in "
                f"eoms/testing/routes.py). Sent {body}; {_errors(response)}")

    def _fresh(self, route: Route, target: Target, user: Any,
               obj: models.Model) -> models.Model:
        """A new object for a permitted delete, so the world keeps its own."""
        make = target.fresh
        if make is None and type(obj) in MAKERS:
            make = lambda w: MAKERS[type(obj)](w, 1, user)[0]  # noqa: E731
        if make is None:
            return obj
        fresh = make(self.world)
        assert expectation(route, target, user, fresh, self.world) == OK, \
            f"{route}: the fresh object made for the delete is outside the user's scope"
        return fresh

    def _body(self, route: Route, target: Target, who: str,
              obj: models.Model | None) -> dict[str, Any]:
        typed = target.body(self.world, next(_serial)) if target.body else {}
        if not target.form:
            return typed
        url = url_for(route, target, obj)
        data = self._forms.get((url, who)) if who == "admin" else None
        if data is None:
            page = self.pages[who].get(url)
            assert page.status_code == 200, f"GET {url} as {who} (to read its form): {page}"
            data = read_form(page.content.decode())
            data.pop("csrfmiddlewaretoken", None)
            if who == "admin":  # refused users post what the admin's form holds
                self._forms[(url, who)] = data
        return {**data, **typed}

    def _send(self, route: Route, who: str, url: str, body: dict[str, Any],
              obj: models.Model | None) -> Answer:
        client = self._client(route, who)
        if route.kind == PAGE:
            return client.post(url, body)
        headers = {}
        if obj is not None and hasattr(obj, "version"):
            obj.refresh_from_db(fields=["version"])
            headers = {"If-Match": f'"{obj.version}"'}
        data = json.dumps(body) if route.method != "DELETE" else ""
        return client.generic(route.method, url, data, content_type="application/json",
                              headers=headers)
