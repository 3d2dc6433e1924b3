"""An order's schedule: its settings and last result, a recompute on request, the
critical path, the CPM table, and its baselines. The order is named by code or id.

Note: no `from __future__ import annotations` here: django-ninja reads the annotations.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from eoms.core.access import ADD, CHANGE, DELETE, VIEW, can
from eoms.core.api import ApiError, LinkPagination, etag_of, require_if_match
from eoms.orders.models import Order
from eoms.scheduling import services, services_plan
from eoms.scheduling.api_common import (
    DayLength,
    Resolver,
    call,
    find_order,
    find_schedule,
    optional_if_match,
    task_queryset,
)
from eoms.scheduling.api_results import cpm_rows
from eoms.scheduling.api_schemas import (
    BaselineDetailOut,
    BaselineIn,
    BaselineOut,
    CpmRowOut,
    ScheduleOut,
    SchedulePatch,
    TaskOut,
)
from eoms.scheduling.models import Baseline, Schedule

router = Router()
ORDER = "/orders/{order}"


def _existing_schedule(user: Any, order: Order) -> Schedule:
    schedule = find_schedule(user, order)
    if schedule is None:
        raise ApiError(404, _("未找到"), _("订单 %(c)s 还没有进度计划。") % {"c": order.code})
    return schedule


def _fresh(schedule: Schedule, response: HttpResponse) -> Schedule:
    fresh = Schedule.objects.select_related("order", "calendar").get(pk=schedule.pk)
    response["ETag"] = etag_of(fresh)
    return fresh


@router.get(f"{ORDER}/schedule", response=ScheduleOut, url_name="scheduling_schedule",
            operation_id="scheduling_schedule_get",
            summary="订单的进度计划：设置、计划完成日期、警告、计算时间")
def get_schedule(request: HttpRequest, order: str, response: HttpResponse) -> Any:
    found = find_order(request.user, order)
    return _fresh(_existing_schedule(request.user, found), response)


def _schedule_data(user: Any, payload: SchedulePatch) -> dict[str, Any]:
    values = payload.model_dump(exclude_unset=True)
    resolver = Resolver(user)
    resolver.not_null(values, ("start",))
    if values.get("calendar") is not None:
        values["calendar"] = resolver.calendar("calendar", values["calendar"])
    resolver.done()
    return values


@router.patch(f"{ORDER}/schedule", response=ScheduleOut,
              operation_id="scheduling_schedule_update",
              summary="修改开始日期、状态日期或日历并重新计算（已有计划时需要 If-Match）")
def update_schedule(request: HttpRequest, order: str, payload: SchedulePatch,
                    response: HttpResponse) -> Any:
    user = request.user
    found = find_order(user, order)
    schedule = find_schedule(user, found)
    if not can(user, CHANGE, schedule or Schedule(order=found)):
        raise PermissionDenied()
    if schedule is not None:
        require_if_match(request, schedule)
    data = _schedule_data(user, payload)

    def work() -> Schedule:
        if schedule is not None:  # the version checked again, under the row lock
            require_if_match(request, Schedule.objects.select_for_update().get(pk=schedule.pk))
        return services_plan.update_schedule(found, actor=user, data=data)

    return _fresh(call(work), response)


@router.post(f"{ORDER}/schedule/recompute", response=ScheduleOut,
             operation_id="scheduling_schedule_recompute", summary="重新计算进度")
def recompute(request: HttpRequest, order: str, response: HttpResponse) -> Any:
    user = request.user
    found = find_order(user, order)
    schedule = find_schedule(user, found)
    if not can(user, CHANGE, schedule or Schedule(order=found)):
        raise PermissionDenied()
    if schedule is not None:
        optional_if_match(request, schedule)
    call(lambda: services.recompute_order(found, actor=user))
    return _fresh(Schedule.objects.get(order=found), response)


@router.get(f"{ORDER}/critical-path", response=list[TaskOut],
            operation_id="scheduling_critical_path",
            summary="关键路径：关键任务按最早开始排序")
def critical_path(request: HttpRequest, order: str) -> Any:
    found = find_order(request.user, order)
    _existing_schedule(request.user, found)
    return list(task_queryset(request.user).filter(order=found, critical=True, is_summary=False)
                .order_by("early_start", "early_finish", "position", "pk"))


@router.get(f"{ORDER}/cpm", response=list[CpmRowOut], operation_id="scheduling_cpm",
            summary="每个任务的最早/最迟日期、总时差与自由时差（工作日），同命令行 "
                    "eoms schedule cpm --json")
def cpm(request: HttpRequest, order: str) -> Any:
    found = find_order(request.user, order)
    _existing_schedule(request.user, found)
    tasks = list(task_queryset(request.user).filter(order=found).order_by("position", "pk"))
    return cpm_rows(tasks, DayLength())


# --- baselines --------------------------------------------------------------------------------

def _baselines(user: Any) -> Any:
    return (Baseline.objects.for_user(user).select_related("order", "created_by")
            .annotate(task_count=Count("tasks", distinct=True)))


@router.get(f"{ORDER}/baselines", response=list[BaselineOut],
            url_name="scheduling_baselines", operation_id="scheduling_baselines_list",
            summary="订单的基线")
@paginate(LinkPagination)
def list_baselines(request: HttpRequest, order: str) -> Any:
    found = find_order(request.user, order)
    if not can(request.user, VIEW, Baseline(order=found)):
        raise Http404
    return _baselines(request.user).filter(order=found).order_by("-created_at", "-pk")


@router.post(f"{ORDER}/baselines", response={201: BaselineOut},
             operation_id="scheduling_baseline_create",
             summary="保存基线：冻结每个任务当前的日期、工期和成本")
def create_baseline(request: HttpRequest, order: str, payload: BaselineIn,
                    response: HttpResponse) -> Any:
    user = request.user
    found = find_order(user, order)
    subject = Baseline(order=found)
    if not can(user, VIEW, subject):
        raise Http404
    if not can(user, ADD, subject):
        raise PermissionDenied()
    baseline = call(lambda: services_plan.save_baseline(found, actor=user, name=payload.name,
                                                        note=payload.note))
    response["Location"] = reverse("api:scheduling_baseline_detail", args=[baseline.pk])
    return Status(201, _baselines(user).get(pk=baseline.pk))


def _find_baseline(user: Any, pk: int) -> Baseline:
    baseline = _baselines(user).filter(pk=pk).first()
    if baseline is None:
        raise Http404
    return baseline


@router.get("/baselines/{int:pk}", response=BaselineDetailOut,
            url_name="scheduling_baseline_detail", operation_id="scheduling_baseline_get",
            summary="基线详情：快照中的任务和相对当前计划的偏差")
def get_baseline(request: HttpRequest, pk: int) -> Any:
    return _find_baseline(request.user, pk)


@router.delete("/baselines/{int:pk}", response={204: None},
               operation_id="scheduling_baseline_delete", summary="删除基线")
def delete_baseline(request: HttpRequest, pk: int) -> Any:
    user = request.user
    baseline = _find_baseline(user, pk)
    if not can(user, DELETE, baseline):
        raise PermissionDenied()
    call(lambda: services_plan.delete_baseline(baseline, actor=user))
    return Status(204, None)
