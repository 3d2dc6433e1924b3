"""Loading the demo company: an ordered list of idempotent steps.

Each step is a function `step(demo: Demo) -> None` that finds what it needs by natural
key (username, CRM id, credit code, code, name) and creates, through the domain services,
only what is missing, so a second run writes nothing. A step records what it found or
made in `demo` so later steps can use it (`demo.user("demo_pm1")`,
`demo.projects["shanghai"]`). A later module (orders, scheduling …) adds its demo data by
writing one more step and appending it to `STEPS`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from eoms.accounts import services as accounts
from eoms.accounts.demo_hint import DEMO_PASSWORD
from eoms.accounts.models import Crew, User
from eoms.core import notifications
from eoms.core.access import ADD, require
from eoms.core.context import Channel, acting, business_event
from eoms.core.models import Notification
from eoms.demo import data
from eoms.demo.field_step import load_field_work
from eoms.demo.materials_step import load_material_receiving
from eoms.demo.orders_step import load_orders
from eoms.demo.quality_step import load_quality
from eoms.demo.schedule_step import load_schedules
from eoms.fieldwork.models import CheckIn
from eoms.lib.text import normalize_name
from eoms.masterdata import services as md
from eoms.masterdata.models import (
    CostCode,
    Customer,
    CustomerUser,
    Material,
    MaterialCategory,
    NamedMaster,
    Project,
    ProjectMember,
    Site,
    Supplier,
)
from eoms.orders.models import AssignmentGroup, AssignmentRule, Order


@dataclass
class Demo:
    """What the steps found or made, by natural key, and how many of each were new."""

    users: dict[str, User] = field(default_factory=dict)
    customers: dict[str, Customer] = field(default_factory=dict)
    categories: dict[str, MaterialCategory] = field(default_factory=dict)
    suppliers: dict[str, Supplier] = field(default_factory=dict)
    materials: dict[str, Material] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)
    sites: dict[tuple[str, str], Site] = field(default_factory=dict)
    crews: dict[str, Crew] = field(default_factory=dict)
    cost_codes: dict[str, CostCode] = field(default_factory=dict)
    created: Counter[str] = field(default_factory=Counter)
    existing: Counter[str] = field(default_factory=Counter)

    def user(self, username: str) -> User:
        return self.users[username]

    def note(self, label: str, created: bool, count: int = 1) -> None:
        (self.created if created else self.existing)[label] += count

    @property
    def labels(self) -> list[str]:
        return list(dict.fromkeys([*self.created, *self.existing]))


Step = Callable[[Demo], None]


def _ensure(demo: Demo, label: str, model: type[NamedMaster], find: Q, *, actor: Any,
            values: dict[str, Any]) -> Any:
    """The record `find` matches, or a new one made by the master-data service."""
    found = model.objects.filter(find).order_by("pk").first()
    demo.note(label, found is None)
    if found is not None:
        return found
    return md.create_record(model, actor=actor, data=values)


def _same_name(name: str) -> Q:
    return Q(name_key=normalize_name(name))


# --- steps ----------------------------------------------------------------------------------

def load_users(demo: Demo) -> None:
    """Everyone in the demo company; demo_admin first, since he creates the others."""
    for username, name, role, phone, _title in data.USERS:
        user = User.objects.filter(username__iexact=username).first()
        demo.note("users", user is None)
        if user is None:
            admin = demo.users.get(data.ADMIN_USERNAME)
            user = accounts.create_user(
                actor=admin, check_permission=admin is not None, username=username,
                password=DEMO_PASSWORD, roles=[role], email=f"{username}@{data.EMAIL_DOMAIN}",
                last_name=name[:1], first_name=name[1:], phone=phone, language="zh-hans")
        if username == data.ADMIN_USERNAME and not (user.is_staff and user.is_superuser):
            with business_event("user.made_superuser"):
                user.is_staff = user.is_superuser = True
                user.save(update_fields=["is_staff", "is_superuser"])
        demo.users[username] = user


def load_customers(demo: Demo) -> None:
    manager = demo.user("demo_manager")
    for row in data.CUSTOMERS:
        values = {k: v for k, v in row.items() if k != "key"}
        demo.customers[row["key"]] = _ensure(
            demo, "customers", Customer, Q(crm_id=row["crm_id"]) | _same_name(row["name"]),
            actor=manager, values=values)
    for username, key in data.CUSTOMER_USERS.items():
        user = demo.user(username)
        linked = CustomerUser.objects.filter(user=user).exists()
        demo.note("customer portal users", not linked)
        if not linked:
            link = CustomerUser(customer=demo.customers[key], user=user)
            require(manager, ADD, link)
            with business_event("customer.user_added", actor=manager):
                link.save()


def load_categories(demo: Demo) -> None:
    buyer = demo.user("demo_buyer")
    for code, name in data.CATEGORIES:
        demo.categories[code] = _ensure(demo, "material categories", MaterialCategory,
                                        Q(code=code), actor=buyer,
                                        values={"code": code, "name": name})


def load_suppliers(demo: Demo) -> None:
    buyer = demo.user("demo_buyer")
    for row in data.SUPPLIERS:
        values = {k: v for k, v in row.items() if k not in ("key", "categories")}
        values["categories"] = [demo.categories[c] for c in row["categories"]]  # type: ignore[attr-defined]
        find = Q(credit_code=row["credit_code"]) | _same_name(str(row["name"]))
        demo.suppliers[str(row["key"])] = _ensure(demo, "suppliers", Supplier, find,
                                                  actor=buyer, values=values)


def load_materials(demo: Demo) -> None:
    buyer = demo.user("demo_buyer")
    for category, name, spec, unit, price in data.MATERIALS:
        demo.materials[name] = _ensure(
            demo, "materials", Material, _same_name(name), actor=buyer,
            values={"name": name, "specification": spec, "unit": unit,
                    "category": demo.categories[category], "standard_price": Decimal(price)})


def load_projects(demo: Demo) -> None:
    """Projects by the manager; each project manager adds his sites and his team."""
    manager = demo.user("demo_manager")
    for row in data.PROJECTS:
        key = str(row["key"])
        pm = demo.user(str(row["manager"]))
        values = {name: row[name] for name in ("name", "city", "status", "address",
                                               "start_date", "end_date")}
        values.update(customer=demo.customers[str(row["customer"])], manager=pm)
        project = _ensure(demo, "projects", Project, _same_name(str(row["name"])),
                          actor=manager, values=values)
        demo.projects[key] = project
        for site in row["sites"]:  # type: ignore[attr-defined]
            site_values = {**site, "project": project,
                           "latitude": Decimal(site["latitude"]),
                           "longitude": Decimal(site["longitude"])}
            demo.sites[(key, site["name"])] = _ensure(
                demo, "sites", Site, Q(project=project) & _same_name(site["name"]),
                actor=pm, values=site_values)
        for username in row["members"]:  # type: ignore[attr-defined]
            _ensure_member(demo, project, demo.user(username), actor=pm)


def _ensure_member(demo: Demo, project: Project, user: User, *, actor: Any) -> None:
    exists = ProjectMember.objects.filter(project=project, user=user).exists()
    demo.note("project members", not exists)
    if not exists:
        md.add_project_member(project, user, actor=actor)


def load_crews(demo: Demo) -> None:
    manager = demo.user("demo_manager")
    for row in data.CREWS:
        name = str(row["name"])
        crew = Crew.objects.filter(name=name).order_by("pk").first()
        demo.note("crews", crew is None)
        if crew is None:
            crew = accounts.create_crew(
                actor=manager, name=name, trade=str(row["trade"]),
                leader=demo.user(str(row["leader"])),
                members=[demo.user(u) for u in row["members"]])  # type: ignore[attr-defined]
        demo.crews[name] = crew


def load_cost_codes(demo: Demo) -> None:
    finance = demo.user("demo_finance")
    for code, name, category, parent in data.COST_CODES:
        values: dict[str, Any] = {"code": code, "name": name, "category": category}
        if parent:
            values["parent"] = demo.cost_codes[parent]
        # Sub-codes share names across branches in real charts, so match by code only.
        demo.cost_codes[code] = _ensure(demo, "cost codes", CostCode, Q(code=code),
                                        actor=finance, values=values)


def _link(demo: Demo, target: str) -> str:
    kind, _, rest = target.partition(":")
    if kind == "project":
        return reverse("masterdata:project_detail", args=[demo.projects[rest].pk])
    if kind == "site":
        project, _, site = rest.partition(":")
        return reverse("masterdata:site_detail", args=[demo.sites[(project, site)].pk])
    return ""


def load_notifications(demo: Demo) -> None:
    """A few unread messages, an hour apart, so the bell of the demo PM shows something."""
    pm = demo.user(data.NOTIFICATIONS_FOR)
    now = timezone.now()
    for age, (title, body, target) in enumerate(reversed(data.NOTIFICATIONS)):
        exists = Notification.objects.filter(user=pm, title=title).exists()
        demo.note("notifications", not exists)
        if exists:
            continue
        for n in notifications.notify([pm], kind="system", title=title, body=body,
                                      url=_link(demo, target)):
            Notification.objects.filter(pk=n.pk).update(
                created_at=now - timedelta(hours=age, minutes=7 * age))


STEPS: list[Step] = [
    load_users,
    load_customers,
    load_categories,
    load_suppliers,
    load_materials,
    load_projects,
    load_crews,
    load_cost_codes,
    load_notifications,
    load_orders,
    load_schedules,
    load_field_work,
    load_material_receiving,
    load_quality,
]


def run(steps: list[Step] | None = None) -> Demo:
    """Run the steps in order, in one transaction, as a command: all or nothing."""
    demo = Demo()
    with acting(Channel.COMMAND), notifications.without_mail(), transaction.atomic():
        for step in STEPS if steps is None else steps:
            step(demo)
    return demo


def counts() -> dict[str, int]:
    """Rows of each demo model now in the database (for the summary and the tests)."""
    tables: dict[str, type[models.Model]] = {
        "users": User, "customers": Customer, "suppliers": Supplier,
        "material categories": MaterialCategory, "materials": Material, "projects": Project,
        "sites": Site, "project members": ProjectMember, "crews": Crew,
        "cost codes": CostCode, "notifications": Notification,
        "assignment groups": AssignmentGroup, "assignment rules": AssignmentRule,
        "orders": Order, "check-ins": CheckIn,
    }
    return {label: model._default_manager.count() for label, model in tables.items()}
