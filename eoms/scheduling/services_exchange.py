"""Exchange with MS Project and Primavera: import a schedule file into an order (the export
to MS Project XML is services_export.py).

Import (``import_schedule``) reads the file first (nothing is written for a file that
cannot be read), then in ONE transaction, as the business event ``schedule.imported``:

- the target order: the given one (the actor must plan it), else a new draft order titled
  with the file's project name, in the given project, else in the internal project
  "导入的进度计划" of the internal customer "内部客户" (both made through the master-data
  services when missing, so only management may cause that; the CLI's system actor makes
  them itself with the same validation);
- an existing order's tasks and links are replaced by the file's; the EOMS progress
  (percent, actual dates) of a task whose external id (UID / activity id) is in the file
  again wins over the file's; a previous "导入基线" is replaced;
- the tasks are what the engine gets from the file (``formats.to_engine.to_spec``): the
  same durations (P6: remaining duration), percent, constraints, parents; WBS nodes
  without activities are left out;
- the file's project calendar becomes a new work calendar "<file> 日历" of this schedule
  (statutory_holidays off: the file carries its own exceptions, imported with source
  "imported"); other calendars that tasks use become calendars of their own;
- tasks, links, calendar exceptions and baseline rows are bulk inserts (a 5,000-task file
  imports in seconds), so they get no audit entry each: the audit log has the import as
  one business event on the order with the counts, plus the rows saved singly (order,
  schedule, calendars, baseline, the import report), tagged with that event;
- the engine recomputes, and the file's dates are compared with EOMS's task by task
  (``formats.to_engine.compare``); the report (``ScheduleImport``) keeps every difference
  with its reason code and the file's warnings, counted by code.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import eoms.scheduling.services_plan  # noqa: F401  (registers the "calendar" code kind)
from eoms.audit.services import record_event
from eoms.core import codes
from eoms.core.access import ADMIN, MANAGER, can, require, roles_of
from eoms.core.context import business_event
from eoms.masterdata import services as masterdata
from eoms.masterdata.models import Customer, Project
from eoms.orders import services as orders
from eoms.orders.models import Order
from eoms.orders.policies import order_scope
from eoms.scheduling import recompute
from eoms.scheduling.choices import ExceptionKind, ExceptionSource, MilestoneKind
from eoms.scheduling.engine import cpm
from eoms.scheduling.engine.model import (
    CalendarSpec,
    CycleError,
    ScheduleError,
    ScheduleResult,
    ScheduleSpec,
    TaskSpec,
)
from eoms.scheduling.formats import FormatError, read_schedule, to_engine
from eoms.scheduling.formats.compare import UNEXPLAINED
from eoms.scheduling.formats.document import ScheduleDocument, TaskDoc
from eoms.scheduling.models import (
    Baseline,
    BaselineTask,
    CalendarException,
    Schedule,
    ScheduleImport,
    Task,
    TaskLink,
    TaskReminder,
    WorkCalendar,
)
from eoms.scheduling.policies import PLAN, PLANNERS
from eoms.scheduling.services import _check_order_open, _cycle_names, _status_for, ensure_schedule

INTERNAL_CUSTOMER = ("CUS-INTERNAL", "内部客户")
INTERNAL_PROJECT = ("PRJ-IMPORTED", "导入的进度计划")
IMPORTED_BASELINE = "导入基线"
BATCH = 1000
WARNING_EXAMPLES = 5

FORMAT_MESSAGES = {
    "empty": gettext_lazy("文件是空的。"),
    "unknown_format": gettext_lazy("不是 MS Project XML 或 Primavera XER/XML 文件。"),
    "xml_invalid": gettext_lazy("XML 格式错误：文件已损坏或不完整。"),
    "xml_unsafe": gettext_lazy("文件含有不允许的 XML 内容（DTD 或实体定义），为安全起见拒绝读取。"),
    "xer_invalid": gettext_lazy("XER 格式错误：文件已损坏或不完整。"),
    "encoding": gettext_lazy("无法识别文件的文字编码。"),
    "project_not_found": gettext_lazy("文件中找不到项目。"),
    "no_tasks": gettext_lazy("文件中没有任务。"),
}


# --- reading the file ------------------------------------------------------------------------

def too_large_message() -> str:
    return _("文件过大：上限为 %(limit)s。") % {
        "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)}


def read_file(data: bytes, filename: str) -> ScheduleDocument:
    """The file as a document, or a ValidationError with a localized message whose code is
    the reader's (``too_large``, ``unknown_format``, ``xml_invalid`` ...)."""
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(too_large_message(), code="too_large")
    try:
        return read_schedule(data, PurePath(filename).name)
    except FormatError as exc:
        if exc.code == "too_large":
            raise ValidationError(too_large_message(), code="too_large")
        message = FORMAT_MESSAGES.get(exc.code, gettext_lazy("无法读取进度计划文件。"))
        raise ValidationError(str(message), code=exc.code)


# --- who may import where --------------------------------------------------------------------

def may_import(user: Any) -> bool:
    return can(user, PLAN, Task)


def plannable_orders(user: Any) -> Any:
    """Open orders the user may plan (import into): all for management, the orders of his
    projects for a project manager, none for others."""
    roles = roles_of(user)
    qs = Order.objects.exclude(status__in=("closed", "cancelled"))
    if roles & {MANAGER, ADMIN}:
        return qs
    if not roles & PLANNERS:
        return qs.none()
    return qs.filter(order_scope(user)).distinct()


def placeable_projects(user: Any) -> Any:
    """Projects a new imported order may go into: any active one for management, else
    those the user manages or belongs to."""
    qs = Project.objects.filter(active=True)
    if roles_of(user) & {MANAGER, ADMIN}:
        return qs
    return qs.filter(Q(manager=user) | Q(memberships__user=user)).distinct()


# --- the target order ------------------------------------------------------------------------

def _title(document: ScheduleDocument, filename: str) -> str:
    title = (document.project.name or PurePath(filename).stem or "").strip()
    return (title or _("导入的进度计划"))[:200]


def _system_record(model: Any, kind: str, data: dict[str, Any]) -> Any:
    """A master record made by the system actor (the CLI without --user): the master-data
    services need a person, so the same validation runs here."""
    code = data["code"]
    try:
        codes.reserve(kind, code)
    except ValueError:
        code = codes.next_code(kind)
    row = model(**{**data, "code": code})
    row.full_clean(exclude=["name_key"])
    with business_event(f"{model._meta.model_name}.created"):
        row.save()
    return row


def _master(model: Any, kind: str, actor: Any, data: dict[str, Any]) -> Any:
    if actor is None:
        return _system_record(model, kind, data)
    return masterdata.create_record(model, actor=actor, data=data, allow_duplicate=True)


def _internal_project(actor: Any) -> Project:
    project = Project.objects.filter(code=INTERNAL_PROJECT[0]).first()
    if project is not None:
        return project
    try:
        customer = Customer.objects.filter(code=INTERNAL_CUSTOMER[0]).first() or _master(
            Customer, "customer", actor, {"code": INTERNAL_CUSTOMER[0],
                                          "name": INTERNAL_CUSTOMER[1]})
        return _master(Project, "project", actor, {
            "code": INTERNAL_PROJECT[0], "name": INTERNAL_PROJECT[1], "customer": customer})
    except PermissionDenied:
        raise ValidationError({"project": _("请选择项目：内部项目“导入的进度计划”还没有建立，"
                                            "只有管理层可以建立。")}, code="no_project")


def _new_order(document: ScheduleDocument, filename: str, actor: Any,
               project: Project | None) -> Order:
    project = project or _internal_project(actor)
    try:
        return orders.create_order(actor=actor, data={
            "title": _title(document, filename), "customer": project.customer,
            "project": project,
            "description": _("由进度计划文件 %(f)s 导入。") % {"f": PurePath(filename).name}})
    except PermissionDenied:
        raise ValidationError({"project": _("你不能在项目 %(p)s 中建订单，请选择你负责或参与的"
                                            "项目。") % {"p": project}}, code="project_forbidden")


def _target(document: ScheduleDocument, filename: str, actor: Any, order: Order | None,
            project: Project | None) -> Order:
    if actor is not None and not may_import(actor):
        raise PermissionDenied(PLAN)
    if order is None:
        order = _new_order(document, filename, actor, project)
    elif project is not None and project.pk != order.project_id:
        raise ValidationError({"project": _("订单 %(o)s 属于项目 %(p)s，不能另选项目。")
                               % {"o": order.code, "p": order.project}}, code="project_mismatch")
    order = Order.objects.select_for_update().select_related("project").get(pk=order.pk)
    _check_order_open(order)
    if actor is not None:
        require(actor, PLAN, Task(order=order))
    return order


# --- replacing an order's plan ---------------------------------------------------------------

@dataclass
class Kept:
    """What an order had before the import: EOMS progress by external id, counts."""

    progress: dict[str, tuple[date | None, date | None, int]] = field(default_factory=dict)
    removed_tasks: int = 0


PLAN_ROWS = (Task, TaskLink, BaselineTask, TaskReminder)


def _delete_tasks(order: Order) -> None:
    """Remove the order's tasks and links in bulk, like the import inserts them (deleting
    5,000 tasks row by row, each audited, takes a minute): the import's one business event
    records how many were replaced. Rows of other apps that point at the tasks (none yet)
    would make it delete row by row, so that their own delete rules apply."""
    tasks = Task.objects.filter(order=order)
    others: list[Any] = [rel for rel in Task._meta.related_objects
                         if rel.related_model not in PLAN_ROWS]
    if any(rel.related_model._base_manager.filter(**{f"{rel.field.name}__in": tasks}).exists()
           for rel in others):
        TaskLink.objects.filter(successor__order=order).delete()
        tasks.delete()
        return
    db = Task.objects.db
    BaselineTask.objects.filter(task__order=order).update(task=None)
    TaskReminder.objects.filter(task__order=order)._raw_delete(db)
    TaskLink.objects.filter(successor__order=order)._raw_delete(db)
    tasks._raw_delete(db)


def _clear_plan(order: Order) -> Kept:
    kept = Kept()
    rows = Task.objects.filter(order=order)
    for ext, start, finish, percent in rows.exclude(external_id="").values_list(
            "external_id", "actual_start", "actual_finish", "percent_complete"):
        if start or finish or percent:
            kept.progress[ext] = (start, finish, percent)
    kept.removed_tasks = rows.count()
    if kept.removed_tasks:
        _delete_tasks(order)
    for baseline in Baseline.objects.filter(order=order, name=IMPORTED_BASELINE):
        baseline.delete()
    return kept


# --- calendars -------------------------------------------------------------------------------

def _clock(value: time) -> str:
    return value.strftime("%H:%M")  # an end at 00:00 is midnight, as the engine reads it


def _calendar_row(name: str, spec: CalendarSpec, actor: Any) -> WorkCalendar:
    row = WorkCalendar(code=codes.next_code("calendar"), name=name[:100],
                       weekdays=sorted(spec.weekdays),
                       intervals=[[_clock(a), _clock(b)] for a, b in spec.intervals],
                       statutory_holidays=False,
                       created_by=actor if getattr(actor, "pk", None) else None)
    row.save()
    days = [(d, ExceptionKind.HOLIDAY.value) for d in spec.holidays]
    days += [(d, ExceptionKind.WORKDAY.value) for d in spec.extra_workdays]
    CalendarException.objects.bulk_create([CalendarException(
        calendar=row, date=day, kind=kind, name=_("导入"), source=ExceptionSource.IMPORTED,
        created_by=row.created_by) for day, kind in sorted(days)], batch_size=BATCH)
    return row


def _import_calendars(document: ScheduleDocument, spec: ScheduleSpec, filename: str,
                      actor: Any) -> dict[Any, WorkCalendar]:
    """The default calendar (key None) and every other calendar a task uses."""
    name = PurePath(filename).name
    rows: dict[Any, WorkCalendar] = {None: _calendar_row(_("%(f)s 日历") % {"f": name},
                                                         spec.calendars[spec.default_calendar],
                                                         actor)}
    for key in sorted({t.calendar for t in spec.tasks if t.calendar is not None} - {
            spec.default_calendar}, key=str):
        cal = document.calendar(str(key))
        label = (cal.name if cal is not None and cal.name else str(key))
        rows[key] = _calendar_row(_("%(f)s 日历 · %(c)s") % {"f": name, "c": label},
                                  spec.calendars[key], actor)
    return rows


# --- tasks, links, baseline ------------------------------------------------------------------

def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


def _start_day(value: datetime | None, calendar: CalendarSpec) -> date | None:
    """The day a start at ``value`` works on: the next day when it is after the day's
    working hours (EOMS plans whole days from the start of their working time)."""
    if value is None:
        return None
    end = calendar.intervals[-1][1] if calendar.intervals else time(17)
    return value.date() + timedelta(days=1) if time(0) < end <= value.time() else value.date()


def _finish_day(value: datetime | None, calendar: CalendarSpec) -> date | None:
    """The day a finish at ``value`` falls on: the day before when it is before the day's
    working hours (a finish at 08:00 is the previous working day's end)."""
    if value is None:
        return None
    begin = calendar.intervals[0][0] if calendar.intervals else time(8)
    return value.date() - timedelta(days=1) if value.time() <= begin else value.date()


def _depths(specs: list[TaskSpec]) -> dict[Any, int]:
    """Each task's depth in the WBS (a parent in a loop or unknown: a root)."""
    parents = {t.key: t.parent for t in specs}
    depths: dict[Any, int] = {}
    for key in parents:
        chain: list[Any] = []
        node = key
        while node is not None and node not in depths and node not in chain:
            chain.append(node)
            node = parents.get(node) if parents.get(node) in parents else None
        base = depths.get(node, -1)
        for offset, item in enumerate(reversed(chain), start=1):
            depths[item] = base + offset
    return depths


def _task_row(spec: TaskSpec, position: int, doc: TaskDoc, order: Order,
              calendars: dict[Any, WorkCalendar], calendar: CalendarSpec, progress: Kept,
              parent_keys: set[Any], actor: Any) -> Task:
    row = Task(order=order, position=position, name=(doc.name or str(spec.key))[:200],
               external_id=str(spec.key)[:80], duration=max(0, spec.duration),
               notes=doc.notes, calendar=calendars.get(spec.calendar) if spec.calendar else None,
               constraint=str(spec.constraint),
               created_by=actor if getattr(actor, "pk", None) else None)
    if row.constraint not in ("ASAP", "ALAP"):
        at_end = row.constraint in recompute.FINISH_CONSTRAINTS
        row.constraint_date = (_finish_day if at_end else _start_day)(spec.constraint_date,
                                                                      calendar)
        if row.constraint_date is None:
            row.constraint = "ASAP"
    row.actual_start, row.actual_finish = _day(doc.actual_start), _day(doc.actual_finish)
    row.percent_complete = max(0, min(100, round(spec.percent_complete or 0)))
    if spec.key in progress.progress:
        row.actual_start, row.actual_finish, row.percent_complete = progress.progress[spec.key]
    if spec.key in parent_keys:  # a summary's progress rolls up from its children
        row.actual_start = row.actual_finish = None
        row.percent_complete = 0
    elif spec.milestone:
        row.milestone, row.milestone_label = MilestoneKind.CUSTOM, row.name[:60]
    row.status = _status_for(row)
    return row


def _create_tasks(document: ScheduleDocument, spec: ScheduleSpec, order: Order,
                  calendars: dict[Any, WorkCalendar], kept: Kept, actor: Any) -> dict[Any, Task]:
    """Insert level by level, so every parent has its key before its children do."""
    depths = _depths(spec.tasks)
    parent_keys = {t.parent for t in spec.tasks if t.parent is not None}
    default_key = spec.default_calendar
    docs = document.task_map()
    rows: dict[Any, Task] = {}
    levels: dict[int, list[tuple[TaskSpec, Task]]] = {}
    for position, task in enumerate(spec.tasks, start=1):
        if task.calendar == default_key:
            task.calendar = None
        calendar = spec.calendars[task.calendar or default_key]
        row = _task_row(task, position, docs[str(task.key)], order, calendars, calendar, kept,
                        parent_keys, actor)
        rows[task.key] = row
        levels.setdefault(depths[task.key], []).append((task, row))
    for depth in sorted(levels):
        for task, row in levels[depth]:
            if task.parent is not None and depths.get(task.parent) == depth - 1:
                row.parent = rows[task.parent]
        Task.objects.bulk_create([row for _task, row in levels[depth]], batch_size=BATCH)
    return rows


def _mark_kept_progress(document: ScheduleDocument, kept: Kept, tasks: dict[Any, Task]) -> None:
    """A task whose EOMS progress was kept has actuals, for the comparison too."""
    for doc in document.tasks:
        row = tasks.get(doc.external_id)
        if doc.external_id in kept.progress and row is not None and row.actual_start:
            doc.actual_start = doc.actual_start or datetime.combine(row.actual_start, time())


def _create_links(spec: ScheduleSpec, tasks: dict[Any, Task]) -> int:
    rows: dict[tuple[int, int], TaskLink] = {}
    for link in spec.links:
        pred, succ = tasks.get(link.predecessor), tasks.get(link.successor)
        if pred is None or succ is None or pred.pk == succ.pk or (pred.pk, succ.pk) in rows:
            continue
        rows[(pred.pk, succ.pk)] = TaskLink(predecessor=pred, successor=succ,
                                            link_type=str(link.type), lag=int(link.lag),
                                            created_by=succ.created_by)
    TaskLink.objects.bulk_create(list(rows.values()), batch_size=BATCH)
    return len(rows)


def _create_baseline(document: ScheduleDocument, order: Order, tasks: dict[Any, Task],
                     filename: str, actor: Any) -> int:
    docs = [t for t in document.tasks if t.external_id in tasks
            and (t.baseline_start or t.baseline_finish)]
    if not docs:
        return 0
    baseline = Baseline(order=order, name=IMPORTED_BASELINE,
                        note=_("来自文件 %(f)s") % {"f": PurePath(filename).name[:250]},
                        created_by=actor if getattr(actor, "pk", None) else None)
    baseline.save()
    BaselineTask.objects.bulk_create([BaselineTask(
        baseline=baseline, task=tasks[doc.external_id], name=tasks[doc.external_id].name,
        start=_day(doc.baseline_start), finish=_day(doc.baseline_finish),
        duration=max(0, doc.duration if doc.baseline_duration is None
                     else doc.baseline_duration)) for doc in docs], batch_size=BATCH)
    return len(docs)


# --- the schedule, the recompute and the report ----------------------------------------------

def _spec(document: ScheduleDocument) -> ScheduleSpec:
    """What the engine gets from the file (adds calendar and lag warnings to it)."""
    try:
        return to_engine.to_spec(document)
    except ValueError:  # no project start and no task dates at all: start today
        document.project.start = datetime.combine(timezone.localdate(), time(8))
        return to_engine.to_spec(document)


def _update_schedule(order: Order, spec: ScheduleSpec, document: ScheduleDocument,
                     calendar: WorkCalendar, actor: Any) -> None:
    default = spec.calendars[spec.default_calendar]
    start = _start_day(spec.start, default) or timezone.localdate()
    schedule = ensure_schedule(order, actor=actor, start=start)
    schedule = Schedule.objects.select_for_update().get(pk=schedule.pk)
    schedule.start, schedule.calendar = start, calendar
    schedule.status_date = _start_day(spec.status_date, default)
    schedule.source_format = document.project.source_format[:20]
    schedule.version += 1
    schedule.save()


def _recompute(order: Order) -> ScheduleResult:
    try:
        return recompute.recompute(order)
    except CycleError as exc:
        raise ValidationError(_("文件中的任务关系形成循环：%(c)s") % {"c": _cycle_names(exc.cycle)},
                              code="cycle")
    except ScheduleError as exc:
        raise ValidationError(_("进度无法计算：%(e)s") % {"e": exc.code}, code=exc.code)


def _by_key(result: ScheduleResult, tasks: dict[Any, Task]) -> ScheduleResult:
    return ScheduleResult(tasks={key: result.tasks[row.pk] for key, row in tasks.items()
                                 if row.pk in result.tasks}, critical_path=[],
                          finish=result.finish)


def _shown(found: list[Any]) -> dict[str, list[Any]]:
    """Differences EOMS shows: EOMS plans whole days, so a file date that differs only in
    the time of day (09:40 against 08:00 of the same day) is equal."""
    kept: dict[str, list[Any]] = {}
    for diff in found:
        if diff.file_date.date() != diff.eoms_date.date():
            kept.setdefault(diff.external_id, []).append(diff)
    return kept


def _differences(document: ScheduleDocument, spec: ScheduleSpec, tasks: dict[Any, Task],
                 result: ScheduleResult) -> tuple[list[dict[str, Any]], int]:
    """The file's dates against EOMS's, by the file's ids: (differences, equal tasks).

    The engine also runs on the file itself (exact times of day): a task it schedules as
    the file does, but EOMS (whole days) does not, differs by ``day_precision``; an
    unexplained difference the exact run explains takes that run's reason."""
    eoms = _by_key(result, tasks)
    shown = _shown(to_engine.compare(document, eoms))
    exact = _shown(to_engine.compare(document, cpm.schedule(spec)))
    rows = []
    for key, diffs in shown.items():
        for diff in diffs:
            reason = diff.reason
            if reason == UNEXPLAINED:
                reason = exact[key][0].reason if key in exact else "day_precision"
            rows.append({"external_id": key, "name": diff.name[:200], "field": diff.field,
                         "file_date": diff.file_date.isoformat(),
                         "eoms_date": diff.eoms_date.isoformat(), "reason": reason,
                         "delta_minutes": diff.delta_minutes, "via": diff.via})
    compared = to_engine.summarize(document, eoms, []).compared
    return rows, compared - len(shown)


def _warnings(document: ScheduleDocument) -> list[dict[str, Any]]:
    """The file's warnings by code: how many, a few task ids, the first detail."""
    counts = Counter(w.code for w in document.warnings)
    grouped: dict[str, dict[str, Any]] = {}
    for warning in document.warnings:
        entry = grouped.setdefault(warning.code, {"code": warning.code, "count":
                                                  counts[warning.code], "examples": [],
                                                  "detail": warning.detail[:300]})
        if warning.external_id and len(entry["examples"]) < WARNING_EXAMPLES:
            entry["examples"].append(str(warning.external_id)[:80])
    return list(grouped.values())


def import_schedule(data: bytes, filename: str, *, actor: Any, order: Order | None = None,
                    project: Project | None = None) -> ScheduleImport:
    """Import a schedule file (see the module docstring). Raises ValidationError (a file
    that cannot be read, a cycle, a refused project) or PermissionDenied, writing nothing."""
    document = read_file(data, filename)
    name = PurePath(filename).name[:200]
    with transaction.atomic(), business_event("schedule.imported", actor=actor, file=name):
        target = _target(document, filename, actor, order, project)
        kept = _clear_plan(target)
        spec = _spec(document)
        calendars = _import_calendars(document, spec, filename, actor)
        _update_schedule(target, spec, document, calendars[None], actor)
        tasks = _create_tasks(document, spec, target, calendars, kept, actor)
        _mark_kept_progress(document, kept, tasks)
        link_count = _create_links(spec, tasks)
        baseline_count = _create_baseline(document, target, tasks, filename, actor)
        differences, equal = _differences(document, spec, tasks, _recompute(target))
        report = ScheduleImport(
            order=target, filename=name, source_format=document.project.source_format[:20],
            task_count=len(tasks), link_count=link_count, matched=equal,
            differences=differences, warnings=_warnings(document),
            created_by=actor if getattr(actor, "pk", None) else None)
        report.save()
        record_event(target, "schedule.imported", actor=actor, detail={
            "file": name, "format": report.source_format, "tasks": len(tasks),
            "links": link_count, "calendars": len(calendars),
            "baseline_tasks": baseline_count, "replaced_tasks": kept.removed_tasks,
            "kept_progress": len(kept.progress.keys() & tasks.keys()),
            "matched": equal, "differences": len(differences)})
    return report
