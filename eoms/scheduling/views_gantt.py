"""The Gantt chart: the project picker, the chart of an order or a project, the JSON the
chart reads (eoms/scheduling/gantt_data.py), and the drag that moves a task.

Who sees a chart: whoever sees the order (or the project) and may read tasks at all; the
chart then holds the tasks he sees (a worker: his own). Customers follow their orders in
the portal, so for them the chart does not exist (404). Dragging is offered on the tasks
the user may plan; the move is checked again by eoms.scheduling.services.move_task.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Min
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from eoms.core.access import VIEW, can
from eoms.core.listing import Listing
from eoms.masterdata.models import Project
from eoms.masterdata.services import StaleVersion
from eoms.orders.models import Order
from eoms.scheduling import gantt_data, services
from eoms.scheduling.models import Schedule, Task

projects = Listing(
    Project, columns=("code", "name", "customer", "manager", "status"),
    search=("code", "name", "customer__name"), filters=("status",), sorts=("code", "name"),
    default_sort="code")


def _require_task_reader(user: Any) -> None:
    """Customers (and anyone else who may not read tasks) have no Gantt chart."""
    if not can(user, VIEW, Task):
        raise Http404


def _order(request: HttpRequest, pk: int) -> Order:
    """The order, when the user sees it or one of its tasks (a site worker sees no
    orders, only his tasks)."""
    user = request.user
    _require_task_reader(user)
    order = get_object_or_404(Order.objects.select_related("project"), pk=pk)
    if not (Order.objects.for_user(user, VIEW).filter(pk=pk).exists()
            or Task.objects.for_user(user, VIEW).filter(order_id=pk).exists()):
        raise Http404
    return order


def _project(request: HttpRequest, pk: int) -> Project:
    user = request.user
    _require_task_reader(user)
    project = get_object_or_404(Project, pk=pk)
    if not (Project.objects.for_user(user, VIEW).filter(pk=pk).exists()
            or Task.objects.for_user(user, VIEW).filter(order__project_id=pk).exists()):
        raise Http404
    return project


# --- the picker -------------------------------------------------------------------------------

def _schedule_stats(project_ids: list[int]) -> dict[int, dict[str, Any]]:
    rows = (Schedule.objects.filter(order__project_id__in=project_ids)
            .values("order__project_id")
            .annotate(orders=Count("pk"), start=Min("start"), finish=Max("finish")))
    return {row["order__project_id"]: row for row in rows}


@login_required
@require_GET
def gantt_projects(request: HttpRequest) -> HttpResponse:
    """The projects the user sees, each opening its Gantt chart."""
    context = projects.context(request)
    readers = can(request.user, VIEW, Task)
    stats = _schedule_stats([row["obj"].pk for row in context["rows"]]) if readers else {}
    for row in context["rows"]:
        row["stats"] = stats.get(row["obj"].pk)
        row["url"] = reverse("scheduling:gantt_project", args=[row["obj"].pk]) if readers else ""
    context["task_reader"] = readers
    return render(request, "scheduling/gantt_projects.html", context)


# --- the chart --------------------------------------------------------------------------------

def _i18n() -> dict[str, str]:
    """The words the script shows (it has no translation catalogue of its own)."""
    return {
        "start": _("开始"), "finish": _("完成"), "duration": _("工期（工作日）"),
        "float": _("总时差（工作日）"),
        "progress": _("完成百分比"), "baseline": _("基线"), "owner": _("负责人"),
        "critical": _("关键任务"), "overdue": _("已逾期"), "milestone": _("里程碑"),
        "summary": _("摘要任务"), "started": _("已开工"),
        # The unit is in the labels above: the script has no plural forms ("1 days").
        "days": "%(n)s", "floatDays": "%(n)s",
        "dragHint": _("拖动条形调整开始日期，拖动右端调整完成日期"),
        "dragMilestone": _("拖动调整里程碑日期"), "readOnly": _("只读：你不能调整该任务的计划"),
        "loadFailed": _("甘特图数据加载失败，请刷新页面重试。"),
        "saveFailed": _("网络错误，未能保存，请重试。"), "empty": _("还没有可显示的任务。"),
        "quarter": _("第%(q)s季度"), "expand": _("展开"), "collapse": _("折叠"),
        "openOrder": _("打开该订单的甘特图"), "readOnlyBadge": _("只读"),
        "summaryLine": _("共 %(n)s 个任务 · 关键 %(c)s · 逾期 %(o)s"),
    }


def _chart(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    context["i18n"] = _i18n()
    response = render(request, "scheduling/gantt.html", context)
    # The browser starts loading the chart's data with the page's headers, before it has
    # read the page (the <link rel="preload"> in the page does the same a little later).
    response["Link"] = f'<{context["data_url"]}>; rel=preload; as=fetch; crossorigin=anonymous'
    return response


@login_required
@require_GET
def gantt_order(request: HttpRequest, order_pk: int) -> HttpResponse:
    order = _order(request, order_pk)
    query = {"baseline": request.GET["baseline"]} if request.GET.get("baseline") else {}
    data_url = reverse("scheduling:gantt_order_data", args=[order.pk])
    return _chart(request, {
        "scope": "order", "order": order, "project": order.project,
        "title": f"{order.code} {order.title}",
        "data_url": f"{data_url}?{urlencode(query)}" if query else data_url,
        "order_visible": Order.objects.for_user(request.user, VIEW).filter(pk=order.pk).exists(),
        "project_visible": order.project_id is not None and Project.objects.for_user(
            request.user, VIEW).filter(pk=order.project_id).exists(),
    })


@login_required
@require_GET
def gantt_project(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = _project(request, project_pk)
    return _chart(request, {
        "scope": "project", "project": project, "title": f"{project.code} {project.name}",
        "data_url": reverse("scheduling:gantt_project_data", args=[project.pk]),
    })


def _json(text: str) -> HttpResponse:
    """JSON text made (and mostly cached) by gantt_data: sent as it is."""
    return HttpResponse(text, content_type="application/json")


@login_required
@require_GET
def gantt_order_data(request: HttpRequest, order_pk: int) -> HttpResponse:
    order = _order(request, order_pk)
    return _json(gantt_data.order_json(order, request.user, request.GET.get("baseline")))


@login_required
@require_GET
def gantt_project_data(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = _project(request, project_pk)
    return _json(gantt_data.project_json(project, request.user))


# --- the drag ---------------------------------------------------------------------------------

def _posted(request: HttpRequest) -> dict[str, Any]:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            raise ValidationError(_("请求内容不是有效的 JSON。"), code="invalid")
        if not isinstance(data, dict):
            raise ValidationError(_("请求内容不是有效的 JSON。"), code="invalid")
        return data
    return request.POST.dict()


def _date(data: dict[str, Any], name: str, label: str) -> date | None:
    value = str(data.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: _("%(label)s“%(v)s”不是有效日期，请使用 YYYY-MM-DD 格式。")
                               % {"label": label, "v": value[:20]}}, code="invalid")


def _version(request: HttpRequest, data: dict[str, Any]) -> int | None:
    raw = request.headers.get("If-Match", "") or str(data.get("version") or "")
    raw = raw.strip().removeprefix("W/").strip('"')
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationError(_("版本号“%(v)s”无效。") % {"v": raw[:20]}, code="invalid")


def _refusal(status: int, error: ValidationError | str, code: str) -> JsonResponse:
    message = error if isinstance(error, str) else " ".join(error.messages)
    if isinstance(error, ValidationError):
        code = getattr(error, "code", None) or code
        if hasattr(error, "error_dict"):
            first = next(iter(error.error_dict.values()))[0]
            code = first.code or code
    return JsonResponse({"ok": False, "message": message, "code": code}, status=status)


@login_required
@require_POST
def gantt_move(request: HttpRequest, pk: int) -> JsonResponse:
    """Move a task's start (keeping its duration) and/or its finish. Answers the tasks that
    changed (the successors follow) or, refused, the reason and nothing changes."""
    task = get_object_or_404(Task.objects.for_user(request.user, VIEW)
                             .select_related("order"), pk=pk)
    try:
        data = _posted(request)
        start = _date(data, "start", _("开始日期"))
        finish = _date(data, "finish", _("完成日期"))
        version = _version(request, data)
        if start is None and finish is None:
            raise ValidationError(_("请给出新的开始日期或完成日期。"), code="required")
        before = gantt_data.snapshot(task.order)
        moved = services.move_task(task, actor=request.user, start=start, finish=finish,
                                   expected_version=version)
    except PermissionDenied:
        return _refusal(403, _("你没有调整该任务计划的权限。"), "forbidden")
    except StaleVersion as exc:
        return _refusal(412, exc, "stale")
    except ValidationError as exc:
        return _refusal(400, exc, "invalid")
    changed = gantt_data.changes(request.user, task.order, before)
    others = sum(1 for row in changed if row["id"] != moved.pk)
    message = _("已调整“%(t)s”：%(s)s 至 %(f)s。") % {
        "t": moved.name, "s": moved.early_start, "f": moved.early_finish}
    if others:
        message += " " + _("另有 %(n)s 个任务随之调整。") % {"n": others}
    return JsonResponse({"ok": True, "message": message, "tasks": changed},
                        json_dumps_params={"ensure_ascii": False})
