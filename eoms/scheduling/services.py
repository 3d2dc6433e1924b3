"""Every change to a schedule: tasks, links, moves (Gantt drags), progress.

Each service checks permission and invariants, writes its rows inside one transaction
with a named business event, then recomputes the order's schedule in the same
transaction; a change the engine refuses (a cycle, a broken constraint) rolls back whole.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eoms.audit.services import record_event
from eoms.core.access import ADD, CHANGE, DELETE, require
from eoms.core.context import business_event
from eoms.masterdata.services import StaleVersion, last_change_by
from eoms.orders.choices import OrderStatus
from eoms.orders.models import Order
from eoms.scheduling import calendars, gates, recompute
from eoms.scheduling.choices import DATED_CONSTRAINTS, Constraint, LinkType, TaskStatus
from eoms.scheduling.engine import cpm
from eoms.scheduling.engine.model import CycleError, LinkSpec, ScheduleError
from eoms.scheduling.engine.model import LinkType as EngineLinkType
from eoms.scheduling.models import Schedule, Task, TaskLink, WorkCalendar
from eoms.scheduling.policies import PLAN, PROGRESS
from eoms.scheduling.signals import task_completed

TASK_FIELDS = ("name", "parent", "owner", "crew", "calendar", "milestone", "milestone_label",
               "constraint", "constraint_date", "planned_cost", "notes", "position",
               "external_id", "work_type", "is_concealed")
CLOSED = (OrderStatus.CLOSED, OrderStatus.CANCELLED)
ENGINE_ERRORS = {
    "unknown_task": gettext_lazy("任务关系引用了不存在的任务"),
    "duplicate_task": gettext_lazy("任务重复"),
    "wbs_cycle": gettext_lazy("任务的上下级关系形成循环"),
    "unknown_calendar": gettext_lazy("任务使用的工作日历不存在"),
    "bad_calendar": gettext_lazy("工作日历没有任何工作时间"),
    "bad_duration": gettext_lazy("工期无效"),
    "bad_link_type": gettext_lazy("未知的任务关系类型"),
    "missing_constraint_date": gettext_lazy("限制条件缺少日期"),
    "finish_before_start": gettext_lazy("实际完成日期早于实际开始日期"),
    "date_out_of_range": gettext_lazy("日期超出可计算的范围"),
}


def field_error(field: str, message: Any, code: str) -> ValidationError:
    """An error on one field that keeps its code (a dict message alone would drop it)."""
    return ValidationError({field: ValidationError(message, code=code)})


def _check_order_open(order: Order) -> None:
    if order.status in CLOSED:
        raise ValidationError(_("订单 %(code)s %(s)s，进度计划不能再修改。")
                              % {"code": order.code, "s": order.get_status_display()},
                              code="order_closed")


def minutes_per_day(task: Task | None = None, order: Order | None = None) -> int:
    if task is not None and task.calendar_id:
        return task.calendar.minutes_per_day  # type: ignore[union-attr]
    if task is not None and task.crew_id:
        crew_calendar = WorkCalendar.objects.filter(crew_id=task.crew_id).first()
        if crew_calendar is not None:
            return crew_calendar.minutes_per_day
    order = order or (task.order if task is not None else None)
    row = None
    if order is not None:
        schedule = Schedule.objects.filter(order=order).select_related("calendar").first()
        row = (schedule.calendar if schedule and schedule.calendar
               else calendars.project_calendar(order.project_id))
    return row.minutes_per_day if row is not None else 480


def days_to_minutes(value: Any, per_day: int, field: str, *, allow_negative: bool) -> int:
    try:
        days = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise field_error(field, _("请输入数字（工作日）。"), "invalid")
    if not days.is_finite():
        raise field_error(field, _("请输入数字（工作日）。"), "invalid")
    if days < 0 and not allow_negative:
        raise field_error(field, _("工期不能为负数。"), "negative")
    if abs(days) > 10000:
        raise field_error(field, _("不能超过 10000 个工作日。"), "too_large")
    return int((days * per_day).to_integral_value())


def ensure_schedule(order: Order, *, actor: Any, start: date | None = None) -> Schedule:
    """The order's schedule, made on first use (starting today unless told)."""
    existing = Schedule.objects.filter(order=order).first()
    if existing is not None:
        return existing
    with business_event("schedule.created", actor=actor):
        return Schedule.objects.create(
            order=order, start=start or timezone.localdate(),
            created_by=actor if getattr(actor, "pk", None) else None)


def _run(order: Order) -> None:
    """Recompute inside the caller's transaction; an engine refusal becomes a
    ValidationError so the whole change rolls back."""
    try:
        recompute.recompute(order)
    except CycleError as exc:
        raise ValidationError(_("任务关系形成循环：%(c)s") % {"c": _cycle_names(exc.cycle)},
                              code="cycle")
    except ScheduleError as exc:
        reason = str(ENGINE_ERRORS.get(exc.code, exc.code))
        raise ValidationError(_("进度无法计算：%(e)s") % {"e": reason}, code=exc.code)


def _cycle_names(keys: list[Any]) -> str:
    names = dict(Task.objects.filter(pk__in=keys).values_list("pk", "name"))
    return " → ".join(str(names.get(k, k)) for k in keys)


def _apply_task_data(task: Task, data: dict[str, Any]) -> None:
    for name in TASK_FIELDS:
        if name in data:
            setattr(task, name, data[name])
    if "duration_days" in data:
        per_day = minutes_per_day(task, task.order)
        task.duration = days_to_minutes(data["duration_days"], per_day, "duration_days",
                                        allow_negative=False)
    if task.milestone and "duration_days" not in data:
        task.duration = 0
    if task.constraint in DATED_CONSTRAINTS and not task.constraint_date:
        raise field_error("constraint_date", _("“%(c)s”需要填写限制日期。")
                          % {"c": Constraint(task.constraint).label}, "required")
    if task.constraint not in DATED_CONSTRAINTS:
        task.constraint_date = None
    _check_parent(task)


def _check_parent(task: Task) -> None:
    parent = task.parent
    if parent is None:
        return
    if parent.order_id != task.order_id:
        raise ValidationError({"parent": _("上级任务必须属于同一订单。")})
    seen = set()
    while parent is not None:
        if task.pk and parent.pk == task.pk:
            raise ValidationError({"parent": _("不能把任务放到它自己的下级任务之下。")})
        if parent.pk in seen:
            break
        seen.add(parent.pk)
        parent = parent.parent
    if task.parent is not None and task.parent.milestone:
        raise ValidationError({"parent": _("里程碑不能作为上级任务。")})


@transaction.atomic
def create_task(order: Order, *, actor: Any, data: dict[str, Any],
                check_permission: bool = True) -> Task:
    """A new task. `check_permission=False` is for tasks the system plans itself on a
    person's behalf (quality's rework task after a failed inspection)."""
    _check_order_open(order)
    task = Task(order=order, created_by=actor if getattr(actor, "pk", None) else None)
    if check_permission:
        require(actor, PLAN, task)
    ensure_schedule(order, actor=actor)
    if "position" not in data:
        last = Task.objects.filter(order=order).order_by("-position").first()
        task.position = (last.position + 1) if last else 1
    _apply_task_data(task, data)
    task.full_clean(exclude=["order"])
    with business_event("task.created", actor=actor):
        task.save()
        _run(order)
    task.refresh_from_db()
    return task


def _locked(task: Task, actor: Any, action: str, expected_version: int | None,
            check_permission: bool = True) -> Task:
    locked = Task.objects.select_for_update().select_related("order").get(pk=task.pk)
    if check_permission:
        require(actor, action, locked)
    _check_order_open(locked.order)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(_("该任务已被 %(who)s 修改（当前版本 %(v)s），请刷新后重新编辑。")
                           % {"who": last_change_by(locked), "v": locked.version},
                           code="stale")
    return locked


def _changed(obj: Any) -> bool:
    loaded = getattr(obj, "_loaded_values", None)
    return loaded is None or any(
        loaded.get(f.attname) != getattr(obj, f.attname)
        for f in obj._meta.concrete_fields if f.attname in loaded)


@transaction.atomic
def update_task(task: Task, *, actor: Any, data: dict[str, Any],
                expected_version: int | None = None) -> Task:
    locked = _locked(task, actor, PLAN, expected_version)
    _apply_task_data(locked, data)
    locked.full_clean(exclude=["order"])
    if not _changed(locked):
        return locked
    locked.version += 1
    with business_event("task.updated", actor=actor):
        locked.save()
        _run(locked.order)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def delete_task(task: Task, *, actor: Any) -> None:
    locked = _locked(task, actor, PLAN, None)
    require(actor, DELETE, locked)
    order = locked.order
    with business_event("task.deleted", actor=actor):
        locked.delete()
        _run(order)


def _status_for(task: Task) -> str:
    if task.actual_finish or task.percent_complete >= 100:
        return TaskStatus.DONE
    if task.actual_start or task.percent_complete > 0:
        return TaskStatus.IN_PROGRESS
    return TaskStatus.NOT_STARTED


@transaction.atomic
def report_progress(task: Task, *, actor: Any, percent: int | None = None,
                    actual_start: date | None = None, actual_finish: date | None = None,
                    expected_version: int | None = None) -> Task:
    """Progress from the field or the office: percent complete and actual dates.
    100 % sets the actual finish (today unless given); any progress sets the start."""
    locked = _locked(task, actor, PROGRESS, expected_version)
    if locked.is_summary:
        raise ValidationError(_("摘要任务的进度由下级任务汇总，不能直接填写。"),
                              code="summary")
    today = timezone.localdate()
    if percent is not None:
        if not 0 <= int(percent) <= 100:
            raise field_error("percent_complete", _("完成百分比必须在 0 到 100 之间。"),
                              "out_of_range")
        locked.percent_complete = int(percent)
    locked.actual_start = actual_start or locked.actual_start
    locked.actual_finish = actual_finish or locked.actual_finish
    if locked.percent_complete > 0 and not locked.actual_start:
        locked.actual_start = today
    if locked.percent_complete >= 100 and not locked.actual_finish:
        locked.actual_finish = today
    if locked.actual_finish:
        locked.percent_complete = 100
        locked.actual_start = locked.actual_start or locked.actual_finish
    _check_actuals(locked, today)
    was = locked._loaded_values.get("status")  # type: ignore[attr-defined]
    locked.status = _status_for(locked)
    if not _changed(locked):
        return locked
    if was == TaskStatus.NOT_STARTED and locked.status != TaskStatus.NOT_STARTED:
        _check_may_start(locked)
    locked.version += 1
    with business_event("task.progress", actor=actor):
        locked.save()
        _run(locked.order)
    locked.refresh_from_db()
    if was != TaskStatus.DONE and locked.status == TaskStatus.DONE:
        done = locked
        transaction.on_commit(lambda: task_completed.send(sender=Task, task=done, actor=actor))
    return locked


def _check_may_start(task: Task) -> None:
    """Refuse to start a task while a registered gate says it may not (concealed work
    before it not yet accepted …), with every reason."""
    reasons = gates.start_refusals(task)
    if reasons:
        raise ValidationError(" ".join(reasons), code="start_blocked")


def _check_actuals(task: Task, today: date) -> None:
    if task.actual_start and task.actual_start > today:
        raise ValidationError({"actual_start": _("实际开始日期不能晚于今天。")})
    if task.actual_finish and task.actual_finish > today:
        raise ValidationError({"actual_finish": _("实际完成日期不能晚于今天。")})
    if task.actual_start and task.actual_finish and task.actual_finish < task.actual_start:
        raise ValidationError({"actual_finish": _("实际完成日期不能早于实际开始日期。")})


def _same_order(pred: Task, succ: Task) -> None:
    if pred.order_id != succ.order_id:
        raise field_error("predecessor", _("只能关联同一订单的任务。"), "other_order")
    if pred.pk == succ.pk:
        raise field_error("predecessor", _("任务不能依赖它自己。"), "self_link")


def _refuse_cycle(pred: Task, succ: Task, link_type: str, exclude: int | None = None) -> None:
    links = [LinkSpec(predecessor=p, successor=s) for p, s in TaskLink.objects.filter(
        successor__order_id=succ.order_id).exclude(pk=exclude).values_list(
        "predecessor_id", "successor_id")]
    cycle = cpm.find_cycle_if_added(
        links, LinkSpec(predecessor=pred.pk, successor=succ.pk,
                        type=EngineLinkType(link_type)))
    if cycle:
        raise field_error("predecessor", _("添加该关系会形成循环：%(c)s")
                          % {"c": _cycle_names(cycle)}, "cycle")


def _link_values(succ: Task, link_type: str, lag_days: Any) -> tuple[str, int]:
    if link_type not in LinkType.values:
        raise field_error("link_type", _("未知的关系类型“%(t)s”，可选 FS、SS、FF、SF。")
                          % {"t": link_type}, "invalid")
    lag = days_to_minutes(lag_days if lag_days not in (None, "") else 0,
                          minutes_per_day(succ, succ.order), "lag_days", allow_negative=True)
    return link_type, lag


@transaction.atomic
def add_link(predecessor: Task, successor: Task, *, actor: Any, link_type: str = "FS",
             lag_days: Any = 0, check_permission: bool = True) -> TaskLink:
    _same_order(predecessor, successor)
    succ = _locked(successor, actor, PLAN, None, check_permission)
    if check_permission:
        require(actor, ADD, TaskLink(predecessor=predecessor, successor=succ))
    link_type, lag = _link_values(succ, link_type, lag_days)
    if TaskLink.objects.filter(predecessor=predecessor, successor=succ).exists():
        raise field_error("predecessor", _("“%(p)s”已经是“%(s)s”的前置任务。")
                          % {"p": predecessor.name, "s": succ.name}, "duplicate")
    _refuse_cycle(predecessor, succ, link_type)
    link = TaskLink(predecessor=predecessor, successor=succ, link_type=link_type, lag=lag,
                    created_by=actor if getattr(actor, "pk", None) else None)
    with business_event("task.linked", actor=actor):
        link.save()
        _run(succ.order)
    return link


@transaction.atomic
def update_link(link: TaskLink, *, actor: Any, link_type: str, lag_days: Any,
                expected_version: int | None = None) -> TaskLink:
    locked = TaskLink.objects.select_for_update().select_related(
        "successor__order", "predecessor").get(pk=link.pk)
    require(actor, CHANGE, locked)
    _check_order_open(locked.successor.order)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(_("该关系已被修改，请刷新后重试。"), code="stale")
    locked.link_type, locked.lag = _link_values(locked.successor, link_type, lag_days)
    if not _changed(locked):
        return locked
    locked.version += 1
    with business_event("task.link_updated", actor=actor):
        locked.save()
        _run(locked.successor.order)
    return locked


@transaction.atomic
def delete_link(link: TaskLink, *, actor: Any) -> None:
    locked = TaskLink.objects.select_related("successor__order").get(pk=link.pk)
    require(actor, DELETE, locked)
    _check_order_open(locked.successor.order)
    order = locked.successor.order
    with business_event("task.unlinked", actor=actor):
        locked.delete()
        _run(order)


@transaction.atomic
def recompute_order(order: Order, *, actor: Any) -> None:
    """Recompute on request (after a calendar change, or from the CLI)."""
    require(actor, PLAN, Task(order=order))
    ensure_schedule(order, actor=actor)
    _run(order)
    record_event(order, "schedule.recomputed", actor=actor)


def _violations(order: Order) -> set[tuple[str | None, str]]:
    schedule = Schedule.objects.get(order=order)
    return {(key, code) for key, code in schedule.warnings if code == "constraint_violated"}


def _explain_blocked(task: Task, start: date) -> str:
    drivers = [link.predecessor.name for link in task.predecessor_links.select_related(
        "predecessor")]
    if drivers:
        return _("“%(t)s”受前置任务“%(p)s”约束，最早只能在 %(d)s 开始。") % {
            "t": task.name, "p": "”、“".join(drivers), "d": start}
    return _("“%(t)s”最早只能在 %(d)s 开始（计划开始日期或限制条件）。") % {
        "t": task.name, "d": start}


def _check_movable(task: Task) -> None:
    if task.is_summary:
        raise ValidationError(_("摘要任务的日期由下级任务决定，请移动下级任务。"), code="summary")
    if task.actual_start:
        raise ValidationError(_("任务已于 %(d)s 开工，不能移动；请修改实际日期。")
                              % {"d": task.actual_start}, code="started")
    if task.constraint in (Constraint.MSO, Constraint.MFO):
        raise ValidationError(_("任务有“%(c)s %(d)s”的限制，请先修改限制条件。") % {
            "c": Constraint(task.constraint).label, "d": task.constraint_date},
            code="constrained")


@transaction.atomic
def move_task(task: Task, *, actor: Any, start: date | None = None,
              finish: date | None = None, expected_version: int | None = None) -> Task:
    """A Gantt drag: move the start (keeps the duration) and/or the finish (changes the
    duration). The new start becomes a 不得早于 constraint, as in MS Project; successors
    follow in the recompute. Refused, with the reason, when the predecessors do not
    allow the start, the date is not a working day, or a constraint would break."""
    locked = _locked(task, actor, PLAN, expected_version)
    _check_movable(locked)
    network = recompute.build_network(locked.order)
    spec = next(t for t in network.spec.tasks if t.key == locked.pk)
    cal = network.spec.calendars[spec.calendar if spec.calendar is not None else "default"]
    before = _violations(locked.order)
    if start is not None:
        if not calendars.is_working_day(cal, start):
            raise field_error("start", _("%(d)s 不是工作日。") % {"d": start}, "not_working_day")
        locked.constraint, locked.constraint_date = Constraint.SNET, start
    begin = start or locked.early_start
    if finish is not None and begin is not None:
        if finish < begin:
            raise field_error("finish", _("完成日期不能早于开始日期。"), "order")
        days = calendars.working_days_inclusive(cal, begin, finish)
        locked.duration = days * minutes_per_day(locked, locked.order)
    locked.version += 1
    with business_event("task.moved", actor=actor, start=str(start or ""),
                        finish=str(finish or "")):
        locked.save()
        _run(locked.order)
    locked.refresh_from_db()
    if start is not None and locked.early_start != start:
        raise field_error("start", _explain_blocked(locked, locked.early_start or start), "blocked")
    broken = _violations(locked.order) - before
    if broken:
        names = dict(Task.objects.filter(pk__in=[int(k) for k, _c in broken if k]).values_list(
            "pk", "name"))
        raise ValidationError(_("移动后以下任务的限制条件无法满足：%(t)s") % {
            "t": "、".join(str(v) for v in names.values())}, code="constraint_violated")
    return locked
