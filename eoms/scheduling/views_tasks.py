"""One task: its page (all fields, links, progress, history), the task form, delete and
progress reports. Each change is one service call; a refusal comes back on the form it
came from, with nothing written.

The task page is built phone-first: progress (what a site worker does on it) comes first
on a narrow screen, then the plan, the links and the history.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eoms.core.access import DELETE, VIEW, can
from eoms.orders.models import Order
from eoms.scheduling import services
from eoms.scheduling.forms import LinkEditForm, LinkForm, ProgressForm, TaskForm
from eoms.scheduling.models import Schedule, Task, TaskLink
from eoms.scheduling.policies import PLAN, PROGRESS
from eoms.scheduling.registry import task_panels
from eoms.scheduling.views_common import (
    day_lengths,
    days_text,
    order_day_length,
    order_for,
    task_history,
    task_rows,
)


def task_for(user: Any, pk: int, action: str = VIEW) -> Task:
    """The task if the user sees it (else 404) and may perform `action` on it (else 403)."""
    task = get_object_or_404(Task.objects.for_user(user).select_related(
        "order__project", "owner", "crew", "calendar", "parent"), pk=pk)
    if action != VIEW and not can(user, action, task):
        raise PermissionDenied(action)
    return task


def back_url(user: Any, task: Task) -> str:
    """Where a page about a task leads back to: the order's schedule for those who read
    it, else the task list."""
    if can(user, VIEW, Schedule(order=task.order)):
        return reverse("scheduling:order_schedule", args=[task.order_id])
    return reverse("scheduling:task_list")


def _links(user: Any, task: Task, per_day: int, edit_forms: dict[int, Any],
           may_plan: bool) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Predecessor and successor links the user sees, each with its edit form for planners;
    the other task is linked when the user may open it."""
    rows = list(TaskLink.objects.for_user(user).filter(predecessor=task).select_related(
        "successor")) + list(TaskLink.objects.for_user(user).filter(successor=task)
                             .select_related("predecessor"))
    others = {link.predecessor_id if link.successor_id == task.pk else link.successor_id
              for link in rows}
    openable = set(Task.objects.for_user(user).filter(pk__in=others).values_list(
        "pk", flat=True))
    before, after = [], []
    for link in rows:
        incoming = link.successor_id == task.pk
        other = link.predecessor if incoming else link.successor
        entry = {"link": link, "other": other, "open": other.pk in openable,
                 "lag_days": days_text(link.lag, per_day),
                 "form": edit_forms.get(link.pk) or (
                     LinkEditForm(link=link, per_day=per_day) if may_plan else None)}
        (before if incoming else after).append(entry)
    return before, after


def _parent_visible(user: Any, task: Task) -> bool:
    return task.parent_id is not None and Task.objects.for_user(user).filter(
        pk=task.parent_id).exists()


def detail_page(request: HttpRequest, task: Task, *, progress_form: ProgressForm | None = None,
                link_form: LinkForm | None = None,
                edit_forms: dict[int, Any] | None = None) -> HttpResponse:
    """The task page; the forms given are bound ones carrying a refusal's errors."""
    user = request.user
    row = task_rows([task], outline=False)[0]
    may_plan = can(user, PLAN, task)
    may_progress = can(user, PROGRESS, task) and not task.is_summary
    before, after = _links(user, task, row.per_day, edit_forms or {}, may_plan)
    parent_visible = _parent_visible(user, task)
    if may_plan and link_form is None:
        link_form = LinkForm(successor=task, choices=Task.objects.for_user(user, PLAN))
    if may_progress and progress_form is None:
        progress_form = ProgressForm(task=task)
    return render(request, "scheduling/task_detail.html", {
        "task": task, "row": row, "may_plan": may_plan, "may_progress": may_progress,
        "may_delete": may_plan and can(user, DELETE, task),
        "progress_form": progress_form if may_progress else None,
        "link_form": link_form if may_plan else None,
        "predecessors": before, "successors": after,
        "parent_visible": parent_visible,
        "order_visible": Order.objects.for_user(user).filter(pk=task.order_id).exists(),
        "back_url": back_url(user, task),
        "history": task_history(task, user, parent_visible=parent_visible),
        "panels": task_panels(task, user, request),
    })


@login_required
@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return detail_page(request, task_for(request.user, pk))


# --- the task form ------------------------------------------------------------------------------

def _form_page(request: HttpRequest, form: TaskForm, *, order: Order, task: Task | None,
               cancel_url: str) -> HttpResponse:
    title = (_("编辑任务 %(t)s") % {"t": task.name}) if task else _("新建任务")
    return render(request, "scheduling/task_form.html", {
        "form": form, "order": order, "task": task, "title": title, "cancel_url": cancel_url})


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest, order_pk: int) -> HttpResponse:
    user = request.user
    order = order_for(user, order_pk)
    if not can(user, PLAN, Task(order=order)):
        raise PermissionDenied(PLAN)
    schedule = Schedule.objects.filter(order=order).select_related("calendar").first()
    per_day = order_day_length(order, schedule)
    data = request.POST if request.method == "POST" else None
    form = TaskForm(data, order=order, per_day=per_day)
    if data is not None and form.is_valid():
        task = form.submit(lambda _dup: services.create_task(
            order, actor=user, data=form.service_data()))
        if task is not None:
            messages.success(request, _("已新建任务“%(t)s”（WBS %(w)s）。") % {
                "t": task.name, "w": task.wbs})
            if "another" in request.POST:
                return redirect("scheduling:task_create", order.pk)
            return redirect(reverse("scheduling:order_schedule", args=[order.pk])
                            + f"#task-{task.pk}")
    cancel = reverse("scheduling:order_schedule", args=[order.pk])
    return _form_page(request, form, order=order, task=None, cancel_url=cancel)


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    task = task_for(user, pk, PLAN)
    per_day = day_lengths([task])[task.pk]
    data = request.POST if request.method == "POST" else None
    form = TaskForm(data, order=task.order, task=task, per_day=per_day)
    if data is not None and form.is_valid():
        saved = form.submit(lambda _dup: services.update_task(
            task, actor=user, data=form.service_data(),
            expected_version=form.expected_version))
        if saved is not None:
            messages.success(request, _("已保存任务“%(t)s”。") % {"t": saved.name})
            return redirect("scheduling:task_detail", saved.pk)
    cancel = reverse("scheduling:task_detail", args=[task.pk])
    return _form_page(request, form, order=task.order, task=task, cancel_url=cancel)


@login_required
@require_POST
def task_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    task = task_for(user, pk, DELETE)
    if not can(user, PLAN, task):
        raise PermissionDenied(PLAN)
    back = back_url(user, task)
    try:
        services.delete_task(task, actor=user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("scheduling:task_detail", task.pk)
    messages.success(request, _("已删除任务“%(t)s”及其下级任务和关系。") % {"t": task.name})
    return redirect(back)


@login_required
@require_POST
def task_progress(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    task = task_for(user, pk, PROGRESS)
    if task.is_summary:
        messages.error(request, _("摘要任务的进度由下级任务汇总，不能直接填写。"))
        return redirect("scheduling:task_detail", task.pk)
    form = ProgressForm(request.POST, task=task)
    if form.is_valid():
        values = form.cleaned_data
        try:
            saved = services.report_progress(
                task, actor=user, percent=values.get("percent_complete"),
                actual_start=values.get("actual_start"),
                actual_finish=values.get("actual_finish"),
                expected_version=values.get("version"))
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("已更新“%(t)s”的进度：%(p)s%%，%(s)s。") % {
                "t": saved.name, "p": saved.percent_complete,
                "s": saved.get_status_display()})
            return redirect("scheduling:task_detail", saved.pk)
    return detail_page(request, task, progress_form=form)


def show_errors(form: Any, exc: ValidationError) -> None:
    """A service's refusal on the form: named fields on their field, the rest on top."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)
