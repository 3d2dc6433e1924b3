"""What the scheduling API computes for reading: the CPM rows
(as `eoms schedule cpm --json` prints them), a calendar's days with the reason each is
worked or not, and a baseline's variance rows.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext as _

from eoms.scheduling import calendars, variance
from eoms.scheduling.api_common import DayLength, as_days, as_whole_days
from eoms.scheduling.choices import ExceptionKind, ExceptionSource
from eoms.scheduling.models import Baseline, Task, WorkCalendar

# --- CPM rows -------------------------------------------------------------------------------

def cpm_rows(tasks: list[Task], days: DayLength | None = None) -> list[dict[str, Any]]:
    """Per task, as `eoms schedule cpm --json` prints it: external_id (null when none),
    name, is_summary, the four dates, total and free float in working days of the task's
    calendar (3 rather than 3.0), critical. Tasks are loaded with api_common.TASK_RELATED
    and TASK_PREFETCH (no query per task)."""
    days = days or DayLength()
    rows = []
    for task in tasks:
        per_day = days.of_task(task)
        rows.append({
            "external_id": task.external_id or None, "name": task.name,
            "is_summary": task.is_summary, "early_start": task.early_start,
            "early_finish": task.early_finish, "late_start": task.late_start,
            "late_finish": task.late_finish,
            "total_float": as_whole_days(task.total_float, per_day),
            "free_float": as_whole_days(task.free_float, per_day), "critical": task.critical,
        })
    return rows


# --- a calendar's days ----------------------------------------------------------------------

def _labels() -> dict[str, str]:
    return {"workday": _("工作日"), "weekend": _("每周休息日"),
            "statutory_holiday": _("法定节假日"), "statutory_workday": _("调休上班"),
            "company_holiday": _("公司休息日"), "company_workday": _("公司安排上班")}


def _reason(calendar: WorkCalendar, day: date, exceptions: dict[date, Any],
            statutory: dict[date, tuple[str, str]]) -> tuple[str, str]:
    row = exceptions.get(day)
    if row is not None:
        origin = "statutory" if row.source == ExceptionSource.STATUTORY else "company"
        kind = "holiday" if row.kind == ExceptionKind.HOLIDAY else "workday"
        return f"{origin}_{kind}", row.name
    if day in statutory:
        kind, name = statutory[day]
        return ("statutory_holiday" if kind == ExceptionKind.HOLIDAY
                else "statutory_workday"), name
    if day.weekday() not in calendar.weekdays:
        return "weekend", ""
    return "workday", ""


def calendar_days(calendar: WorkCalendar, year: int) -> dict[str, Any]:
    """Every date of a year: worked or not, and why (weekend, a statutory holiday and its
    name, a 调休 working day, a company day off)."""
    spec = calendars.to_spec(calendar)
    exceptions = {row.date: row for row in calendar.exceptions.all()}
    statutory = ({d: (kind, name) for d, kind, name in calendars.statutory_days(year)}
                 if calendar.statutory_holidays else {})
    labels = _labels()
    first, last = date(year, 1, 1), date(year, 12, 31)
    days, day = [], first
    while day <= last:
        reason, name = _reason(calendar, day, exceptions, statutory)
        label = f"{labels[reason]}：{name}" if name else labels[reason]
        days.append({"date": day, "working": calendars.is_working_day(spec, day),
                     "reason": reason, "name": name, "label": label})
        day += timedelta(days=1)
    missing = calendars.years_without_data(calendar, first, last)
    warning = None
    if missing:
        warning = _("%(y)s 年的法定节假日尚未收录：该年按每周工作日和手工录入的休息日计算，"
                    "请在国务院公布安排后补录。") % {"y": year}
    return {"calendar": calendar.code, "year": year,
            "statutory_data": calendar.statutory_holidays and not missing
            and year >= calendars.STATUTORY_FIRST_YEAR,
            "warning": warning, "working_days": sum(1 for d in days if d["working"]),
            "days": days}


# --- baselines ------------------------------------------------------------------------------

def baseline_tasks(baseline: Baseline, days: DayLength) -> list[dict[str, Any]]:
    order_day = days.of_order(baseline.order)
    rows = []
    for row in baseline.tasks.select_related("task__calendar").order_by("pk"):
        calendar = row.task.calendar if row.task is not None else None
        per_day = calendar.minutes_per_day if calendar is not None else order_day
        rows.append({"task": row.task_id, "name": row.name, "start": row.start,
                     "finish": row.finish, "duration_days": as_days(row.duration, per_day),
                     "planned_cost": row.planned_cost})
    return rows


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def variance_rows(baseline: Baseline) -> list[dict[str, Any]]:
    """The baseline against the current schedule and the actual dates (variance.py)."""
    report = variance.load_report(baseline)
    return [{
        "task": row.key, "name": row.name, "state": row.state,
        "baseline_start": row.baseline.start if row.baseline else None,
        "baseline_finish": row.baseline.finish if row.baseline else None,
        "current_start": row.current.start if row.current else None,
        "current_finish": row.current.finish if row.current else None,
        "actual_start": row.actual_start, "actual_finish": row.actual_finish,
        "start_variance_days": _number(row.start_variance),
        "finish_variance_days": _number(row.finish_variance),
        "duration_variance_days": _number(row.duration_variance),
    } for row in report.rows]
