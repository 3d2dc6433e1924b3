"""Tasks: list, read, create, edit, delete, report progress, move (the Gantt drag).

Note: no `from __future__ import annotations` here: django-ninja reads the annotations.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from eoms.core.access import ADD, DELETE, VIEW, can
from eoms.core.api import LinkPagination, etag_of, ordered, require_if_match
from eoms.scheduling import services
from eoms.scheduling.api_common import (
    TASK_PREFETCH,
    TASK_RELATED,
    Resolver,
    call,
    find_task,
    invalid_field,
    optional_if_match,
    task_queryset,
)
from eoms.scheduling.api_schemas import MoveIn, ProgressIn, TaskIn, TaskOut, TaskPatch
from eoms.scheduling.choices import TaskStatus
from eoms.scheduling.models import Task
from eoms.scheduling.policies import PLAN, PROGRESS

router = Router()
ORDERING = {"id", "early_start", "early_finish"}  # indexed
NOT_NULL = ("name", "duration_days", "milestone", "milestone_label", "constraint",
            "planned_cost", "notes", "position", "external_id", "work_type", "is_concealed")


class TaskFilters(Schema):
    q: str | None = Field(None, max_length=100, description="按任务名称、外部编号搜索")
    ordering: str | None = Field(None, max_length=40, description="如 early_finish 或 -id")
    order: str | None = Field(None, max_length=40, description="订单编号或 id")
    owner: str | None = Field(None, max_length=150, description="负责人用户名；me 为自己")
    crew: str | None = Field(None, max_length=40, description="班组编码")
    status: TaskStatus | None = None
    critical: bool | None = Field(None, description="true：只看关键任务")
    overdue: bool | None = Field(None, description="true：只看已过计划完成日期仍未完成的")
    milestone: bool | None = Field(None, description="true：只看里程碑")
    summary: bool | None = Field(None, description="false：不含摘要任务")


def _filtered(user: Any, f: TaskFilters) -> Any:
    qs = task_queryset(user)
    if f.q:
        for word in f.q.split()[:8]:
            qs = qs.filter(Q(name__icontains=word) | Q(external_id__icontains=word))
    if f.order:
        key = f.order.strip()
        qs = qs.filter(order_id=int(key)) if key.isdigit() else qs.filter(order__code__iexact=key)
    if f.owner:
        qs = qs.filter(owner=user) if f.owner == "me" else qs.filter(owner__username=f.owner)
    if f.crew:
        qs = qs.filter(crew__code=f.crew)
    for name, value in (("status", f.status), ("critical", f.critical),
                        ("is_summary", f.summary)):
        if value is not None:
            qs = qs.filter(**{name: value})
    if f.milestone is not None:
        qs = qs.exclude(milestone="") if f.milestone else qs.filter(milestone="")
    if f.overdue is not None:
        late = (Q(is_summary=False, early_finish__lt=timezone.localdate())
                & ~Q(status=TaskStatus.DONE))
        qs = qs.filter(late) if f.overdue else qs.exclude(late)
    if not f.ordering:
        return qs.order_by("order_id", "position", "pk")
    return ordered(qs, f.ordering, ORDERING, "id")


def task_data(resolver: Resolver, values: dict[str, Any]) -> dict[str, Any]:
    """A task body as services.create_task / update_task take it (related rows looked up)."""
    resolver.not_null(values, NOT_NULL)
    lookups = {"parent": resolver.task, "owner": resolver.owner, "crew": resolver.crew,
               "calendar": resolver.calendar}
    data: dict[str, Any] = {}
    for name, value in values.items():
        if name == "order" or (name == "position" and value is None):
            continue
        if name in lookups:
            data[name] = None if value is None else lookups[name](name, value)
        else:
            data[name] = value
    return data


def answer(task: Task, response: HttpResponse, *, created: bool = False) -> Task:
    """The task as it is now (computed dates included), with its ETag."""
    fresh = (Task.objects.select_related(*TASK_RELATED).prefetch_related(*TASK_PREFETCH)
             .get(pk=task.pk))
    response["ETag"] = etag_of(fresh)
    if created:
        response["Location"] = reverse("api:scheduling_task_detail", args=[fresh.pk])
    return fresh


@router.get("/tasks", response=list[TaskOut], url_name="scheduling_tasks",
            operation_id="scheduling_tasks_list", summary="任务列表")
@paginate(LinkPagination)
def list_tasks(request: HttpRequest, filters: Query[TaskFilters]) -> Any:
    if not can(request.user, VIEW, Task):
        raise PermissionDenied()
    return _filtered(request.user, filters)


@router.get("/tasks/{int:pk}", response=TaskOut, url_name="scheduling_task_detail",
            operation_id="scheduling_task_get", summary="任务详情")
def get_task(request: HttpRequest, pk: int, response: HttpResponse) -> Any:
    task = find_task(request.user, pk)
    response["ETag"] = etag_of(task)
    return task


@router.post("/tasks", response={201: TaskOut}, operation_id="scheduling_task_create",
             summary="新建任务（订单按编号或 id，上级任务按 id）")
def create_task(request: HttpRequest, payload: TaskIn, response: HttpResponse) -> Any:
    user = request.user
    if not can(user, ADD, Task):
        raise PermissionDenied()
    resolver = Resolver(user)
    order = resolver.order("order", payload.order)
    data = task_data(resolver, payload.model_dump(exclude_unset=True))
    resolver.done()
    if not can(user, PLAN, Task(order=order)):
        raise PermissionDenied()
    task = call(lambda: services.create_task(order, actor=user, data=data))  # type: ignore[arg-type]
    return Status(201, answer(task, response, created=True))


@router.patch("/tasks/{int:pk}", response=TaskOut, operation_id="scheduling_task_update",
              summary="修改任务（需要 If-Match）")
def update_task(request: HttpRequest, pk: int, payload: TaskPatch,
                response: HttpResponse) -> Any:
    user = request.user
    task = find_task(user, pk)
    if not can(user, PLAN, task):
        raise PermissionDenied()
    version = require_if_match(request, task)
    resolver = Resolver(user)
    data = task_data(resolver, payload.model_dump(exclude_unset=True))
    resolver.done()
    saved = call(lambda: services.update_task(task, actor=user, data=data,
                                              expected_version=version))
    return answer(saved, response)


@router.delete("/tasks/{int:pk}", response={204: None}, operation_id="scheduling_task_delete",
               summary="删除任务（连同下级任务和关系）")
def delete_task(request: HttpRequest, pk: int) -> Any:
    user = request.user
    task = find_task(user, pk)
    if not can(user, DELETE, task):
        raise PermissionDenied()
    optional_if_match(request, task)
    call(lambda: services.delete_task(task, actor=user))
    return Status(204, None)


@router.post("/tasks/{int:pk}/progress", response=TaskOut,
             operation_id="scheduling_task_progress",
             summary="填报进度：完成百分比和实际日期（负责人、班组长或计划人员）")
def report_progress(request: HttpRequest, pk: int, payload: ProgressIn,
                    response: HttpResponse) -> Any:
    user = request.user
    task = find_task(user, pk)
    if not can(user, PROGRESS, task):
        raise PermissionDenied()
    version = optional_if_match(request, task)
    if not payload.model_dump(exclude_none=True):
        raise invalid_field("body", _("请填写 percent、actual_start 或 actual_finish。"))
    saved = call(lambda: services.report_progress(
        task, actor=user, percent=payload.percent, actual_start=payload.actual_start,
        actual_finish=payload.actual_finish, expected_version=version))
    return answer(saved, response)


@router.post("/tasks/{int:pk}/move", response=TaskOut, operation_id="scheduling_task_move",
             summary="移动任务或改变完成日期（后续任务随之重排；不可行时说明原因）")
def move_task(request: HttpRequest, pk: int, payload: MoveIn, response: HttpResponse) -> Any:
    user = request.user
    task = find_task(user, pk)
    if not can(user, PLAN, task):
        raise PermissionDenied()
    version = optional_if_match(request, task)
    if payload.start is None and payload.finish is None:
        raise invalid_field("body", _("请填写 start 或 finish。"))
    saved = call(lambda: services.move_task(task, actor=user, start=payload.start,
                                            finish=payload.finish, expected_version=version))
    return answer(saved, response)
