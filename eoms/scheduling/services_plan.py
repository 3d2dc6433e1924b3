"""Schedule settings, baselines and work calendars."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from eoms.core import codes
from eoms.core.access import ADD, CHANGE, DELETE, require
from eoms.core.context import business_event
from eoms.masterdata.services import StaleVersion, last_change_by
from eoms.orders.models import Order
from eoms.scheduling.choices import ExceptionKind, ExceptionSource
from eoms.scheduling.models import (
    Baseline,
    BaselineTask,
    CalendarException,
    Schedule,
    Task,
    WorkCalendar,
    minute_of_day,
)
from eoms.scheduling.services import _changed, _check_order_open, _run, ensure_schedule

codes.register_default("calendar", "CAL-{seq:04}")


@transaction.atomic
def update_schedule(order: Order, *, actor: Any, data: dict[str, Any]) -> Schedule:
    """Start date, status date and calendar of an order's schedule; recomputes."""
    _check_order_open(order)
    schedule = ensure_schedule(order, actor=actor, start=data.get("start"))
    schedule = Schedule.objects.select_for_update().get(pk=schedule.pk)
    require(actor, CHANGE, schedule)
    for name in ("start", "status_date", "calendar"):
        if name in data:
            setattr(schedule, name, data[name])
    if schedule.start is None:
        raise ValidationError({"start": _("请填写计划开始日期。")})
    schedule.full_clean(exclude=["order"])
    if not _changed(schedule):
        return schedule
    schedule.version += 1
    with business_event("schedule.updated", actor=actor):
        schedule.save()
        _run(order)
    return schedule


@transaction.atomic
def save_baseline(order: Order, *, actor: Any, name: str, note: str = "") -> Baseline:
    """Freeze every task's current dates, duration and cost under a name."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写基线名称。")})
    baseline = Baseline(order=order, name=name[:80], note=(note or "")[:300],
                        created_by=actor if getattr(actor, "pk", None) else None)
    require(actor, ADD, baseline)
    if Baseline.objects.filter(order=order, name=baseline.name).exists():
        raise ValidationError({"name": _("基线“%(n)s”已存在，请换一个名称。")
                               % {"n": baseline.name}}, code="duplicate")
    tasks = list(Task.objects.filter(order=order))
    if not tasks:
        raise ValidationError(_("订单还没有任务，无法保存基线。"), code="empty")
    with business_event("baseline.saved", actor=actor, tasks=len(tasks)):
        baseline.save()
        BaselineTask.objects.bulk_create(
            [BaselineTask(baseline=baseline, task=t, name=t.name, start=t.early_start,
                          finish=t.early_finish, duration=t.duration,
                          planned_cost=t.rollup_cost) for t in tasks], batch_size=1000)
    return baseline


@transaction.atomic
def delete_baseline(baseline: Baseline, *, actor: Any) -> None:
    require(actor, DELETE, baseline)
    with business_event("baseline.deleted", actor=actor):
        baseline.delete()


CALENDAR_FIELDS = ("name", "project", "crew", "weekdays", "intervals", "statutory_holidays",
                   "is_default")


def _check_calendar(calendar: WorkCalendar) -> None:
    days = calendar.weekdays
    if not isinstance(days, list) or not days or any(
            not isinstance(d, int) or not 0 <= d <= 6 for d in days):
        raise ValidationError({"weekdays": _("请至少选择一个工作日（周一至周日）。")})
    calendar.weekdays = sorted(set(days))
    _check_intervals(calendar.intervals)
    if calendar.project_id and calendar.crew_id:
        raise ValidationError({"crew": _("日历只能属于一个项目或一个班组，不能同时属于两者。")})


def _check_intervals(intervals: Any) -> None:
    message = _("工作时段格式应为 08:00-12:00，且按时间先后不重叠。")
    if not isinstance(intervals, list) or not intervals:
        raise ValidationError({"intervals": message})
    previous = None
    for pair in intervals:
        try:
            start, finish = minute_of_day(pair[0]), minute_of_day(pair[1], end=True)
        except (TypeError, ValueError, IndexError):
            raise ValidationError({"intervals": message})
        if finish <= start or (previous is not None and start < previous):
            raise ValidationError({"intervals": message})
        previous = finish


@transaction.atomic
def save_calendar(calendar: WorkCalendar | None, *, actor: Any, data: dict[str, Any],
                  expected_version: int | None = None) -> WorkCalendar:
    """Create (calendar None) or change a work calendar, then recompute the open orders
    whose schedules use it. A change made from a stale copy (`expected_version` not the
    stored version) is refused, naming who changed the calendar since."""
    creating = calendar is None
    if creating:
        calendar = WorkCalendar(code=codes.next_code("calendar"),
                                created_by=actor if getattr(actor, "pk", None) else None)
    else:
        calendar = WorkCalendar.objects.select_for_update().get(pk=calendar.pk)  # type: ignore[union-attr]
    for name in CALENDAR_FIELDS:
        if name in data:
            setattr(calendar, name, data[name])
    require(actor, ADD if creating else CHANGE, calendar)
    if not creating and expected_version is not None and calendar.version != expected_version:
        raise StaleVersion(_("该日历已被 %(who)s 修改（当前版本 %(v)s），请刷新后重新编辑。")
                           % {"who": last_change_by(calendar), "v": calendar.version},
                           code="stale")
    _check_calendar(calendar)
    calendar.full_clean()
    if calendar.is_default:
        WorkCalendar.objects.filter(is_default=True).exclude(pk=calendar.pk).update(
            is_default=False)
    if not creating and not _changed(calendar):
        return calendar
    if not creating:
        calendar.version += 1
    with business_event("calendar.created" if creating else "calendar.updated", actor=actor):
        calendar.save()
        recompute_users_of(calendar)
    return calendar


def recompute_users_of(calendar: WorkCalendar) -> int:
    """Recompute the open orders whose tasks fall on this calendar."""
    orders = Order.objects.exclude(status__in=("closed", "cancelled")).filter(
        schedule__isnull=False)
    if calendar.project_id:
        orders = orders.filter(project_id=calendar.project_id)
    elif calendar.crew_id:
        orders = orders.filter(tasks__crew_id=calendar.crew_id)
    elif not calendar.is_default:
        orders = orders.filter(tasks__calendar=calendar) | orders.filter(
            schedule__calendar=calendar)
    count = 0
    for order in orders.distinct():
        _run(order)
        count += 1
    return count


@transaction.atomic
def set_exception(calendar: WorkCalendar, *, actor: Any, day: date, kind: str,
                  name: str = "", source: str = ExceptionSource.COMPANY) -> CalendarException:
    """Mark one date a holiday or a 调休 working day (replacing what the date had)."""
    require(actor, CHANGE, calendar)
    if kind not in ExceptionKind.values:
        raise ValidationError({"kind": _("未知的例外类型。")})
    if not isinstance(day, date):
        raise ValidationError({"date": _("请填写有效日期。")})
    row = CalendarException.objects.filter(calendar=calendar, date=day).first()
    row = row or CalendarException(calendar=calendar, date=day,
                                   created_by=actor if getattr(actor, "pk", None) else None)
    row.kind, row.name, row.source = kind, (name or "")[:100], source
    row.full_clean(exclude=["calendar"])
    if row.pk and not _changed(row):
        return row
    with business_event("calendar.exception_set", actor=actor):
        row.save()
        recompute_users_of(calendar)
    return row


@transaction.atomic
def delete_exception(row: CalendarException, *, actor: Any) -> None:
    require(actor, CHANGE, row.calendar)
    calendar = row.calendar
    with business_event("calendar.exception_deleted", actor=actor):
        row.delete()
        recompute_users_of(calendar)


@transaction.atomic
def delete_calendar(calendar: WorkCalendar, *, actor: Any) -> None:
    require(actor, DELETE, calendar)
    if Schedule.objects.filter(calendar=calendar).exists() or Task.objects.filter(
            calendar=calendar).exists():
        raise ValidationError(_("该日历正被进度计划使用，不能删除。"), code="in_use")
    with business_event("calendar.deleted", actor=actor):
        calendar.delete()
        recompute_users_of(calendar)
