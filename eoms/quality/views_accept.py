"""Accepting a task (验收) from its page: the panel quality adds to the task page (its
inspections, non-conformances and, when acceptance is refused, every reason), and the
button's POST."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eoms.core.access import ADD, VIEW, can
from eoms.quality import gates, services_accept
from eoms.quality.models import Inspection, NonConformance, TaskAcceptance
from eoms.scheduling.models import Task


def task_panel(task: Task, user: Any, request: Any = None) -> str:
    """The quality card of a task page ("" for who may not see inspections)."""
    if not can(user, VIEW, Inspection):
        return ""
    inspections = list(Inspection.objects.for_user(user).filter(task=task)
                       .select_related("template", "inspector").order_by("pk"))
    ncrs = list(NonConformance.objects.for_user(user).filter(task=task).order_by("pk"))
    acceptance = TaskAcceptance.objects.filter(task=task).select_related(
        "accepted_by").first()
    may_accept = acceptance is None and can(user, ADD, TaskAcceptance(task=task))
    if not (inspections or ncrs or acceptance or task.is_concealed or may_accept):
        return ""
    return render_to_string("quality/task_panel.html", {
        "task": task, "inspections": inspections, "ncrs": ncrs, "acceptance": acceptance,
        "may_accept": may_accept,
        "reasons": gates.acceptance_refusals(task) if may_accept else []}, request=request)


@login_required
@require_POST
def task_accept(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    task = get_object_or_404(Task.objects.for_user(user), pk=pk)
    if not can(user, ADD, TaskAcceptance(task=task)):
        raise PermissionDenied(ADD)
    try:
        services_accept.accept_task(task, actor=user, note=request.POST.get("note", ""))
    except ValidationError as exc:
        for line in exc.messages:
            messages.error(request, line)
    else:
        messages.success(request, _("任务“%(t)s”已验收。") % {"t": task.name})
    return redirect("scheduling:task_detail", task.pk)
