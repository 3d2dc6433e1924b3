"""The task list (every task the user may see) and its Excel export.

A site worker sees his own and his crews' tasks here ("我的任务"); office and project
people see the tasks of the orders they see. Filters: status (and "not done"), order,
owner ("me": the tasks I or my crews do), critical, overdue.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from eoms.accounts.models import User
from eoms.core import listing
from eoms.core.access import EXPORT, VIEW, can
from eoms.core.listing import XLSX, FilterSpec, Listing
from eoms.lib.xlsx import write_rows
from eoms.orders.models import Order
from eoms.scheduling.choices import TaskStatus
from eoms.scheduling.models import Task
from eoms.scheduling.policies import own_task_scope
from eoms.scheduling.views_common import TaskRow, task_rows

ME, OPEN = "me", "open"
PAGE_SIZES = (10, 25, 50, 100)


def _owners(user: Any) -> QuerySet:
    return User.objects.filter(pk__in=Task.objects.for_user(user).filter(
        owner__isnull=False).values("owner")).order_by("username")


def _orders(user: Any) -> QuerySet:
    return Order.objects.filter(pk__in=Task.objects.for_user(user).values("order")).order_by(
        "-code")


def overdue_q() -> Q:
    """Tasks (not summaries) past their early finish and not done: as TaskRow.overdue."""
    return (Q(early_finish__lt=timezone.localdate(), is_summary=False)
            & ~Q(status=TaskStatus.DONE))


def _short(label: str, size: int = 18) -> str:
    return label if len(label) <= size else f"{label[:size - 1]}…"


@dataclasses.dataclass(frozen=True)
class TaskListing(Listing):
    """The generic list, plus owner "me", status "not done" and overdue yes/no."""

    def filter_specs(self, user: Any, params: QueryDict) -> list[FilterSpec]:
        specs = super().filter_specs(user, params)
        for spec in specs:
            if spec.name == "owner":
                spec.choices = [(ME, _("我的任务")), *spec.choices]
            elif spec.name == "status":
                spec.choices = [(OPEN, _("未完成（全部）")), *spec.choices]
            elif spec.name == "critical":
                spec.label = _("关键/非关键")
                spec.choices = [("1", _("关键任务")), ("0", _("非关键任务"))]
            elif spec.name == "order":
                spec.choices = [(pk, _short(label)) for pk, label in spec.choices]
            if params.get(spec.name) in (ME, OPEN) and not spec.value:
                wanted = params[spec.name]
                spec.value = wanted if wanted in dict(spec.choices) else ""
        overdue = params.get("overdue", "")
        specs.append(FilterSpec(name="overdue", label=_("逾期"),
                                choices=[("1", _("已逾期")), ("0", _("未逾期"))],
                                value=overdue if overdue in ("1", "0") else ""))
        return specs

    def base_queryset(self, user: Any, action: str = VIEW,
                      columns: tuple[str, ...] = ()) -> QuerySet:
        return super().base_queryset(user, action, columns).select_related(
            "order", "owner", "crew", "calendar")

    def rows(self, user: Any, params: QueryDict, action: str = VIEW,
             columns: tuple[str, ...] = (), specs: list[FilterSpec] | None = None) -> QuerySet:
        specs = specs if specs is not None else self.filter_specs(user, params)
        special = {s.name: s.value for s in specs
                   if s.name == "overdue" or s.value in (ME, OPEN)}
        plain = [dataclasses.replace(s, value="") if s.name in special else s for s in specs]
        qs = super().rows(user, params, action, columns, plain)
        if special.get("owner") == ME:
            qs = qs.filter(pk__in=Task.objects.filter(own_task_scope(user)).values("pk"))
        if special.get("status") == OPEN:
            qs = qs.exclude(status=TaskStatus.DONE)
        overdue = special.get("overdue", "")
        if overdue:
            qs = qs.filter(overdue_q()) if overdue == "1" else qs.exclude(overdue_q())
        return qs

    def export(self, request: HttpRequest) -> HttpResponse:
        """The filtered, sorted tasks as .xlsx, durations and floats in working days."""
        user = request.user
        if not can(user, EXPORT, Task):
            raise PermissionDenied(EXPORT)
        tasks = list(self.rows(user, request.GET, action=EXPORT))
        content = write_rows(_export_headers(), (_export_row(r) for r in
                                                task_rows(tasks, outline=False)),
                             sheet_title=_("任务"))
        response = HttpResponse(content, content_type=XLSX)
        filename = f"{_('任务')}-{timezone.localdate():%Y%m%d}.xlsx"
        response["Content-Disposition"] = str(content_disposition_header(True, filename))
        return response


def _export_headers() -> list[str]:
    return [_("订单编号"), _("WBS 编码"), _("任务名称"), _("负责人"), _("班组"),
            _("工期（工作日）"), _("最早开始"), _("最早完成"), _("最迟开始"), _("最迟完成"),
            _("总时差（工作日）"), _("关键任务"), _("完成百分比"), _("状态"), _("实际开始"),
            _("实际完成"), _("已逾期")]


def _export_row(row: TaskRow) -> list[Any]:
    t = row.task
    yes, no = _("是"), _("否")
    return [t.order.code, t.wbs, t.name, str(t.owner) if t.owner else "",
            str(t.crew) if t.crew else "", float(row.duration_days or 0), t.early_start,
            t.early_finish, t.late_start, t.late_finish, float(row.total_float_days or 0),
            yes if t.critical else no, row.percent, row.status_label, t.actual_start,
            t.actual_finish, yes if row.overdue else no]


tasks_listing = TaskListing(
    Task,
    columns=("wbs", "name", "order", "owner", "crew", "early_start", "early_finish",
             "total_float", "percent_complete", "status"),
    search=("name", "wbs", "order__code", "order__title"),
    filters=("status", "order", "owner", "critical"),
    sorts=("name", "early_start", "early_finish", "total_float", "status", "order__code"),
    default_sort="early_start",
    detail_url_name="scheduling:task_detail",
    export_url_name="scheduling:task_export",
    filter_options={"owner": _owners, "order": _orders},
)


def _quick_filters(user: Any) -> list[dict[str, str]]:
    base = reverse("scheduling:task_list")
    links = [{"label": _("我的任务"), "query": f"owner={ME}&status={OPEN}"},
             {"label": _("已逾期"), "query": "overdue=1"},
             {"label": _("关键任务"), "query": f"critical=1&status={OPEN}"}]
    return [{**link, "url": f"{base}?{link['query']}"} for link in links]


@login_required
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, VIEW, Task):
        raise PermissionDenied(VIEW)
    context = tasks_listing.context(request)
    context.update(
        task_rows=task_rows(list(context["page_obj"].object_list), outline=False),
        quick_filters=_quick_filters(request.user),
        current_query=context["querystring_without_page"],
        page_sizes=PAGE_SIZES, page_size_hidden=listing.page_size_hidden(request.GET))
    return render(request, "scheduling/task_list.html", context)


@login_required
@require_GET
def task_export(request: HttpRequest) -> HttpResponse:
    return tasks_listing.export(request)
