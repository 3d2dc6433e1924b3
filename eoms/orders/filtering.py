"""The filters of order lists that machines and files share: the API list, the Excel export
and the command line use the same names (status, type, priority, owner, customer, project,
overdue, q) with the same meaning."""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import and_, or_
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from eoms.lib.text import to_halfwidth
from eoms.masterdata.models import Customer, Project
from eoms.orders.choices import OrderStatus, OrderType, Priority

SEARCH_FIELDS = ("code", "title", "crm_id")
DONE = (OrderStatus.DELIVERED, OrderStatus.CLOSED, OrderStatus.CANCELLED)
FILTER_NAMES = ("q", "status", "type", "priority", "owner", "customer", "project", "overdue")


def overdue_q(today: dt.date | None = None) -> Q:
    """Orders past their promised date that are not delivered, closed or cancelled (the
    same rule as services.is_overdue)."""
    today = today or timezone.localdate()
    return Q(promised_date__lt=today) & ~Q(status__in=DONE)


def search_q(text: str) -> Q | None:
    words = to_halfwidth(text or "").split()[:8]
    if not words:
        return None
    return reduce(and_, (reduce(or_, (Q(**{f"{f}__icontains": w}) for f in SEARCH_FIELDS))
                         for w in words))


def filter_orders(qs: QuerySet, *, q: str | None = None, status: str | None = None,
                  order_type: str | None = None, priority: str | None = None,
                  owner: str | None = None, customer: str | None = None,
                  project: str | None = None, overdue: bool | None = None) -> QuerySet:
    """Narrow an order queryset (already scoped to the user) by the given filters; None
    leaves a filter out. Owner is a username, customer and project are codes."""
    found = search_q(q or "")
    if found is not None:
        qs = qs.filter(found)
    exact = {"status": status, "order_type": order_type, "priority": priority,
             "owner__username": owner, "customer__code": customer, "project__code": project}
    qs = qs.filter(**{k: v for k, v in exact.items() if v not in (None, "")})
    if overdue is True:
        qs = qs.filter(overdue_q())
    elif overdue is False:
        qs = qs.exclude(overdue_q())
    return qs


def placeable_customers(user: Any) -> QuerySet:
    """Customers an order may name: those the user sees, and the customers of the projects
    he sees (a buyer names his project's customer without seeing the customer list)."""
    projects = Project.objects.for_user(user).values("customer_id")
    return Customer.objects.filter(
        Q(pk__in=Customer.objects.for_user(user).values("pk")) | Q(pk__in=projects))


_TRUE, _FALSE = {"1", "true", "yes", "on", "是"}, {"0", "false", "no", "off", "否"}


def filters_from_query(params: Any) -> dict[str, Any]:
    """The filters of a query string (a page's export link), unknown values left out so a
    stale link still answers: `?status=draft&type=change&overdue=1&q=防水`."""
    def one(name: str) -> str:
        return str(params.get(name, "") or "").strip()[:100]

    found: dict[str, Any] = {"q": one("q") or None}
    for name, key, choices in (("status", "status", OrderStatus.values),
                               ("type", "order_type", OrderType.values),
                               ("priority", "priority", Priority.values)):
        value = one(name)
        found[key] = value if value in choices else None
    for name in ("owner", "customer", "project"):
        found[name] = one(name) or None
    flag = one("overdue").lower()
    found["overdue"] = True if flag in _TRUE else False if flag in _FALSE else None
    return found
