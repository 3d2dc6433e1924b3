"""Order list, board and export, and the saved filters above them.

The form pages are in views_form.py, the order page and its actions in views_detail.py.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eoms.accounts.models import User
from eoms.core import listing
from eoms.core.access import ADD, PROJECT_MANAGER, VIEW, can, roles_of
from eoms.core.listing import FilterSpec, Listing
from eoms.masterdata.models import Project
from eoms.orders import saved_filters, workflow
from eoms.orders.choices import OrderStatus
from eoms.orders.forms import SavedFilterForm, customers_for
from eoms.orders.models import OPEN_STATUSES, Order, SavedFilter
from eoms.orders.policies import ASSIGN
from eoms.orders.queries import overdue_q, with_overdue

PAGE_SIZES = (10, 25, 50, 100)
BOARD_STATUSES = (*workflow.STEPS, OrderStatus.ON_HOLD)
BOARD_CAP = 25
ME, NOBODY, OPEN = "me", "none", "open"


def _owners(user: Any) -> QuerySet:
    """People who own an order the user sees (the owner filter's choices)."""
    return User.objects.filter(
        pk__in=Order.objects.for_user(user).filter(owner__isnull=False).values("owner")
    ).order_by("username")


@dataclasses.dataclass(frozen=True)
class OrderListing(Listing):
    """The generic list, plus: owner "me" / "none", status "open", and overdue yes/no."""

    def filter_specs(self, user: Any, params: QueryDict) -> list[FilterSpec]:
        specs = super().filter_specs(user, params)
        for spec in specs:
            if spec.name == "owner":
                spec.choices = [(ME, _("我负责的")), (NOBODY, _("未分派")), *spec.choices]
            elif spec.name == "status":
                spec.choices = [(OPEN, _("未结束（全部）")), *spec.choices]
            if params.get(spec.name) in (ME, NOBODY, OPEN) and not spec.value:
                wanted = params[spec.name]
                spec.value = wanted if wanted in dict(spec.choices) else ""
        overdue = params.get("overdue", "")
        specs.append(FilterSpec(name="overdue", label=_("逾期"),
                                choices=[("1", _("已逾期")), ("0", _("未逾期"))],
                                value=overdue if overdue in ("1", "0") else ""))
        return specs

    def rows(self, user: Any, params: QueryDict, action: str = VIEW,
             columns: tuple[str, ...] = (),
             specs: list[FilterSpec] | None = None) -> QuerySet:
        specs = specs if specs is not None else self.filter_specs(user, params)
        special = {s.name: s.value for s in specs
                   if s.name == "overdue" or s.value in (ME, NOBODY, OPEN)}
        plain = [dataclasses.replace(s, value="") if s.name in special else s for s in specs]
        qs = with_overdue(super().rows(user, params, action, columns, plain))
        owner, status, overdue = (special.get(k, "") for k in ("owner", "status", "overdue"))
        if owner == ME:
            qs = qs.filter(owner=user)
        elif owner == NOBODY:
            qs = qs.filter(owner__isnull=True)
        if status == OPEN:
            qs = qs.filter(status__in=OPEN_STATUSES)
        if overdue:
            qs = qs.filter(overdue_q()) if overdue == "1" else qs.exclude(overdue_q())
        return qs


orders = OrderListing(
    Order,
    columns=("code", "title", "order_type", "customer", "project", "priority", "status",
             "owner", "promised_date"),
    search=("code", "title", "crm_id"),
    filters=("status", "order_type", "priority", "owner", "customer", "project"),
    sorts=("code", "title", "priority", "status", "promised_date", "created_at"),
    default_sort="-code",
    export_columns=("code", "title", "order_type", "status", "priority", "customer",
                    "project", "site", "owner", "requested_date", "promised_date",
                    "budget_amount", "source", "crm_id", "parent__code", "created_at"),
    detail_url_name="orders:detail",
    export_url_name="orders:export",
    filter_options={"owner": _owners, "customer": customers_for,
                    "project": lambda user: Project.objects.for_user(user).order_by("code")},
)
FILTER_KEYS = ("q", *orders.filters, "overdue", "sort", "page_size")


def _require_view(user: Any) -> None:
    if not can(user, VIEW, Order):
        raise PermissionDenied(VIEW)


def _quick_filters(user: Any) -> list[dict[str, Any]]:
    """Shortcuts above the list: mine (project managers), unassigned (managers), overdue."""
    base = reverse("orders:list")
    links = []
    if PROJECT_MANAGER in roles_of(user):
        links.append({"label": _("我负责的未结束订单"), "query": f"owner={ME}&status={OPEN}"})
    if can(user, ASSIGN, Order):
        links.append({"label": _("待分派"),
                      "query": f"status={OrderStatus.SUBMITTED}&owner={NOBODY}"})
    links.append({"label": _("已逾期"), "query": "overdue=1"})
    return [{**link, "url": f"{base}?{link['query']}"} for link in links]


def _filter_context(request: HttpRequest, listing_context: dict[str, Any]) -> dict[str, Any]:
    user = request.user
    query = listing_context["querystring_without_page"]
    return {
        "quick_filters": _quick_filters(user),
        "saved_filters": SavedFilter.objects.for_user(user).order_by("name"),
        "can_save_filter": can(user, ADD, SavedFilter),
        "save_filter_form": SavedFilterForm(initial={"query": query}, keys=FILTER_KEYS),
        "current_query": query,
        "can_add": can(user, ADD, Order),
    }


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    _require_view(request.user)
    context = orders.context(request)
    context.update(_filter_context(request, context))
    context.update(page_sizes=PAGE_SIZES, page_size_hidden=listing.page_size_hidden(request.GET),
                   board_url=f"{reverse('orders:board')}?{context['querystring_without_page']}")
    return render(request, "orders/list.html", context)


@login_required
def order_export(request: HttpRequest) -> HttpResponse:
    return orders.export(request)


def _board_columns(qs: QuerySet, query: QueryDict, cap: int) -> list[dict[str, Any]]:
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("pk", distinct=True)))
    columns = []
    list_url = reverse("orders:list")
    for status in BOARD_STATUSES:
        total = counts.get(status, 0)
        cards = []
        if total:
            cards = list(qs.filter(status=status).order_by(
                F("promised_date").asc(nulls_last=True), "code")[:cap])
        more = query.copy()
        more["status"] = status
        columns.append({"status": status, "label": OrderStatus(status).label, "total": total,
                        "cards": cards, "more": total - len(cards),
                        "list_url": f"{list_url}?{more.urlencode()}"})
    return columns


@login_required
def order_board(request: HttpRequest) -> HttpResponse:
    """Kanban: one column per workflow step and "on hold", the list's filters applied; the
    page size is the number of cards a column shows."""
    _require_view(request.user)
    user, params = request.user, request.GET
    specs = orders.filter_specs(user, params)
    qs = orders.rows(user, params, specs=specs)
    query = params.copy()
    for name in ("page", "page_size", "sort"):
        query.pop(name, None)
    cap = orders.page_size(params) if "page_size" in params else BOARD_CAP
    context = {
        "filters": specs, "columns": _board_columns(qs, query, cap),
        "q": params.get("q", "").strip(), "page_size": cap, "page_sizes": PAGE_SIZES,
        "page_size_hidden": listing.page_size_hidden(params),
        "list_url": f"{reverse('orders:list')}?{query.urlencode()}",
        "is_filtered": bool(params.get("q") or any(s.value for s in specs)),
        "querystring_without_page": query.urlencode(),
    }
    context.update(_filter_context(request, context))
    return render(request, "orders/board.html", context)


def _back_to_list(query: str, board: bool = False) -> HttpResponse:
    url = reverse("orders:board" if board else "orders:list")
    return redirect(f"{url}?{query}" if query else url)


@login_required
@require_POST
def save_filter(request: HttpRequest) -> HttpResponse:
    if not can(request.user, ADD, SavedFilter):
        raise PermissionDenied(ADD)
    form = SavedFilterForm(request.POST, keys=FILTER_KEYS)
    board = request.POST.get("view") == "board"
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return _back_to_list(request.POST.get("query", ""), board)
    query = form.cleaned_data["query"]
    try:
        saved = saved_filters.save_filter(actor=request.user, name=form.cleaned_data["name"],
                                          query=query)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _back_to_list(query, board)
    messages.success(request, _("已保存常用筛选“%(n)s”。") % {"n": saved.name})
    return _back_to_list(saved.query, board)


@login_required
@require_POST
def delete_filter(request: HttpRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(SavedFilter.objects.for_user(request.user), pk=pk)
    saved_filters.delete_filter(saved, actor=request.user)
    messages.success(request, _("已删除常用筛选“%(n)s”。") % {"n": saved.name})
    return _back_to_list("", request.POST.get("view") == "board")

