"""An order's schedule: the header (start, status date, calendar, computed finish against
the promised date, warnings), the WBS task table, the settings and a recompute on request.

Read by those who read the order's plan (office, the project's managers, buyers and QC);
planned by management and the order's project managers.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eoms.core.access import CHANGE, EXPORT, VIEW, can
from eoms.orders.models import Order
from eoms.scheduling import calendars, services, services_plan
from eoms.scheduling.forms import ScheduleSettingsForm
from eoms.scheduling.models import Baseline, Schedule, Task
from eoms.scheduling.policies import PLAN
from eoms.scheduling.schedule_warnings import warning_texts
from eoms.scheduling.views_common import (
    order_for,
    same_year,
    schedule_for,
    task_rows,
    url_or_blank,
)


def _finish_vs_promise(schedule: Schedule, order: Order) -> dict[str, Any]:
    """How the computed finish compares with the date promised to the customer."""
    finish, promised = schedule.finish, order.promised_date
    if not finish or not promised:
        return {"late_days": 0, "early_days": 0}
    delta = (finish - promised).days
    return {"late_days": max(delta, 0), "early_days": max(-delta, 0)}


def _calendar_label(schedule: Schedule, order: Order) -> str:
    if schedule.calendar_id:
        return str(schedule.calendar)
    row = calendars.project_calendar(order.project_id)
    if row is None:
        return _("周一至周五，按国家法定节假日（未设置项目日历）")
    return row.name


def _links(user: Any, order: Order, schedule: Schedule) -> dict[str, str]:
    """The buttons to the other schedule pages that exist and the user may use."""
    found = {"gantt": url_or_blank("scheduling:gantt_order", order.pk)}
    found["baselines"] = (url_or_blank("scheduling:baseline_list", order.pk)
                          if can(user, VIEW, Baseline(order=order)) else "")
    found["export"] = (url_or_blank("scheduling:export_mspdi", order.pk)
                       if can(user, EXPORT, schedule) else "")
    found["import"] = url_or_blank("scheduling:schedule_import")
    if found["import"]:
        found["import"] += f"?order={order.pk}"
    return found


@login_required
@require_GET
def order_schedule(request: HttpRequest, order_pk: int) -> HttpResponse:
    user = request.user
    order = order_for(user, order_pk)
    schedule = schedule_for(user, order)
    tasks = list(Task.objects.for_user(user).filter(order=order).select_related(
        "order", "owner", "crew", "calendar").order_by("position", "pk"))
    rows = task_rows(tasks, outline=True)
    year = same_year(rows)
    may_plan = can(user, PLAN, Task(order=order))
    return render(request, "scheduling/order_schedule.html", {
        "order": order, "schedule": schedule, "rows": rows, "year": year,
        "date_format": "m-d" if year else "Y-m-d",
        "critical_count": sum(1 for r in rows if r.task.critical and not r.task.is_summary),
        "overdue_count": sum(1 for r in rows if r.overdue and not r.task.is_summary),
        "warnings": warning_texts(schedule) if schedule.pk else [],
        "calendar_label": _calendar_label(schedule, order),
        "may_plan": may_plan and order.status not in services.CLOSED,
        "may_settings": can(user, CHANGE, schedule) and order.status not in services.CLOSED,
        "links": _links(user, order, schedule), **_finish_vs_promise(schedule, order),
    })


@login_required
@require_http_methods(["GET", "POST"])
def schedule_settings(request: HttpRequest, order_pk: int) -> HttpResponse:
    user = request.user
    order = order_for(user, order_pk)
    schedule = schedule_for(user, order)
    if not can(user, CHANGE, schedule):
        raise PermissionDenied(CHANGE)
    if not schedule.pk:
        schedule.start = order.requested_date or order.created_at.date()
    data = request.POST if request.method == "POST" else None
    form = ScheduleSettingsForm(data, schedule=schedule)
    if data is not None and form.is_valid():
        saved = form.submit(lambda _dup: services_plan.update_schedule(
            order, actor=user, data=form.service_data()))
        if saved is not None:
            messages.success(request, _("已保存进度计划设置并重新计算。"))
            return redirect("scheduling:order_schedule", order.pk)
    return render(request, "scheduling/order_schedule_settings.html", {
        "order": order, "schedule": schedule, "form": form,
        "cancel_url": reverse("scheduling:order_schedule", args=[order.pk])})


@login_required
@require_POST
def schedule_recompute(request: HttpRequest, order_pk: int) -> HttpResponse:
    user = request.user
    order = order_for(user, order_pk)
    schedule_for(user, order)
    if not can(user, PLAN, Task(order=order)):
        raise PermissionDenied(PLAN)
    try:
        services.recompute_order(order, actor=user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已重新计算进度。"))
    return redirect("scheduling:order_schedule", order.pk)
