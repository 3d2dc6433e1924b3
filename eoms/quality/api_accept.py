"""A task's acceptance (验收): what its gate still misses, and accepting it.

Note: no `from __future__ import annotations` here: django-ninja reads the annotations.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from eoms.core.access import ADD, VIEW, can
from eoms.quality import gates, services_accept
from eoms.quality.api_common import call
from eoms.quality.api_schemas import AcceptanceOut, AcceptIn
from eoms.quality.models import TaskAcceptance
from eoms.scheduling.api_common import optional_if_match
from eoms.scheduling.models import Task

router = Router()


def _task(user: Any, pk: int) -> Task:
    """A task the user sees and whose acceptance he may read (else 404)."""
    task = Task.objects.for_user(user).select_related("order__project").filter(pk=pk).first()
    if task is None or not can(user, VIEW, TaskAcceptance):
        raise Http404
    return task


def _state(task: Task, user: Any) -> dict[str, Any]:
    acceptance = TaskAcceptance.objects.filter(task=task).select_related(
        "accepted_by").first()
    return {
        "task": task.pk, "task_name": task.name, "is_concealed": task.is_concealed,
        "accepted": acceptance is not None,
        "accepted_by": acceptance.accepted_by.username if acceptance else None,
        "accepted_at": acceptance.accepted_at if acceptance else None,
        "note": acceptance.note if acceptance else "",
        "may_accept": acceptance is None and can(user, ADD, TaskAcceptance(task=task)),
        "reasons": gates.acceptance_refusals(task)}


@router.get("/tasks/{int:pk}/acceptance", response=AcceptanceOut,
            url_name="quality_task_acceptance", operation_id="quality_task_acceptance_get",
            summary="任务验收：是否已验收，不能验收时缺什么")
def get_acceptance(request: HttpRequest, pk: int) -> Any:
    return _state(_task(request.user, pk), request.user)


@router.post("/tasks/{int:pk}/accept", response={201: AcceptanceOut},
             operation_id="quality_task_accept",
             summary="验收任务（检验合格、不合格项已关闭后；If-Match 为任务的 ETag，可选）")
def accept(request: HttpRequest, pk: int, payload: AcceptIn) -> Any:
    user = request.user
    task = _task(user, pk)
    if not can(user, ADD, TaskAcceptance(task=task)):
        raise PermissionDenied(ADD)
    optional_if_match(request, task)
    call(lambda: services_accept.accept_task(task, actor=user, note=payload.note),
         field="task", title=_("任务不能验收"))
    return Status(201, _state(task, user))
