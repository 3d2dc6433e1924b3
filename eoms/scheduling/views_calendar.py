"""Work-calendar pages: the list, the form, and the editor (a year of month grids).

Every staff member reads every calendar (WorkCalendarPolicy); management keeps the
company and crew calendars, a project manager the calendars of his projects. Changes go
through eoms.scheduling.services_plan, which recomputes the schedules that use them.
"""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eoms.audit.history import history_for
from eoms.core.access import ADD, CHANGE, DELETE, VIEW, can
from eoms.core.listing import Listing
from eoms.scheduling import calendars, services_plan
from eoms.scheduling.choices import ExceptionKind, ExceptionSource
from eoms.scheduling.forms_calendar import (
    WEEKDAY_CHOICES,
    YEAR_MAX,
    YEAR_MIN,
    CalendarForm,
    CalendarHoursForm,
    ExceptionForm,
)
from eoms.scheduling.models import CalendarException, WorkCalendar

WEEKDAY_HEADS = [pgettext_lazy("星期缩写", "一"), pgettext_lazy("星期缩写", "二"),
                 pgettext_lazy("星期缩写", "三"), pgettext_lazy("星期缩写", "四"),
                 pgettext_lazy("星期缩写", "五"), pgettext_lazy("星期缩写", "六"),
                 pgettext_lazy("星期缩写", "日")]

calendar_listing = Listing(
    WorkCalendar,
    columns=("code", "name", "project", "crew", "project__manager"),
    search=("code", "name", "project__name", "crew__name"),
    sorts=("code", "name"),
    default_sort="code",
    detail_url_name="scheduling:calendar_detail",
)


def _person(user: Any) -> str:
    return (user.get_full_name() or user.username) if user is not None else "—"


def calendar_kind(calendar: WorkCalendar) -> str:
    if calendar.project_id:
        return _("项目日历")
    if calendar.crew_id:
        return _("班组日历")
    return _("公司默认日历") if calendar.is_default else _("公司日历")


def calendar_editors(calendar: WorkCalendar) -> str:
    """Who may change the calendar, in words (as WorkCalendarPolicy decides)."""
    if calendar.project_id and calendar.project.manager_id:  # type: ignore[union-attr]
        return _("管理层、项目经理 %(name)s") % {
            "name": _person(calendar.project.manager)}  # type: ignore[union-attr]
    return _("管理层")


def weekdays_text(days: list[int]) -> str:
    """[0, 1, 2, 3, 4] → 周一至周五; [0, 2] → 周一、周三."""
    labels = dict(WEEKDAY_CHOICES)
    days = sorted(set(days))
    if len(days) >= 3 and days == list(range(days[0], days[-1] + 1)):
        return _("%(a)s至%(b)s") % {"a": labels[days[0]], "b": labels[days[-1]]}
    return "、".join(str(labels[d]) for d in days if d in labels) or "—"


def _calendar(request: HttpRequest, pk: int, action: str = VIEW) -> WorkCalendar:
    found = get_object_or_404(
        WorkCalendar.objects.for_user(request.user).select_related(
            "project__manager", "crew").prefetch_related("exceptions"), pk=pk)
    if action != VIEW and not can(request.user, action, found):
        raise PermissionDenied(action)
    return found


# --- the list ------------------------------------------------------------------------------

@login_required
@require_GET
def calendar_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can(user, VIEW, WorkCalendar):
        raise PermissionDenied(VIEW)
    context = calendar_listing.context(request)
    for row in context["rows"]:
        obj = row["obj"]
        row.update(kind=calendar_kind(obj), weekdays=weekdays_text(obj.weekdays),
                   editors=calendar_editors(obj), owner=obj.project or obj.crew,
                   can_edit=can(user, CHANGE, obj))
    context.update(can_add=can(user, ADD, WorkCalendar),
                   last_year=calendars.STATUTORY_LAST_YEAR)
    return render(request, "scheduling/calendar_list.html", context)


# --- the year view -------------------------------------------------------------------------

@dataclass
class Day:
    day: date
    kind: str  # work, weekend, holiday, makeup, company-off, company-work
    label: str
    working: bool
    selected: bool = False
    today: bool = False


def _statutory(calendar: WorkCalendar, year: int) -> dict[date, tuple[str, str]]:
    if not calendar.statutory_holidays:
        return {}
    return {day: (kind, name) for day, kind, name in calendars.statutory_days(year)}


def classify(calendar: WorkCalendar, day: date, exception: CalendarException | None,
             statutory: tuple[str, str] | None) -> tuple[str, str]:
    """(kind, words) of one date: a company exception wins over the statutory
    calendar, which wins over the working weekdays."""
    if exception is not None:
        words = exception.name or (_("公司休息日") if exception.kind == ExceptionKind.HOLIDAY
                                   else _("公司调休上班"))
        if exception.kind == ExceptionKind.HOLIDAY:
            return "company-off", _("%(n)s（公司休息日）") % {"n": words}
        return "company-work", _("%(n)s（公司安排上班）") % {"n": words}
    if statutory is not None:
        kind, name = statutory
        if kind == ExceptionKind.HOLIDAY:
            return "holiday", _("%(n)s（法定节假日）") % {"n": name}
        return "makeup", _("%(n)s调休上班") % {"n": name}
    if day.weekday() in calendar.weekdays:
        return "work", _("工作日")
    return "weekend", _("休息日")


def year_months(calendar: WorkCalendar, year: int, selected: date | None) -> list[dict[str, Any]]:
    """Twelve month grids (weeks from Monday); days of other months are None."""
    spec = calendars.to_spec(calendar)
    exceptions = {row.date: row for row in calendar.exceptions.all() if row.date.year == year}
    statutory = _statutory(calendar, year)
    today = timezone.localdate()
    weeks_of = month_calendar.Calendar(firstweekday=0).monthdatescalendar
    months = []
    for month in range(1, 13):
        weeks = []
        for week in weeks_of(year, month):
            cells: list[Day | None] = []
            for day in week:
                if day.month != month:
                    cells.append(None)
                    continue
                kind, label = classify(calendar, day, exceptions.get(day), statutory.get(day))
                cells.append(Day(day, kind, label, calendars.is_working_day(spec, day),
                                 selected=day == selected, today=day == today))
            weeks.append(cells)
        working = sum(1 for w in weeks for d in w if d is not None and d.working)
        months.append({"number": month, "first": date(year, month, 1), "weeks": weeks,
                       "working": working})
    return months


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or "")
    except ValueError:
        return timezone.localdate().year
    return min(max(year, YEAR_MIN), YEAR_MAX)


def _selected(text: str) -> date | None:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if YEAR_MIN <= day.year <= YEAR_MAX else None


def _exception_form(calendar: WorkCalendar, day: date | None) -> ExceptionForm:
    if day is None:
        return ExceptionForm(initial={"kind": ExceptionKind.HOLIDAY})
    row = next((r for r in calendar.exceptions.all() if r.date == day), None)
    working = calendars.is_working_day(calendars.to_spec(calendar), day)
    kind = row.kind if row else (ExceptionKind.HOLIDAY if working else ExceptionKind.WORKDAY)
    return ExceptionForm(initial={"date": day, "kind": kind, "name": row.name if row else ""})


def _no_data_warning(calendar: WorkCalendar, year: int) -> bool:
    """The statutory data ends before this year and no company holidays make up for it."""
    return bool(calendars.years_without_data(calendar, date(year, 1, 1), date(year, 12, 31)))


def _selected_day(calendar: WorkCalendar, months: list[dict[str, Any]],
                  day: date | None) -> dict[str, Any] | None:
    if day is None:
        return None
    cell = next((d for m in months for w in m["weeks"] for d in w if d and d.day == day), None)
    row = next((r for r in calendar.exceptions.all() if r.date == day), None)
    return {"day": day, "cell": cell, "exception": row}


def render_editor(request: HttpRequest, calendar: WorkCalendar, *, year: int | None = None,
                  day: date | None = None, exception_form: ExceptionForm | None = None,
                  hours_form: CalendarHoursForm | None = None) -> HttpResponse:
    """The editor page; a form that failed comes back bound, with its errors."""
    user = request.user
    year = year or _year(request)
    day = day if day is not None else _selected(request.GET.get("day", ""))
    if day is not None and day.year != year:
        day = None
    months = year_months(calendar, year, day)
    exceptions = sorted((r for r in calendar.exceptions.all() if r.date.year == year),
                        key=lambda r: r.date)
    return render(request, "scheduling/calendar_detail.html", {
        "calendar": calendar, "year": year, "year_text": str(year),
        "years": [str(y) for y in range(max(YEAR_MIN, year - 5), min(YEAR_MAX, year + 5) + 1)],
        "previous_year": year - 1 if year > YEAR_MIN else None,
        "next_year": year + 1 if year < YEAR_MAX else None,
        "months": months, "weekday_heads": WEEKDAY_HEADS,
        "working_days": sum(m["working"] for m in months),
        "no_data_warning": _no_data_warning(calendar, year),
        "statutory_last_year": str(calendars.STATUTORY_LAST_YEAR),
        "exceptions": exceptions, "selected": _selected_day(calendar, months, day),
        "exception_form": exception_form or _exception_form(calendar, day),
        "hours_form": hours_form or CalendarHoursForm.for_calendar(calendar),
        "kind": calendar_kind(calendar), "editors": calendar_editors(calendar),
        "can_edit": can(user, CHANGE, calendar), "can_delete": can(user, DELETE, calendar),
        "company_source": ExceptionSource.COMPANY,
    })


@login_required
@require_GET
def calendar_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_editor(request, _calendar(request, pk))


# --- forms ---------------------------------------------------------------------------------

def _render_form(request: HttpRequest, form: CalendarForm,
                 calendar: WorkCalendar | None) -> HttpResponse:
    return render(request, "scheduling/calendar_form.html", {
        "form": form, "object": calendar,
        "title": _("编辑工作日历") if calendar else _("新建工作日历"),
        "history": history_for(calendar) if calendar else [],
    })


@login_required
@require_http_methods(["GET", "POST"])
def calendar_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can(user, ADD, WorkCalendar):
        raise PermissionDenied(ADD)
    form = CalendarForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        saved = form.submit(lambda _dup: services_plan.save_calendar(
            None, actor=user, data=form.service_data()))
        if saved is not None:
            messages.success(request, _("已新建工作日历“%(n)s”。") % {"n": saved.name})
            return redirect("scheduling:calendar_detail", saved.pk)
    return _render_form(request, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def calendar_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole calendar; or, with part=hours, the weekdays and hours beside the year."""
    user = request.user
    calendar = _calendar(request, pk, CHANGE)
    if request.method == "POST" and request.POST.get("part") == "hours":
        hours = CalendarHoursForm(request.POST)
        if hours.is_valid() and hours.submit(lambda _dup: services_plan.save_calendar(
                calendar, actor=user, data=hours.service_data(),
                expected_version=hours.expected_version)) is not None:
            messages.success(request, _("已保存工作日和工作时段。"))
            return redirect(_editor_url(calendar, _year(request)))
        return render_editor(request, _calendar(request, pk), hours_form=hours)
    form = CalendarForm(request.POST if request.method == "POST" else None, user=user,
                        calendar=calendar)
    if request.method == "POST" and form.is_valid():
        saved = form.submit(lambda _dup: services_plan.save_calendar(
            calendar, actor=user, data=form.service_data(),
            expected_version=form.expected_version))
        if saved is not None:
            messages.success(request, _("已保存工作日历“%(n)s”。") % {"n": saved.name})
            return redirect("scheduling:calendar_detail", saved.pk)
    return _render_form(request, form, _calendar(request, pk))


@login_required
@require_POST
def calendar_delete(request: HttpRequest, pk: int) -> HttpResponse:
    calendar = _calendar(request, pk, DELETE)
    name = calendar.name
    try:
        services_plan.delete_calendar(calendar, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("scheduling:calendar_detail", pk)
    messages.success(request, _("已删除工作日历“%(n)s”。") % {"n": name})
    return redirect("scheduling:calendar_list")


# --- exceptions ----------------------------------------------------------------------------

def _editor_url(calendar: WorkCalendar, year: int, day: date | None = None) -> str:
    url = f"{reverse('scheduling:calendar_detail', args=[calendar.pk])}?year={year}"
    return f"{url}&day={day.isoformat()}#day-panel" if day else url


@login_required
@require_POST
def calendar_exception_set(request: HttpRequest, pk: int) -> HttpResponse:
    calendar = _calendar(request, pk, CHANGE)
    form = ExceptionForm(request.POST)
    if form.is_valid():
        day = form.cleaned_data["date"]
        row = form.submit(lambda _dup: services_plan.set_exception(
            calendar, actor=request.user, day=day, kind=form.cleaned_data["kind"],
            name=form.cleaned_data["name"]))
        if row is not None:
            messages.success(request, _("已将 %(d)s 设为%(k)s。") % {
                "d": day.isoformat(), "k": row.get_kind_display()})
            return redirect(_editor_url(calendar, day.year, day))
    day = form.cleaned_data.get("date")
    return render_editor(request, _calendar(request, pk), year=day.year if day else None,
                         day=day, exception_form=form)


@login_required
@require_POST
def calendar_exception_delete(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(CalendarException.objects.for_user(request.user)
                            .select_related("calendar__project"), pk=pk)
    calendar = row.calendar
    if not can(request.user, CHANGE, calendar):
        raise PermissionDenied(CHANGE)
    day = row.date
    services_plan.delete_exception(row, actor=request.user)
    messages.success(request, _("已取消 %(d)s 的例外安排，恢复按%(s)s计算。") % {
        "d": day.isoformat(),
        "s": _("法定节假日和工作日") if calendar.statutory_holidays else _("工作日")})
    return redirect(_editor_url(calendar, day.year, day))
