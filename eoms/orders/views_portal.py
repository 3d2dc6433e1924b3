"""The customer portal: a customer's user follows his own orders on a phone.

He sees status, progress, promised date and milestones, the lines, and writes to the
team; never internal fields (budget, assignment notes, staff other than the owner).
Staff who open a portal page are sent to the staff page of the same order.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from eoms.audit.models import AuditEntry
from eoms.core.access import CUSTOMER, STAFF_ROLES, VIEW, can, roles_of
from eoms.lib.text import plain_decimal
from eoms.orders import services, workflow
from eoms.orders.choices import ExtensionState, OrderStatus, OrderType
from eoms.orders.models import Order, OrderComment
from eoms.orders.policies import COMMENT
from eoms.orders.portal_links import portal_links

PAGE_SIZE, MIN_PAGE_SIZE, MAX_PAGE_SIZE = 20, 10, 100
S = OrderStatus
# The audit events that mark reaching a step (a manual assignment reaches "assigned" too).
MILESTONE_EVENTS: dict[str, tuple[str, ...]] = {
    S.SUBMITTED: ("order.submitted",),
    S.ASSIGNED: ("order.assigned", "order.reassigned"),
    S.IN_PROGRESS: ("order.in_progress",),
    S.INSPECTION: ("order.inspection",),
    S.DELIVERED: ("order.delivered",),
    S.CLOSED: ("order.closed",),
}
STEPS: list[str] = [str(step) for step in workflow.STEPS]
BADGES: dict[str, str] = {
    S.DRAFT: "bg-secondary-lt", S.SUBMITTED: "bg-blue-lt", S.ASSIGNED: "bg-azure-lt",
    S.IN_PROGRESS: "bg-indigo-lt", S.INSPECTION: "bg-purple-lt", S.DELIVERED: "bg-green-lt",
    S.CLOSED: "bg-secondary-lt", S.ON_HOLD: "bg-orange-lt", S.CANCELLED: "bg-red-lt"}


def is_portal_user(user: Any) -> bool:
    """A customer's user without any staff role: he uses the portal, not the staff pages."""
    roles = roles_of(user)
    return CUSTOMER in roles and not roles & STAFF_ROLES


class CommentForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("给项目团队留言"), max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": gettext_lazy(
            "例如：现场周三上午可以进场；请提前一天电话联系。")}),
        error_messages={"required": gettext_lazy("请填写留言内容。"),
                        "max_length": gettext_lazy("留言不能超过 4000 个字符。")})


def _current_step(order: Order, dates: dict[str, date]) -> int:
    """Index in workflow.STEPS of the step the order stands at (held: where it was;
    cancelled: the last step it reached)."""
    status = order.held_from if order.status == S.ON_HOLD else order.status
    if status in STEPS:
        return STEPS.index(status)
    reached = [i for i, step in enumerate(STEPS) if step in dates]
    return max(reached, default=0)


def _milestones(order: Order) -> dict[str, date]:
    """The date each step was first reached, from the order's audit entries."""
    by_event = {event: step for step, events in MILESTONE_EVENTS.items() for event in events}
    dates: dict[str, date] = {S.DRAFT: timezone.localtime(order.created_at).date()}
    entries = (AuditEntry.objects.for_object(order).filter(event__in=list(by_event))
               .order_by("seq").values_list("event", "timestamp"))
    for event, moment in entries:
        dates.setdefault(by_event[event], timezone.localtime(moment).date())
    return dates


def steps_of(order: Order, dates: dict[str, date] | None = None) -> list[dict[str, Any]]:
    dates = dates or {}
    current = _current_step(order, dates)
    return [{"label": S(step).label, "date": dates.get(step), "done": i < current,
             "active": i == current} for i, step in enumerate(STEPS)]


def _staff_redirect(request: HttpRequest, order: Order | None = None) -> HttpResponse:
    if order is not None:
        return redirect("orders:detail", order.pk)
    if not can(request.user, VIEW, Order):
        raise PermissionDenied(VIEW)
    return redirect("orders:list")


@login_required
@require_GET
def portal_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not is_portal_user(user):
        return _staff_redirect(request)
    qs = Order.objects.for_user(user).order_by("-created_at", "-pk")
    try:
        size = max(MIN_PAGE_SIZE, min(MAX_PAGE_SIZE, int(request.GET.get("page_size",
                                                                         PAGE_SIZE))))
    except ValueError:
        size = PAGE_SIZE
    page = Paginator(qs, size).get_page(request.GET.get("page"))
    rows = [{"order": o, "steps": steps_of(o), "badge": BADGES.get(o.status, ""),
             "step_number": _current_step(o, {}) + 1} for o in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "orders/portal_list.html", {
        "rows": rows, "page_obj": page, "querystring_without_page": query.urlencode(),
        "step_count": len(STEPS)})


def _pending_extensions(order: Order) -> list[Order]:
    if order.order_type == OrderType.EXTENSION:
        return [order] if order.extension_state == ExtensionState.PENDING else []
    return list(order.children.filter(order_type=OrderType.EXTENSION,
                                      extension_state=ExtensionState.PENDING)
                .order_by("created_at"))


def _lines(order: Order) -> list[Any]:
    lines = list(order.lines.select_related("material").order_by("line_no"))
    for line in lines:  # 12.500 → 12.5
        line.quantity_shown = plain_decimal(line.quantity)  # type: ignore[attr-defined]
    return lines


def _detail_context(request: HttpRequest, order: Order, form: CommentForm) -> dict[str, Any]:
    milestones = _milestones(order)
    own_side = (OrderComment.objects.for_user(request.user)
                .filter(order=order, created_by__customer_membership__customer=order.customer_id)
                .select_related("created_by").order_by("created_at"))
    return {
        "order": order, "badge": BADGES.get(order.status, ""),
        "steps": steps_of(order, milestones),
        "lines": _lines(order),
        "extensions": _pending_extensions(order),
        "comments": own_side, "form": form,
        "can_comment": _may_comment(request.user, order),
        "links": portal_links(order, request.user),
    }


def _may_comment(user: Any, order: Order) -> bool:
    """The policy allows the action and the order lies in the user's rows for it."""
    return can(user, COMMENT, order) and \
        Order.objects.for_user(user, COMMENT).filter(pk=order.pk).exists()


def _portal_order(request: HttpRequest, pk: int) -> Order:
    return get_object_or_404(Order.objects.for_user(request.user)
                             .select_related("owner", "project", "customer"), pk=pk)


@login_required
@require_GET
def portal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _portal_order(request, pk)
    if not is_portal_user(request.user):
        return _staff_redirect(request, order)
    return render(request, "orders/portal_detail.html",
                  _detail_context(request, order, CommentForm()))


@login_required
@require_POST
def portal_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """A message to the team (an order comment). Staff land on the staff page after."""
    user = request.user
    order = _portal_order(request, pk)
    if not _may_comment(user, order):
        raise PermissionDenied(COMMENT)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_comment(order, actor=user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("text", message)
        else:
            messages.success(request, _("留言已发送给项目团队。"))
            target = "orders:portal_detail" if is_portal_user(user) else "orders:detail"
            return redirect(target, order.pk)
    if not is_portal_user(user):
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("orders:detail", order.pk)
    return render(request, "orders/portal_detail.html", _detail_context(request, order, form))
