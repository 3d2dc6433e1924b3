"""What the route × role walker knows: every URL of `eoms.urls`, and how to judge each.

`discover()` resolves the whole URL tree, django-ninja API operations included (their
methods are read from ninja's own path views, so an operation hidden from the OpenAPI
schema is walked too). Only the paths in `ALLOW_LIST` are left out, each with its reason.

`TARGETS` says, for each route (page URL name, or "METHOD /api/v1/path/{param}" for the
API; shell-style wildcards allowed, first match wins), which model decides access and
which object of the test world fills the path parameters. The expected answer is then
computed from the access policy (`Model.objects.for_user(user, action)` and `can()`),
never from a hand-written table:

- anonymous: pages redirect to the login page, the API answers 401;
- an object outside `for_user(user, "view")`: 404 (never 200, never 403);
- an object the user sees but may not act on: 403 (404 tolerated: a view that looks the
  object up with `for_user(user, action)` cannot tell the two apart);
- a route without object whose model the user may not use for the action: 403;
- a write whose body names something outside the user's scope: refused (INVALID);
- otherwise success; a successful write leaves at least one new audit entry, and a
  refused one changes nothing (audit entries, row count, the object's fields).

A route the walker finds but `TARGETS` does not cover makes the walker fail, telling the
developer to add a line here. `MAKERS` creates extra rows of a model in bulk for the
query-count test (`eoms.testing.queries`). The requests themselves are made by
`eoms.testing.walker.Walker`; the tests are tests/platform/test_pf_routes.py.
"""

from __future__ import annotations

import fnmatch
import inspect
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver

from eoms.accounts import services as accounts
from eoms.accounts.models import ApiToken, Crew, CrewMembership, User
from eoms.audit import chain
from eoms.audit.models import AuditEntry
from eoms.core.access import ADD, CHANGE, DELETE, EXPORT, VIEW, can
from eoms.core.context import Channel, acting
from eoms.core.import_store import StoredImport
from eoms.core.models import Job, Notification
from eoms.lib.text import normalize_name
from eoms.masterdata.imports import IMPORTERS
from eoms.masterdata.models import (
    CostCategory,
    CostCode,
    Customer,
    Material,
    MaterialCategory,
    Project,
    ProjectMember,
    Site,
    Supplier,
)
from eoms.testing import (
    routes_fieldwork,
    routes_materials,
    routes_orders,
    routes_quality,
    routes_scheduling,
)
from eoms.testing.world import World

# Paths (shell-style patterns on the URL path, no leading slash) the walker leaves out.
ALLOW_LIST: dict[str, str] = {
    # Django's admin has its own staff/superuser checks and is tested by Django itself.
    "admin/*": "Django admin",
    # The API description is public so that integrators can read it before they log in.
    "api/v1/docs": "OpenAPI docs page",
    "api/v1/openapi.json": "OpenAPI schema",
    # Ninja's root exists only so that ninja can compute its paths; it always answers 404.
    "api/v1/": "API root (always 404)",
    # Probes for load balancers and orchestrators: public by design, they reveal nothing.
    "healthz": "liveness probe",
    "readyz": "readiness probe",
    # The way in and out, and the language choice on the login page: public by design.
    "accounts/login/": "login form",
    "accounts/logout/": "logout",
    "accounts/language/": "language switch (also before login)",
    # Static files are served by whitenoise, outside the URL conf; listed for completeness.
    "static/*": "static files",
}

# --- discovery -----------------------------------------------------------------------------

PAGE, API = "page", "api"


@dataclass(frozen=True)
class Route:
    kind: str  # PAGE or API
    name: str  # URL name for pages ("core:jobs"), API path for the API
    path: str  # "/jobs/<uuid:pk>/" or "/api/v1/accounts/users/{id}"
    method: str
    params: tuple[str, ...]

    @property
    def key(self) -> str:
        """What `TARGETS` patterns are matched against."""
        return self.name if self.kind == PAGE else f"{self.method} {self.path}"

    def __str__(self) -> str:
        label = f"{self.method} {self.path}"
        return f"{label} ({self.name})" if self.kind == PAGE else label


def _is_allowed(path: str) -> bool:
    return any(fnmatch.fnmatchcase(path, pattern) for pattern in ALLOW_LIST)


def _ninja_path_view(callback: Any) -> Any:
    try:
        found = inspect.getclosurevars(callback).nonlocals.get("self")
    except TypeError:
        return None
    return found if hasattr(found, "operations") else None


def declared_methods(view: Any) -> tuple[str, ...] | None:
    """The methods a Django view declares (class-based, or `require_http_methods`)."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return tuple(m.upper() for m in view_class.http_method_names
                     if m not in ("head", "options") and hasattr(view_class, m))
    seen: set[int] = set()
    func = view
    while func is not None and id(func) not in seen:
        seen.add(id(func))
        code = getattr(func, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = func.__closure__[code.co_freevars.index("request_method_list")]
            return tuple(m for m in cell.cell_contents if m not in ("HEAD", "OPTIONS"))
        func = getattr(func, "__wrapped__", None)
    return None


def _patterns(resolvers: list[Any], prefix: str = "", namespace: str = "",
              params: tuple[str, ...] = ()) -> list[tuple[str, str, Any, tuple[str, ...]]]:
    found = []
    for entry in resolvers:
        pattern = str(entry.pattern)
        found_names = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", pattern)
        flat = params + tuple(a or b for a, b in found_names)
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            found += _patterns(entry.url_patterns, prefix + pattern, full_ns, flat)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            found.append((prefix + pattern, name, entry.callback, flat))
    return found


def discover() -> list[Route]:
    """Every route of eoms.urls, one per method, except the allow-listed paths."""
    routes: list[Route] = []
    for path, name, callback, params in _patterns(get_resolver("eoms.urls").url_patterns):
        if _is_allowed(path):
            continue
        path_view = _ninja_path_view(callback)
        if path_view is not None:
            api_path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)
            methods = sorted({m.upper() for op in path_view.operations for m in op.methods})
            routes += [Route(API, api_path, api_path, m, params) for m in methods]
            continue
        target = target_for_key(name)
        declared = declared_methods(callback) or ("GET", *(target.methods if target else ()))
        routes += [Route(PAGE, name, "/" + path, m, params) for m in dict.fromkeys(declared)]
    # Ninja gives each operation's url_name its own pattern, all sharing one path view.
    return sorted(set(routes), key=lambda r: (r.path, r.method))


# --- what decides each route ---------------------------------------------------------------

Factory = Callable[[World], Any]  # a model instance (or an upload, for imports)


@dataclass(frozen=True)
class Target:
    """How the walker judges a route (see the module docstring)."""

    model: type[models.Model] | None = None  # None with no obj: any signed-in user
    # The object the path parameters name; on a route without parameters, a row made
    # before the request, so that the list has something it must not show to others.
    obj: Factory | None = None
    action: str | None = None  # default: by method and URL name (see action_for)
    # The object the action is checked on when it is not the one the path names (adding a
    # member to a project checks ADD on an unsaved ProjectMember of that project).
    acts_on: Callable[[World, Any], models.Model] | None = None
    body: Callable[[World, int], dict[str, Any]] | None = None  # a valid write, unique per n
    form: bool = False  # POST what the page's own form holds, `body` typed over it
    fresh: Factory | None = None  # a new object for a permitted delete (default: MAKERS)
    kwargs: Callable[[Any], dict[str, Any]] | None = None  # path params from the object
    audited: bool = True  # a successful write leaves a new audit entry
    methods: tuple[str, ...] = ()  # methods an undecorated page view also handles
    # Only for objects no policy governs (an uploaded import file): the expected answer.
    expect: Callable[[Any, World, Any], str] | None = None

    def model_of(self, obj: Any) -> type[models.Model] | None:
        if self.model is not None:
            return self.model
        return type(obj) if isinstance(obj, models.Model) else None


def _pm_notification(w: World) -> Notification:
    return Notification.objects.create(user=w.pm, kind="system", title="巡检通知")


def _pm_job(w: World) -> Job:
    return Job.objects.create(kind="walker", label="巡检任务", created_by=w.pm)


def _pm_token(w: World) -> ApiToken:
    with acting(Channel.TEST):
        return accounts.create_token(w.pm, actor=w.pm, name="巡检令牌")[0]


def _named_body(w: World, n: int) -> dict[str, Any]:
    return {"name": f"巡检新建记录{n:05d}"}


def _edit_body(w: World, n: int) -> dict[str, Any]:
    return {"notes": f"巡检修改{n}"}


# kind, API plural, model, world object, what a new record needs besides a name
_MASTER: list[tuple[str, str, type[models.Model], Factory,
                    Callable[[World, int], dict[str, Any]]]] = [
    ("customer", "customers", Customer, lambda w: w.customer, lambda w, n: {}),
    ("supplier", "suppliers", Supplier, lambda w: w.supplier, lambda w, n: {}),
    ("materialcategory", "material-categories", MaterialCategory, lambda w: w.category,
     lambda w, n: {"code": f"Q{n:05d}"}),
    ("material", "materials", Material, lambda w: w.material,
     lambda w, n: {"category": w.category.pk, "unit": "吨"}),
    ("project", "projects", Project, lambda w: w.project,
     lambda w, n: {"customer": w.customer.pk}),
    ("site", "sites", Site, lambda w: w.site, lambda w, n: {"project": w.project.pk}),
    ("costcode", "cost-codes", CostCode, lambda w: w.cost_code,
     lambda w, n: {"code": f"99-{n:05d}", "category": CostCategory.OTHER}),
]


def _create(extra: Callable[[World, int], dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    return lambda w, n: {**_named_body(w, n), **extra(w, n)}


def _masterdata_pages() -> list[tuple[str, Target]]:
    form = ("GET", "POST")
    entries: list[tuple[str, Target]] = []
    for kind, _plural, model, obj, extra in _MASTER:
        entries += [
            (f"masterdata:{kind}_create", Target(model=model, action=ADD, form=True,
                                                  methods=form, body=_create(extra))),
            (f"masterdata:{kind}_edit", Target(model=model, obj=obj, action=CHANGE,
                                                form=True, methods=form, body=_edit_body)),
            (f"masterdata:{kind}_*", Target(model=model, obj=obj)),
        ]
    return entries


_API_LINKS: dict[type[models.Model], Callable[[World], dict[str, Any]]] = {
    Material: lambda w: {"category": w.category.code},
    Project: lambda w: {"customer": w.customer.code},
    Site: lambda w: {"project": w.project.code},
}


def _api_create(model: type[models.Model],
                extra: Callable[[World, int], dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    links = _API_LINKS.get(model, lambda w: {})
    return lambda w, n: {**_named_body(w, n), **extra(w, n), **links(w)}


def _site_in(w: World, obj: Any) -> Site:
    return Site(project=w.project)  # what a new site's body names


def _crm_customer(w: World) -> Customer:
    Customer.objects.filter(pk=w.customer.pk).update(crm_id="CRM-T0001")
    return Customer.objects.get(pk=w.customer.pk)


def _masterdata_api() -> list[tuple[str, Target]]:
    entries: list[tuple[str, Target]] = [
        ("PUT /api/v1/masterdata/customers/by-crm-id/{crm_id}", Target(
            model=Customer, obj=_crm_customer, kwargs=lambda c: {"crm_id": c.crm_id},  # type: ignore[attr-defined]
            body=lambda w, n: {"name": w.customer.name, "notes": f"CRM 同步{n}"})),
        ("POST /api/v1/masterdata/sites", Target(
            model=Site, acts_on=_site_in, body=_api_create(Site, lambda w, n: {}))),
    ]
    for _kind, plural, model, obj, extra in _MASTER:
        entries += [
            (f"PATCH /api/v1/masterdata/{plural}*", Target(model=model, obj=obj,
                                                           body=_edit_body)),
            (f"* /api/v1/masterdata/{plural}*", Target(model=model, obj=obj,
                                                       body=_api_create(model, extra))),
        ]
    return entries


def _import_expect(kind: str) -> Callable[[Any, World, Any], str]:
    """Importing needs both add and change; an upload is its uploader's alone."""
    model = IMPORTERS[kind].model

    def expect(user: Any, world: World, stored: Any) -> str:
        if user is None:
            return LOGIN
        if not (can(user, ADD, model) and can(user, CHANGE, model)):
            return FORBIDDEN
        return OK if stored is None or user.pk == stored.user_id else HIDDEN

    return expect


_uploads: dict[tuple[str, int], StoredImport] = {}


def _upload(kind: str) -> Factory:
    """An upload of the import template by the manager, checked (dry run), for the import
    pages that name an upload by its token. Files go to MEDIA_ROOT (the walker's own); one
    is kept per kind while it exists (cancelling deletes it)."""

    def make(w: World) -> Any:
        stored = _uploads.get((kind, w.manager.pk))
        if stored is not None and stored.report("preview") is not None:
            return stored
        cls = IMPORTERS[kind]
        stored = StoredImport.create(w.manager, cls(w.manager).template(), kind=kind,
                                     filename="巡检.xlsx", rows=0)
        with acting(Channel.TEST):
            stored.process(cls, w.manager, dry_run=True)
        _uploads[(kind, w.manager.pk)] = stored
        return stored

    return make


def _imports() -> list[tuple[str, Target]]:
    # An empty upload imports nothing: the import itself is tested in tests/masterdata.
    return [(f"masterdata:{kind}_import*", Target(
        model=IMPORTERS[kind].model, obj=_upload(kind), expect=_import_expect(kind),
        audited=False, kwargs=lambda s: {"token": s.token})) for kind in IMPORTERS]


def _member(w: World) -> ProjectMember:
    return ProjectMember.objects.get(project=w.project, user=w.buyer)


TARGETS: list[tuple[str, Target]] = [
    # --- core: every signed-in user has a dashboard, search, notifications and jobs
    ("core:dashboard", Target()),
    ("core:search", Target()),
    ("core:notification_badge", Target()),
    ("core:notifications", Target(model=Notification, obj=_pm_notification)),
    # Reading one's notifications is personal bookkeeping, not audited business data.
    ("core:notifications_read_all", Target(model=Notification, action=CHANGE, audited=False)),
    ("core:notification_read", Target(obj=_pm_notification, action=CHANGE, audited=False)),
    ("core:jobs", Target(model=Job, obj=_pm_job)),
    ("core:job_status", Target(obj=_pm_job)),
    # --- accounts
    ("accounts:profile", Target()),
    # Notification preferences are the user's own settings, not audited business data.
    ("accounts:notification_prefs", Target(audited=False,
                                           body=lambda w, n: {"in_app:system": "on"})),
    ("accounts:token_create", Target(model=ApiToken, action=ADD,
                                     body=lambda w, n: {"name": f"巡检令牌{n}"})),
    ("accounts:token_revoke", Target(obj=_pm_token, action=DELETE)),
    ("GET /api/v1/accounts/me", Target()),
    ("* /api/v1/accounts/users*", Target(model=User, obj=lambda w: w.pm)),
    ("* /api/v1/accounts/crews*", Target(model=Crew, obj=lambda w: w.crew)),
    # --- audit
    ("audit:search", Target(model=AuditEntry)),
    # --- master data: project members, then one family per kind (pages and API)
    ("masterdata:project_member_add", Target(
        obj=lambda w: w.project, action=ADD, body=lambda w, n: {"user": w.finance.pk},
        acts_on=lambda w, project: ProjectMember(project=project, user=w.finance))),
    ("masterdata:project_member_remove", Target(
        obj=_member, action=DELETE,
        kwargs=lambda m: {"pk": m.project_id, "member_pk": m.pk})),
    ("masterdata:site_create", Target(
        model=Site, action=ADD, form=True, methods=("GET", "POST"), acts_on=_site_in,
        body=_create(lambda w, n: {"project": w.project.pk}))),
    *_imports(),
    *_masterdata_pages(),
    *_masterdata_api(),
    *routes_orders.targets(),
    *routes_scheduling.targets(),
    *routes_fieldwork.targets(),
    *routes_materials.targets(),
    *routes_quality.targets(),
]


def target_for_key(key: str) -> Target | None:
    for pattern, target in TARGETS:
        if fnmatch.fnmatchcase(key, pattern):
            return target
    return None


def target_for(route: Route) -> Target:
    """The route's target; fails with instructions when the route is not covered."""
    target = target_for_key(route.key)
    if target is None:
        raise LookupError(
            f"The route {route} is not covered by the route walker. Add a line to TARGETS in "
            f"eoms/testing/routes.py: ({route.key!r}, Target(model=<the model that decides "
            f"access>, obj=lambda w: <the world object its parameters name>)).")
    if route.params and target.obj is None:
        raise LookupError(
            f"The route {route} has path parameters {route.params} but its TARGETS entry "
            f"gives no object. Add obj=lambda w: <a world object> to its entry in "
            f"eoms/testing/routes.py.")
    return target


_ACTION_WORDS = [(ADD, r"create|new|add|import"), (CHANGE, r"edit|update|change"),
                 (DELETE, r"delete|remove"), (EXPORT, r"export")]


def action_for(route: Route, target: Target) -> str:
    if target.action:
        return target.action
    if route.kind == PAGE:
        last = route.name.rsplit(":", 1)[-1]
        for action, words in _ACTION_WORDS:
            if re.search(rf"(^|_)({words})($|_)", last):
                return action
    if route.method in ("GET", "HEAD"):
        return VIEW
    if route.method in ("PATCH", "PUT"):
        return CHANGE
    if route.method == "DELETE":
        return DELETE
    return CHANGE if route.params else ADD


def url_for(route: Route, target: Target, obj: models.Model | None) -> str:
    values: dict[str, Any] = {}
    if route.params:
        assert obj is not None
        values = target.kwargs(obj) if target.kwargs else {p: obj.pk for p in route.params}
    path = route.path
    for name, value in values.items():
        path = re.sub(rf"<(?:\w+:)?{name}>|\{{{name}\}}", str(value), path)
    return path


# --- the expected answer ---------------------------------------------------------------------

OK, LOGIN, HIDDEN, REFUSED, FORBIDDEN = "ok", "login", "hidden", "refused", "forbidden"
# A write whose body names an object outside the user's scope: refused (403), or the
# reference is not found (API 422 / 404), or the form shows the error (page 200).
INVALID = "invalid"
# A page that sends this user elsewhere (staff opening a customer-portal page): 302.
REDIRECT = "redirect"


def _visible(user: Any, action: str, obj: models.Model) -> bool:
    manager = type(obj)._default_manager
    return manager.all().for_user(user, action).filter(pk=obj.pk).exists()  # type: ignore[attr-defined]


def may(user: Any, action: str, obj: models.Model) -> bool:
    """The policy's answer for one object: its roles allow it and, for a saved object,
    the object lies in the rows `for_user(user, action)` gives."""
    if not can(user, action, obj):
        return False
    return obj.pk is None or _visible(user, action, obj)


def expectation(route: Route, target: Target, user: Any, obj: Any, world: World) -> str:
    """OK, LOGIN (anonymous), HIDDEN (404), REFUSED (403, 404 tolerated), FORBIDDEN (403),
    INVALID (the body names something out of scope)."""
    if target.expect is not None:
        return target.expect(user, world, obj)
    if user is None:
        return LOGIN
    action = action_for(route, target)
    if obj is not None:
        if not may(user, VIEW, obj):
            return HIDDEN
        if action == VIEW:
            return OK
        subject = target.acts_on(world, obj) if target.acts_on else obj
        return OK if may(user, action, subject) else REFUSED
    model = target.model
    if model is None:
        return OK
    if not can(user, action, model):
        return FORBIDDEN
    if target.acts_on is not None and not may(user, action, target.acts_on(world, None)):
        return INVALID
    return OK


# --- extra rows in bulk, for the query-count test ------------------------------------------

_serial = itertools.count(1)
Maker = Callable[[World, int, Any], list[models.Model]]


def _named(model: type[models.Model], prefix: str,
           extra: Callable[[World], dict[str, Any]] = lambda w: {}) -> Maker:
    def make(world: World, n: int, user: Any) -> list[models.Model]:
        rows = []
        for _ in range(n):
            i = next(_serial)
            name = f"批量{prefix}{i:05d}"
            rows.append(model(code=f"{prefix}-Q{i:05d}", name=name,
                              name_key=normalize_name(name), **extra(world)))
        return model.objects.bulk_create(rows)  # type: ignore[attr-defined]

    return make


def _crews(world: World, n: int, user: Any) -> list[models.Model]:
    crews = Crew.objects.bulk_create(
        [Crew(code=f"BZ-Q{i:05d}", name=f"批量班组{i:05d}", leader=world.worker)
         for i in (next(_serial) for _ in range(n))])
    CrewMembership.objects.bulk_create([CrewMembership(crew=c, user=world.worker) for c in crews])
    return list(crews)


def _users(world: World, n: int, user: Any) -> list[models.Model]:
    return list(User.objects.bulk_create(
        [User(username=f"bulk-q{i:05d}", password="!") for i in (next(_serial)
                                                                  for _ in range(n))]))


def _notifications(world: World, n: int, user: Any) -> list[models.Model]:
    return list(Notification.objects.bulk_create(
        [Notification(user=user, kind="system", title=f"批量通知{next(_serial):05d}")
         for _ in range(n)]))


def _jobs(world: World, n: int, user: Any) -> list[models.Model]:
    return list(Job.objects.bulk_create(
        [Job(kind="bulk", label=f"批量任务{next(_serial):05d}", created_by=user)
         for _ in range(n)]))


def _audit_entries(world: World, n: int, user: Any) -> list[models.Model]:
    return [chain.append(channel=Channel.TEST, action="event", event="bulk.row",
                         object_repr=f"批量审计{next(_serial):05d}", changes={})
            for _ in range(n)]


MAKERS: dict[type[models.Model], Maker] = {
    Customer: _named(Customer, "CUS"),
    Supplier: _named(Supplier, "SUP"),
    MaterialCategory: _named(MaterialCategory, "CAT"),
    Material: _named(Material, "MAT", lambda w: {"category": w.category, "unit": "吨"}),
    Project: _named(Project, "PRJ", lambda w: {"customer": w.customer, "manager": w.pm}),
    Site: _named(Site, "SITE", lambda w: {"project": w.project}),
    CostCode: _named(CostCode, "CC", lambda w: {"category": CostCategory.OTHER}),
    Crew: _crews,
    User: _users,
    Notification: _notifications,
    Job: _jobs,
    AuditEntry: _audit_entries,
    **routes_orders.MAKERS,
    **routes_scheduling.MAKERS,
    **routes_fieldwork.MAKERS,
    **routes_materials.MAKERS,
    **routes_quality.MAKERS,
}


def marker(obj: models.Model) -> str:
    """A text that identifies the row where a page lists it (long enough not to appear
    by chance: a two-letter category code would)."""
    for attr in ("code", "username", "name", "label", "title", "object_repr"):
        value = str(getattr(obj, attr, "") or "")
        if len(value) >= 5 or (value and attr not in ("code", "username")):
            return value
    return str(obj)
