"""Pages of the exchange with MS Project and Primavera: upload a schedule file, read the
import's validation report, download an order's schedule as MS Project XML."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from eoms.core.access import ADMIN, EXPORT, MANAGER, VIEW, can, roles_of
from eoms.scheduling import services_exchange as exchange
from eoms.scheduling import services_export
from eoms.scheduling.models import Schedule, ScheduleImport, Task
from eoms.scheduling.policies import PLAN

ACCEPT = ".xml,.xer,application/xml,text/xml"
SHOWN_DIFFERENCES = 300

# Why a file date differs from EOMS's (codes of formats.compare, plus the import's own).
REASONS = {
    "has_actuals": _("有实际进度"),
    "unsupported_constraint": _("不支持的限制类型"),
    "elapsed_lag": _("按日历天计算的延隔"),
    "calendar_detail": _("日历细节（每天工时不同或半天例外）"),
    "resource_levelling": _("资源平衡"),
    "resource_driven": _("资源工时分布"),
    "summary": _("摘要任务"),
    "external_link": _("外部项目关系"),
    "file_off_calendar": _("文件日期与其日历不符"),
    "day_precision": _("EOMS 按整天排程"),
    "unexplained": _("未知原因"),
}

WARNINGS = {
    "null_task": _("空白任务行，已跳过"),
    "external_link": _("与其他项目任务的关系，已忽略"),
    "elapsed_lag": _("按日历天计算的延隔，已换算为工作日"),
    "percent_lag": _("按百分比计算的延隔，已换算为工作时间"),
    "elapsed_duration": _("按日历天计算的工期，已换算为工作日"),
    "unsupported_constraint": _("不支持的限制类型，已按最接近的方式处理"),
    "unsupported_task_type": _("不支持的作业类型（如资源依赖、配合作业），按普通任务处理"),
    "unknown_link_target": _("关系指向文件中不存在的任务，已忽略"),
    "unknown_calendar": _("任务使用了文件中不存在的日历，已改用项目日历"),
    "calendar_detail": _("日历细节（每天工时不同或半天例外）无法完全表示"),
    "lag_calendar": _("文件按其他日历计算延隔"),
    "resource_calendar": _("文件中有资源日历，EOMS 不按资源日历排程"),
    "work_contour": _("资源工时分布使任务拉长，EOMS 不按资源排程"),
    "duplicate_link": _("重复的任务关系，已合并"),
    "bad_value": _("无法识别的数值，已忽略"),
}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("进度计划文件"),
        help_text=_("MS Project XML（.xml）、Primavera XER（.xer）或 Primavera XML（.xml）"),
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        error_messages={"required": _("请选择要导入的进度计划文件。"),
                        "empty": _("文件是空的。")})
    order = forms.ModelChoiceField(
        label=_("导入到订单"), required=False, queryset=ScheduleImport.objects.none(),
        empty_label=_("（新建订单）"),
        help_text=_("选择已有订单时，其任务和关系被文件中的替换；外部编号相同的任务保留 EOMS "
                    "中填报的进度。"))
    project = forms.ModelChoiceField(
        label=_("新订单所属项目"), required=False, queryset=ScheduleImport.objects.none(),
        empty_label=_("（内部项目“导入的进度计划”）"),
        help_text=_("只在新建订单时使用。"))

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        order_field: Any = self.fields["order"]
        order_field.queryset = exchange.plannable_orders(user).order_by("-id")
        order_field.label_from_instance = lambda o: f"{o.code} {o.title}"
        project_field: Any = self.fields["project"]
        project_field.queryset = exchange.placeable_projects(user).order_by("code")
        if not roles_of(user) & {MANAGER, ADMIN}:  # only management uses the internal one
            project_field.empty_label = _("（请选择）")

    def show_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            for message in exc.messages:
                self.add_error("file", message)
            return
        for name, messages in exc.message_dict.items():
            target = name if name in self.fields and name != NON_FIELD_ERRORS else None
            for message in messages:
                self.add_error(target, message)


def _initial(request: HttpRequest) -> dict[str, Any]:
    """``?order=<pk>`` preselects that order, when the user may plan (import into) it."""
    raw = request.GET.get("order", "").strip()
    if not raw.isdigit():
        return {}
    order = exchange.plannable_orders(request.user).filter(pk=int(raw)).first()
    if order is None or not can(request.user, PLAN, Task(order=order)):
        return {}
    return {"order": order.pk}


@login_required
@require_http_methods(["GET", "POST"])
def schedule_import(request: HttpRequest) -> HttpResponse:
    if not exchange.may_import(request.user):
        raise PermissionDenied(PLAN)
    form = ImportForm(request.user, request.POST or None, request.FILES or None,
                      initial=_initial(request))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > settings.UPLOAD_MAX_BYTES:
                raise ValidationError(exchange.too_large_message(), code="too_large")
            report = exchange.import_schedule(
                upload.read(), upload.name, actor=request.user,
                order=form.cleaned_data["order"], project=form.cleaned_data["project"])
        except ValidationError as exc:
            form.show_errors(exc)
        else:
            return redirect("scheduling:import_report", pk=report.pk)
    recent = (ScheduleImport.objects.for_user(request.user).select_related("order")
              .order_by("-created_at")[:5])
    return render(request, "scheduling/import_upload.html", {
        "form": form, "recent": recent,
        "max_size": filesizeformat(settings.UPLOAD_MAX_BYTES)})


def _difference_rows(report: ScheduleImport, per_day: int) -> list[dict[str, Any]]:
    rows = []
    for diff in report.differences[:SHOWN_DIFFERENCES]:
        reason = diff.get("reason", "unexplained")
        rows.append({**diff, "reason_label": REASONS.get(reason, reason),
                     "explained": reason != "unexplained",
                     "file_day": diff["file_date"][:10], "file_time": diff["file_date"][11:16],
                     "eoms_day": diff["eoms_date"][:10],
                     "delta_days": round(diff.get("delta_minutes", 0) / per_day, 1)})
    return rows


def _report_counts(report: ScheduleImport) -> dict[str, int]:
    tasks: dict[str, bool] = {}
    for diff in report.differences:
        key = diff["external_id"]
        tasks[key] = tasks.get(key, False) or diff.get("reason") == "unexplained"
    unexplained = sum(1 for bad in tasks.values() if bad)
    return {"different": len(tasks), "explained": len(tasks) - unexplained,
            "unexplained": unexplained}


@login_required
@require_GET
def import_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(ScheduleImport.objects.for_user(request.user, VIEW)
                               .select_related("order", "created_by"), pk=pk)
    schedule = (Schedule.objects.filter(order=report.order).select_related("calendar")
                .first())
    per_day = schedule.calendar.minutes_per_day if schedule and schedule.calendar else 480
    warnings = [{**w, "label": WARNINGS.get(w["code"], w["code"])} for w in report.warnings]
    return render(request, "scheduling/import_report.html", {
        "report": report, "order": report.order, "counts": _report_counts(report),
        "rows": _difference_rows(report, per_day), "shown": SHOWN_DIFFERENCES,
        "warnings": warnings, "may_import": exchange.may_import(request.user),
        "may_export": schedule is not None and Schedule.objects.for_user(
            request.user, EXPORT).filter(pk=schedule.pk).exists(),
    })


@login_required
@require_GET
def export_mspdi(request: HttpRequest, order_pk: int) -> HttpResponse:
    schedule = get_object_or_404(Schedule.objects.for_user(request.user, VIEW)
                                 .select_related("order"), order_id=order_pk)
    if not Schedule.objects.for_user(request.user, EXPORT).filter(pk=schedule.pk).exists():
        raise PermissionDenied(EXPORT)
    try:
        content = services_export.export_mspdi(schedule.order, actor=request.user)
    except ValidationError:
        raise Http404
    response = HttpResponse(content, content_type="application/xml; charset=utf-8")
    name = f"{schedule.order.code}.xml"
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    return response

