"""Assignment-rule pages: the ordered rule list with a dry run, rule and group forms.

Management changes rules and groups; project managers and auditors read them
(AssignmentRulePolicy). Every change goes through eoms.orders.services_rules.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eoms.accounts.models import User
from eoms.audit.history import history_for
from eoms.core.access import ADD, CHANGE, DELETE, VIEW, can
from eoms.orders import forms_rules, rules, services_rules
from eoms.orders.choices import AssignMode, OrderType, Priority
from eoms.orders.models import AssignmentGroup, AssignmentRule, Order

DEFAULT_PAGE_SIZE, MIN_PAGE_SIZE, MAX_PAGE_SIZE = 50, 10, 100
DRY_RUN_CHOICES = 30


def _page(qs: QuerySet, params: QueryDict) -> Page:
    try:
        size = int(params.get("page_size", DEFAULT_PAGE_SIZE))
    except ValueError:
        size = DEFAULT_PAGE_SIZE
    size = max(MIN_PAGE_SIZE, min(MAX_PAGE_SIZE, size))
    return Paginator(qs, size).get_page(params.get("page"))


def _querystring(params: QueryDict) -> str:
    query = params.copy()
    query.pop("page", None)
    return query.urlencode()


def _money(value: Any) -> str:
    return f"{value:,.2f}"


def _person(user: User | None) -> str:
    if user is None:
        return "—"
    name = user.get_full_name() or user.username
    return name if user.is_active else _("%(u)s（已停用）") % {"u": name}


# --- rules in words ------------------------------------------------------------------------

def describe_conditions(rule: AssignmentRule) -> list[str]:
    """The rule's conditions as short phrases; a rule without any matches every order."""
    words = []
    if rule.order_types:
        words.append(_("类型：%(v)s") % {"v": "、".join(
            str(OrderType(t).label) for t in rule.order_types if t in OrderType.values)})
    if rule.priorities:
        words.append(_("优先级：%(v)s") % {"v": "、".join(
            str(Priority(p).label) for p in rule.priorities if p in Priority.values)})
    if rule.customer is not None:
        words.append(_("客户：%(v)s") % {"v": rule.customer.name})
    if rule.project_id:
        words.append(_("项目：%(v)s") % {"v": rule.project})
    low, high = rule.min_amount, rule.max_amount
    if low is not None and high is not None:
        words.append(_("预算 %(low)s – %(high)s 元") % {"low": _money(low), "high": _money(high)})
    elif low is not None:
        words.append(_("预算 ≥ %(v)s 元") % {"v": _money(low)})
    elif high is not None:
        words.append(_("预算 ≤ %(v)s 元") % {"v": _money(high)})
    categories = [c.name for c in rule.material_categories.all()]
    if categories:
        words.append(_("含物料分类：%(v)s") % {"v": "、".join(categories)})
    return words or [_("任何订单（兜底规则）")]


def describe_action(rule: AssignmentRule) -> list[str]:
    words = []
    if rule.assign_mode == AssignMode.USER:
        words.append(_("分派给 %(u)s") % {"u": _person(rule.assign_user)})
    elif rule.assign_group is not None:
        template = (_("在“%(g)s”中轮流分派") if rule.assign_mode == AssignMode.ROUND_ROBIN
                    else _("分派给“%(g)s”中在办订单最少的人"))
        words.append(template % {"g": rule.assign_group.name})
    else:
        words.append(_("未设置分派对象"))
    if rule.procurement_group is not None:
        words.append(_("所列分类的订单行交给采购组“%(g)s”") % {"g": rule.procurement_group.name})
    return words


# --- the rule list -------------------------------------------------------------------------

def _rules(user: Any) -> QuerySet:
    """Rules in order, with how many orders (that the user sees) each one assigned."""
    visible = Order.objects.for_user(user).values("pk")
    assigned = (Order.objects.filter(pk__in=visible, assigned_by_rule=OuterRef("pk"))
                .order_by().values("assigned_by_rule").annotate(n=Count("pk")).values("n"))
    return (AssignmentRule.objects.for_user(user)
            .select_related("customer", "project", "assign_user", "assign_group",
                            "procurement_group")
            .prefetch_related("material_categories")
            .annotate(order_count=Coalesce(Subquery(assigned), 0))
            .order_by("position", "pk"))


def _dry_run(user: Any, code: str) -> dict[str, Any] | None:
    """Which rule would assign the order now, and why: nothing is saved."""
    code = code.strip()
    if not code:
        return None
    order = (Order.objects.for_user(user)
             .select_related("customer", "project", "owner", "assigned_by_rule")
             .filter(code__iexact=code).first())
    if order is None:
        return {"code": code, "error": _("找不到订单 %(c)s，或您无权查看。") % {"c": code}}
    match = rules.first_match(order)
    return {"code": order.code, "order": order, "match": match,
            "explanation": rules.explain(match) if match else "",
            "owner": _person(match.owner) if match and match.owner else "",
            "detail_url": reverse("orders:detail", args=[order.pk])}


@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can(user, VIEW, AssignmentRule):
        raise PermissionDenied(VIEW)
    page = _page(_rules(user), request.GET)
    total = page.paginator.count
    rows = []
    for offset, rule in enumerate(page.object_list):
        number = page.start_index() + offset
        rows.append({"rule": rule, "number": number, "conditions": describe_conditions(rule),
                     "action": describe_action(rule), "first": number == 1,
                     "last": number == total})
    recent = (Order.objects.for_user(user).order_by("-created_at")
              .values_list("code", "title")[:DRY_RUN_CHOICES])
    return render(request, "orders/rule_list.html", {
        "page_obj": page, "rows": rows, "querystring_without_page": _querystring(request.GET),
        "can_change": can(user, CHANGE, AssignmentRule), "can_add": can(user, ADD, AssignmentRule),
        "dry_run": _dry_run(user, request.GET.get("order", "")),
        "dry_run_code": request.GET.get("order", "").strip(), "recent_orders": recent,
    })


# --- rule forms ----------------------------------------------------------------------------

def _rule(request: HttpRequest, pk: int, action: str) -> AssignmentRule:
    rule = get_object_or_404(AssignmentRule.objects.for_user(request.user), pk=pk)
    if not can(request.user, action, rule):
        raise PermissionDenied(action)
    return rule


@login_required
def rule_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can(user, ADD, AssignmentRule):
        raise PermissionDenied(ADD)
    data = request.POST if request.method == "POST" else None
    form = forms_rules.RuleForm(data, user=user, initial={"active": True})
    if request.method == "POST" and form.is_valid():
        rule = form.submit(lambda _dup: services_rules.create_rule(
            actor=user, data=form.service_data()))
        if rule is not None:
            messages.success(request, _("已创建分派规则“%(r)s”。") % {"r": rule.name})
            return redirect("orders:rules")
    return render(request, "orders/rule_form.html", {
        "form": form, "object": None, "title": _("新建分派规则")})


@login_required
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    rule = _rule(request, pk, CHANGE)
    form = forms_rules.RuleForm(request.POST if request.method == "POST" else None,
                                instance=rule, user=user)
    if request.method == "POST" and form.is_valid():
        saved = form.submit(lambda _dup: services_rules.update_rule(
            rule, actor=user, data=form.service_data(), expected_version=form.expected_version))
        if saved is not None:
            messages.success(request, _("已保存分派规则“%(r)s”。") % {"r": saved.name})
            return redirect("orders:rules")
    rule.refresh_from_db()  # the form may have changed the instance while validating
    assigned = Order.objects.for_user(user).filter(assigned_by_rule=rule).count()
    return render(request, "orders/rule_form.html", {
        "form": form, "object": rule, "title": _("编辑分派规则"), "history": history_for(rule),
        "assigned_count": assigned, "can_delete": can(user, DELETE, rule),
        "conditions": describe_conditions(rule), "action": describe_action(rule)})


@login_required
@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = _rule(request, pk, DELETE)
    name = rule.name
    try:
        services_rules.delete_rule(rule, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("orders:rule_edit", pk)
    messages.success(request, _("已删除分派规则“%(r)s”。") % {"r": name})
    return redirect("orders:rules")


@login_required
@require_POST
def rule_move(request: HttpRequest, pk: int) -> HttpResponse:
    rule = _rule(request, pk, CHANGE)
    try:
        services_rules.move_rule(rule, actor=request.user,
                                 direction=request.POST.get("direction", ""))
    except ValidationError as exc:
        messages.warning(request, " ".join(exc.messages))
    target = reverse("orders:rules")
    page = request.POST.get("page", "")
    return redirect(f"{target}?page={page}#rule-{rule.pk}" if page.isdigit()
                    else f"{target}#rule-{rule.pk}")


# --- groups --------------------------------------------------------------------------------

def _groups(user: Any) -> QuerySet:
    members = Prefetch("members", queryset=User.objects.order_by("username"))
    return (AssignmentGroup.objects.for_user(user).select_related("last_assigned")
            .prefetch_related(members)
            .annotate(active_members=Count("members", filter=Q(members__is_active=True)))
            .order_by("code", "pk"))


def _usage(user: Any, groups: list[AssignmentGroup]) -> dict[int, list[AssignmentRule]]:
    """The rules naming each group (as the PM group or the procurement group): one query."""
    ids = [g.pk for g in groups]
    used: dict[int, list[AssignmentRule]] = defaultdict(list)
    for rule in (AssignmentRule.objects.for_user(user)
                 .filter(Q(assign_group__in=ids) | Q(procurement_group__in=ids))
                 .order_by("position", "pk")):
        for group_id in {rule.assign_group_id, rule.procurement_group_id} & set(ids):
            used[group_id].append(rule)  # type: ignore[index]
    return used


@login_required
def group_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can(user, VIEW, AssignmentGroup):
        raise PermissionDenied(VIEW)
    page = _page(_groups(user), request.GET)
    groups = list(page.object_list)
    usage = _usage(user, groups)
    rows = [{"group": g, "members": [_person(m) for m in g.members.all()],
             "rules": usage.get(g.pk, [])} for g in groups]
    return render(request, "orders/group_list.html", {
        "page_obj": page, "rows": rows, "querystring_without_page": _querystring(request.GET),
        "can_add": can(user, ADD, AssignmentGroup),
        "can_change": can(user, CHANGE, AssignmentGroup)})


@login_required
def group_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can(user, ADD, AssignmentGroup):
        raise PermissionDenied(ADD)
    form = forms_rules.GroupForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        group = form.submit(lambda _dup: services_rules.create_group(
            actor=user, data=form.service_data()))
        if group is not None:
            messages.success(request, _("已创建分派组“%(g)s”。") % {"g": group.name})
            return redirect("orders:groups")
    return render(request, "orders/group_form.html", {
        "form": form, "object": None, "title": _("新建分派组")})


@login_required
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    group = get_object_or_404(AssignmentGroup.objects.for_user(user), pk=pk)
    if not can(user, CHANGE, group):
        raise PermissionDenied(CHANGE)
    form = forms_rules.GroupForm(request.POST if request.method == "POST" else None,
                                 instance=group, user=user)
    if request.method == "POST" and form.is_valid():
        saved = form.submit(lambda _dup: services_rules.update_group(
            group, actor=user, data=form.service_data(),
            expected_version=form.expected_version))
        if saved is not None:
            messages.success(request, _("已保存分派组“%(g)s”。") % {"g": saved.name})
            return redirect("orders:groups")
    group.refresh_from_db()
    return render(request, "orders/group_form.html", {
        "form": form, "object": group, "title": _("编辑分派组"), "history": history_for(group),
        "rules": list(services_rules.rules_using(group).order_by("position", "pk"))})
