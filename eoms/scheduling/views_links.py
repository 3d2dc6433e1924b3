"""Links between tasks, changed from the task page: add a predecessor, change a link's type
and lag, remove a link. A refusal (a cycle, which names the tasks in it; another order's
task; a bad lag) shows on the task page's form, with nothing written."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eoms.core.access import CHANGE, DELETE, can
from eoms.scheduling import services
from eoms.scheduling.forms import LinkEditForm, LinkForm
from eoms.scheduling.models import Task, TaskLink
from eoms.scheduling.policies import PLAN
from eoms.scheduling.views_common import day_lengths
from eoms.scheduling.views_tasks import detail_page, show_errors, task_for


def _link_for(user: Any, pk: int, action: str) -> TaskLink:
    link = get_object_or_404(TaskLink.objects.for_user(user).select_related(
        "predecessor", "successor__order"), pk=pk)
    if not can(user, action, link):
        raise PermissionDenied(action)
    return link


def _page_task(request: HttpRequest, link: TaskLink) -> Task:
    """The task page the form was on: the link's predecessor or (by default) successor,
    whichever the user may open."""
    wanted = request.POST.get("from_task", "")
    pk = link.predecessor_id if wanted == str(link.predecessor_id) else link.successor_id
    found = Task.objects.for_user(request.user).filter(pk=pk).first()
    return task_for(request.user, pk if found else link.successor_id)


@login_required
@require_POST
def link_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    successor = task_for(user, pk, PLAN)
    form = LinkForm(request.POST, successor=successor,
                    choices=Task.objects.for_user(user, PLAN))
    if form.is_valid():
        values = form.cleaned_data
        try:
            link = services.add_link(values["predecessor"], successor, actor=user,
                                     link_type=values["link_type"],
                                     lag_days=values.get("lag_days") or 0)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("已添加前置任务“%(p)s”（%(t)s）。") % {
                "p": link.predecessor.name, "t": link.get_link_type_display()})
            return redirect("scheduling:task_detail", successor.pk)
    return detail_page(request, successor, link_form=form)


@login_required
@require_POST
def link_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    link = _link_for(user, pk, CHANGE)
    page = _page_task(request, link)
    per_day = day_lengths([page])[page.pk]
    form = LinkEditForm(request.POST, link=link, per_day=per_day)
    if form.is_valid():
        values = form.cleaned_data
        try:
            services.update_link(link, actor=user, link_type=values["link_type"],
                                 lag_days=values.get("lag_days") or 0,
                                 expected_version=values.get("version"))
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("已修改“%(p)s → %(s)s”的关系。") % {
                "p": link.predecessor.name, "s": link.successor.name})
            return redirect("scheduling:task_detail", page.pk)
    return detail_page(request, page, edit_forms={link.pk: form})


@login_required
@require_POST
def link_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    link = _link_for(user, pk, DELETE)
    page = _page_task(request, link)
    try:
        services.delete_link(link, actor=user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已删除“%(p)s → %(s)s”的关系。") % {
            "p": link.predecessor.name, "s": link.successor.name})
    return redirect("scheduling:task_detail", page.pk)
