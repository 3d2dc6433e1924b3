"""The order page and what is done from it: status changes, (re)assignment, extension
approval, comments, attachments. Each action is a POST to a service; refusals come back as
a clear message on the order page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from eoms.audit.history import prepare
from eoms.core.access import ADD, CHANGE, VIEW, can
from eoms.orders import attachments, registry, services, workflow
from eoms.orders.choices import ExtensionState, OrderStatus, OrderType
from eoms.orders.delta import delta, quantity_text
from eoms.orders.forms import (
    AssignForm,
    AttachmentForm,
    CommentForm,
    ExtensionForm,
    TransitionForm,
)
from eoms.orders.models import AssignmentRule, Order, OrderAttachment
from eoms.orders.policies import ASSIGN, COMMENT, TRANSITION
from eoms.orders.queries import timeline_entries
from eoms.orders.views_form import EDITABLE

NOT_ASSIGNABLE = (OrderStatus.DRAFT, OrderStatus.CLOSED, OrderStatus.CANCELLED)
# Button colour of each target status on the order page.
STYLES: dict[str, str] = {
    OrderStatus.CANCELLED: "btn-outline-danger", OrderStatus.ON_HOLD: "btn-outline-warning",
    OrderStatus.IN_PROGRESS: "btn-primary", OrderStatus.SUBMITTED: "btn-primary",
    OrderStatus.INSPECTION: "btn-primary", OrderStatus.DELIVERED: "btn-success",
    OrderStatus.CLOSED: "btn-success",
}


# What the button of each target status says (a verb, not the status name).
VERBS: dict[str, Any] = {
    OrderStatus.SUBMITTED: gettext_lazy("提交"), OrderStatus.ASSIGNED: gettext_lazy("确认分派"),
    OrderStatus.IN_PROGRESS: gettext_lazy("开始实施"),
    OrderStatus.INSPECTION: gettext_lazy("提交验收"),
    OrderStatus.DELIVERED: gettext_lazy("确认交付"), OrderStatus.CLOSED: gettext_lazy("关闭订单"),
    OrderStatus.ON_HOLD: gettext_lazy("暂停"), OrderStatus.CANCELLED: gettext_lazy("取消订单"),
}


def _verb(order: Order, target: str) -> str:
    if order.status == OrderStatus.ON_HOLD and target == order.held_from:
        return _("恢复（%(s)s）") % {"s": OrderStatus(target).label}
    if order.status == OrderStatus.INSPECTION and target == OrderStatus.IN_PROGRESS:
        return _("验收不通过，退回整改")
    return str(VERBS.get(target, OrderStatus(target).label))


def _order(request: HttpRequest, pk: int, action: str = VIEW) -> Order:
    """The order if the user sees it (else 404) and may perform `action` on it (else 403)."""
    order = get_object_or_404(
        Order.objects.for_user(request.user).select_related(
            "customer", "project", "site", "owner", "assigned_by_rule", "parent"), pk=pk)
    if action != VIEW and not can(request.user, action, order):
        raise PermissionDenied(action)
    return order


def _to_order(order: Order, anchor: str = "") -> HttpResponse:
    return redirect(reverse("orders:detail", args=[order.pk]) + (f"#{anchor}" if anchor else ""))


def _steps(order: Order) -> list[dict[str, Any]]:
    """The stepper: steps before the current one done, the current one active."""
    current = order.held_from if order.status == OrderStatus.ON_HOLD else order.status
    steps = [str(s) for s in workflow.STEPS]
    index = steps.index(current) if current in steps else -1
    return [{"status": s, "label": OrderStatus(s).label, "done": i < index,
             "active": i == index} for i, s in enumerate(workflow.STEPS)]


def _transitions(order: Order, user: Any) -> list[dict[str, Any]]:
    if not can(user, TRANSITION, order):
        return []
    found = []
    for target in services.allowed_transitions(order, user):
        step = workflow.find(order.status, target, order.held_from)
        found.append({"target": target, "needs_reason": bool(step and step.needs_reason),
                      "label": _verb(order, target),
                      "style": STYLES.get(target, "btn-outline-primary")})
    return found


def _lines(order: Order) -> list[Any]:
    lines = list(order.lines.select_related("material", "procurement_group"))
    for line in lines:
        line.quantity_text = quantity_text(line.quantity)  # type: ignore[attr-defined]
    return lines


def _visible(user: Any, qs: Any) -> Any:
    return Order.objects.for_user(user).filter(pk__in=qs.values("pk"))


def _detail_context(request: HttpRequest, order: Order) -> dict[str, Any]:
    user = request.user
    parent_visible = order.parent_id is not None and Order.objects.for_user(user).filter(
        pk=order.parent_id).exists()
    can_comment = can(user, COMMENT, order)
    return {
        "order": order, "overdue": services.is_overdue(order), "steps": _steps(order),
        "budget": f"{order.budget_amount:,.2f}",
        "transitions": _transitions(order, user),
        "can_edit": order.status in EDITABLE and can(user, CHANGE, order),
        "can_change_order": order.order_type == OrderType.NEW
        and order.status not in NOT_ASSIGNABLE and can(user, ADD, Order),
        "can_assign": order.status not in NOT_ASSIGNABLE and can(user, ASSIGN, order),
        "assign_form": AssignForm(),
        "extension_pending": order.order_type == OrderType.EXTENSION
        and order.extension_state == ExtensionState.PENDING,
        "can_decide": can(user, ASSIGN, order),
        "rules_url": reverse("orders:rules") if can(user, VIEW, AssignmentRule) else "",
        "parent_visible": parent_visible,
        "delta": delta(order) if parent_visible else None,
        "children": _visible(user, order.children.all()).select_related("owner")
        .order_by("code"),
        "lines": _lines(order),
        "comments": order.comments.select_related("created_by"),
        "attachments": order.attachments.select_related("created_by"),
        "can_comment": can_comment,
        "upload_limit": attachments.human_size(settings.UPLOAD_MAX_BYTES),
        "history": prepare(timeline_entries(order)),
        "extra_actions": registry.detail_actions(order, user),
    }


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    return render(request, "orders/detail.html", _detail_context(request, order))


def _transition_done(request: HttpRequest, order: Order) -> None:
    text = _("订单 %(c)s 已改为“%(s)s”。") % {"c": order.code, "s": order.get_status_display()}
    if order.status == OrderStatus.ASSIGNED and order.owner_id:
        text += _("负责人：%(u)s（%(why)s）。") % {"u": order.owner,
                                                 "why": order.assignment_note}
    elif order.status == OrderStatus.SUBMITTED and order.assignment_note:
        text += f"{order.assignment_note}。"
    messages.success(request, text)


@login_required
@require_http_methods(["GET", "POST"])
def order_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """POST target (+ reason): change the status. GET: a page with the reason field, for
    the changes that need one (works without JavaScript)."""
    order = _order(request, pk, TRANSITION)
    targets = [(t["target"], t["label"]) for t in _transitions(order, request.user)]
    if request.method == "GET":
        form = TransitionForm(initial={"target": request.GET.get("target")}, targets=targets)
        return render(request, "orders/transition.html", {"order": order, "form": form})
    target = request.POST.get("target", "")
    try:
        order = services.transition(order, target, actor=request.user,
                                    reason=request.POST.get("reason", ""))
    except services.InvalidTransition as exc:
        messages.error(request, exc.messages[0])
    except PermissionDenied:
        label = OrderStatus(target).label if target in OrderStatus.values else target
        messages.error(request, _("您的角色不能把订单从“%(a)s”改为“%(b)s”。") % {
            "a": order.get_status_display(), "b": label})
    except ValidationError as exc:
        if "reason" in getattr(exc, "error_dict", {}):
            form = TransitionForm(request.POST, targets=targets)
            form.is_valid()
            form.add_error("reason", exc.error_dict["reason"])
            return render(request, "orders/transition.html", {"order": order, "form": form})
        for message in exc.messages:
            messages.error(request, message)
    else:
        _transition_done(request, order)
    return _to_order(order)


@login_required
@require_http_methods(["GET", "POST"])
def order_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Manual assignment or reassignment by a manager, with a reason."""
    order = _order(request, pk, ASSIGN)
    form = AssignForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        owner = form.cleaned_data["owner"]
        try:
            services.assign_order(order, actor=request.user, to=owner,
                                  reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("已将订单 %(c)s 分派给 %(u)s，并已通知他。") % {
                "c": order.code, "u": owner})
            return _to_order(order)
    return render(request, "orders/assign.html", {"order": order, "form": form})


def _form_errors(form: Any, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


@login_required
@require_POST
def order_extension(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve (the parent's promised date moves) or reject an extension order."""
    order = _order(request, pk, ASSIGN)
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择批准或驳回。"))
        return _to_order(order)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.decide_extension(order, actor=request.user, approve=approve,
                                  reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已批准延期，原订单的承诺交付日期已更新。") if approve
                         else _("已驳回延期申请。"))
    return _to_order(order)


@login_required
@require_POST
def order_comment(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk, COMMENT)
    form = CommentForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(list(form.errors["text"]))
        services.add_comment(order, actor=request.user, text=form.cleaned_data["text"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已添加备注。"))
    return _to_order(order, "comments")


@login_required
@require_POST
def order_attach(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk, COMMENT)
    form = AttachmentForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError(list(form.errors["file"]))
        saved = attachments.add_attachment(order, actor=request.user,
                                           uploaded_file=form.cleaned_data["file"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, _("附件未上传：%(why)s") % {"why": message})
    else:
        messages.success(request, _("已上传附件 %(n)s。") % {"n": saved.name})
    return _to_order(order, "attachments")


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """An attachment, for those who see its order; never through a public media URL."""
    attachment = get_object_or_404(OrderAttachment.objects.for_user(request.user), pk=pk)
    try:
        stream = attachments.open_for_download(attachment)
    except FileNotFoundError:
        raise Http404(_("附件文件已丢失。"))
    # Pictures open in the browser; everything else downloads (a sandboxed page cannot
    # host the browser's PDF viewer).
    inline = attachment.content_type in (attachments.PNG.content_type,
                                         attachments.JPEG.content_type)
    response = FileResponse(stream, as_attachment=not inline, filename=attachment.name,
                            content_type=attachment.content_type)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
