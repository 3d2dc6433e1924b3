"""What the Gantt chart reads: one JSON document per scope (an order, or the orders of a
project), built with a fixed number of queries whatever the number of tasks.

Dates travel as day numbers counted from the document's `origin`, so the browser never
parses a date per task. Each task is one array in the order of FIELDS, already in outline
order (a parent before its children, siblings by position); `parent` is the index of the
parent's row (-1 for a top row, or when the user does not see the parent).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from eoms.accounts.models import User
from eoms.core.access import VIEW, can
from eoms.masterdata.models import Project
from eoms.orders.choices import OrderStatus
from eoms.orders.models import Order
from eoms.scheduling import calendars
from eoms.scheduling.choices import Constraint, TaskStatus
from eoms.scheduling.engine.model import CalendarSpec
from eoms.scheduling.models import Baseline, BaselineTask, Schedule, Task, TaskLink, WorkCalendar
from eoms.scheduling.policies import PLAN

FIELDS = ("id", "group", "parent", "depth", "wbs", "name", "start", "finish", "days",
          "float", "flags", "percent", "bstart", "bfinish", "version", "owner")
# Bits of a task's `flags`.
CRITICAL, MILESTONE, SUMMARY, OVERDUE, EDITABLE, DONE, STARTED, AFTER_PREDECESSOR = (
    1 << bit for bit in range(8))
LINK_TYPES = {"FS": 0, "SS": 1, "FF": 2, "SF": 3}
CLOSED = (OrderStatus.CLOSED, OrderStatus.CANCELLED)
FIXED = (Constraint.MSO, Constraint.MFO)
CALENDAR_MARGIN = 400  # days of holidays sent beyond the chart's dates, for scrolling
TASK_VALUES = ("pk", "order_id", "parent_id", "position", "wbs", "name", "early_start",
               "early_finish", "duration", "total_float", "critical", "milestone",
               "is_summary", "percent_complete", "rollup_percent", "status", "actual_start",
               "constraint", "version", "calendar_id", "crew_id", "owner_id")
(PK, ORDER, PARENT, POSITION, WBS, NAME, START, FINISH, DURATION, FLOAT, IS_CRITICAL,
 IS_MILESTONE, IS_SUMMARY, PERCENT, ROLLUP, STATUS, ACTUAL_START, CONSTRAINT, VERSION,
 CALENDAR, CREW, OWNER) = range(len(TASK_VALUES))
FLAGS_AT = FIELDS.index("flags")
Values = list[Any]  # one task's TASK_VALUES


def url_template(name: str) -> str:
    """A URL with `0` where the pk goes (the browser swaps in each task's), or "" while
    the page is not there."""
    try:
        return reverse(name, args=[0])
    except NoReverseMatch:
        return ""


# --- calendars ------------------------------------------------------------------------------

def order_calendar(order: Order, schedule: Schedule | None) -> WorkCalendar | None:
    if schedule is not None and schedule.calendar_id:
        return (WorkCalendar.objects.prefetch_related("exceptions")
                .filter(pk=schedule.calendar_id).first())
    return calendars.project_calendar(order.project_id)


class WorkingDays:
    """Working days of one calendar between two dates, counted from a prefix table."""

    def __init__(self, spec: CalendarSpec, first: date, last: date):
        self.spec, self.first = spec, first
        self.prefix = [0]
        day = first
        while day <= last:
            self.prefix.append(self.prefix[-1] + calendars.is_working_day(spec, day))
            day += timedelta(days=1)

    def between(self, start: date, finish: date) -> int:
        """Working days from start to finish, both counted."""
        a = (start - self.first).days
        b = (finish - self.first).days + 1
        if a < 0 or b >= len(self.prefix):
            return calendars.working_days_inclusive(self.spec, start, finish)
        return max(0, self.prefix[b] - self.prefix[a])


@dataclass
class Context:
    """What turns task values into rows: the calendar, the day numbers' origin, today."""

    spec: CalendarSpec
    per_day: int
    calendar_per_day: dict[int, int]
    crew_per_day: dict[int, int]
    origin: date
    today: date
    working: WorkingDays
    editable: set[int]
    planned: dict[int, tuple[date | None, date | None]]
    predecessors: set[int]
    owners: dict[int, str]

    @property
    def origin_ordinal(self) -> int:
        return self.origin.toordinal()

    def day(self, value: date | None) -> int | None:
        return None if value is None else (value - self.origin).days

    def task_per_day(self, values: Values) -> int:
        if values[CALENDAR] in self.calendar_per_day:
            return self.calendar_per_day[values[CALENDAR]]
        return self.crew_per_day.get(values[CREW], self.per_day)


def _per_day_maps(tasks: list[Values]) -> tuple[dict[int, int], dict[int, int]]:
    ids = {t[CALENDAR] for t in tasks if t[CALENDAR]}
    crews = {t[CREW] for t in tasks if t[CREW]}
    if not ids and not crews:
        return {}, {}
    by_pk: dict[int, int] = {}
    by_crew: dict[int, int] = {}
    for row in WorkCalendar.objects.filter(Q(pk__in=ids) | Q(crew_id__in=crews)):
        by_pk[row.pk] = row.minutes_per_day
        if row.crew_id in crews:
            by_crew[row.crew_id] = row.minutes_per_day
    return by_pk, by_crew


# --- rows -------------------------------------------------------------------------------------

def _days(minutes: int, per_day: int) -> float:
    return round(minutes / (per_day or 480), 1)


def _flags(t: Values, ctx: Context) -> int:
    done = t[ROLLUP] >= 100 if t[IS_SUMMARY] else (
        t[STATUS] == TaskStatus.DONE or t[PERCENT] >= 100)
    flags = (CRITICAL * bool(t[IS_CRITICAL]) | MILESTONE * bool(t[IS_MILESTONE])
             | SUMMARY * bool(t[IS_SUMMARY]) | DONE * done | STARTED * bool(t[ACTUAL_START]))
    if not done and t[FINISH] is not None and t[FINISH] < ctx.today:
        flags |= OVERDUE
    if (t[PK] in ctx.editable and not t[IS_SUMMARY] and not t[ACTUAL_START]
            and t[CONSTRAINT] not in FIXED):
        flags |= EDITABLE
    if t[IS_MILESTONE] and t[PK] in ctx.predecessors:
        flags |= AFTER_PREDECESSOR
    return flags


def task_row(t: Values, ctx: Context, group: int, parent: int, depth: int) -> list[Any]:
    """One task as the chart reads it (the order of FIELDS)."""
    origin = ctx.origin_ordinal
    start, finish = t[START], t[FINISH]
    per_day = ctx.task_per_day(t)
    if t[IS_SUMMARY]:
        days = float(ctx.working.between(start, finish)) if start and finish else 0.0
    else:
        days = _days(t[DURATION], per_day)
    planned_start, planned_finish = ctx.planned.get(t[PK], (None, None))
    return [t[PK], group, parent, depth, t[WBS], t[NAME],
            start.toordinal() - origin if start else None,
            finish.toordinal() - origin if finish else None,
            days, _days(t[FLOAT], per_day), _flags(t, ctx),
            t[ROLLUP] if t[IS_SUMMARY] else t[PERCENT],
            planned_start.toordinal() - origin if planned_start else None,
            planned_finish.toordinal() - origin if planned_finish else None,
            t[VERSION], ctx.owners.get(t[OWNER], "")]


def _outline(tasks: list[Values], order_ids: list[int]) -> list[tuple[Values, int, int, int]]:
    """(values, group index, parent row index, depth) in outline order, group by group;
    `tasks` come ordered by position."""
    visible = {t[PK] for t in tasks}
    children: dict[tuple[int, int | None], list[Values]] = defaultdict(list)
    for t in tasks:  # read by position
        parent = t[PARENT] if t[PARENT] in visible else None
        children[(t[ORDER], parent)].append(t)
    out: list[tuple[Values, int, int, int]] = []
    for group, order_id in enumerate(order_ids):
        stack = [(t, -1, 0) for t in reversed(children.get((order_id, None), []))]
        while stack:
            t, parent_row, depth = stack.pop()
            row = len(out)
            out.append((t, group, parent_row, depth))
            stack += [(kid, row, depth + 1) for kid in reversed(children.get((order_id, t[PK]),
                                                                             []))]
    return out


def read(queryset: QuerySet, fields: tuple[str, ...]) -> list[Values]:
    """The rows of queryset.values_list(*fields), read straight from the cursor: at
    thousands of rows the ORM's per-value converters cost more than the query (the
    database drivers already answer dates as dates)."""
    try:
        sql, params = queryset.values_list(*fields).query.sql_with_params()
    except EmptyResultSet:
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [list(row) for row in cursor.fetchall()]


def visible_tasks(user: Any, where: Q) -> list[Values]:
    """TASK_VALUES of the tasks matching `where` that the user sees. The user's scope is
    a subquery of keys: scoped rows need a DISTINCT over all these columns, which costs
    more than the read itself at thousands of tasks."""
    seen = Task.objects.for_user(user, VIEW).filter(where).order_by().values("pk")
    return read(Task.objects.filter(where, pk__in=seen).order_by("position", "pk"),
                TASK_VALUES)


# --- the document --------------------------------------------------------------------------------

def _editable(user: Any, orders: list[dict[str, Any]], pks: list[int] | None = None) -> set[int]:
    open_ids = [o["pk"] for o in orders if o["status"] not in CLOSED]
    if not open_ids or not can(user, PLAN, Task):
        return set()
    rows = Task.objects.for_user(user, PLAN).filter(order_id__in=open_ids)
    if pks is not None:
        rows = rows.filter(pk__in=pks)
    return {pk for (pk,) in read(rows.order_by(), ("pk",))}


def _dates(tasks: list[Values], planned: dict[int, tuple[date | None, date | None]],
           fallback: date) -> tuple[date, date]:
    found = [d for t in tasks for d in (t[START], t[FINISH]) if d is not None]
    found += [d for pair in planned.values() for d in pair if d is not None]
    if not found:
        return fallback, fallback
    return min(found), max(found)


def _calendar_json(ctx: Context, last: date) -> dict[str, Any]:
    low = ctx.origin - timedelta(days=CALENDAR_MARGIN)
    high = last + timedelta(days=CALENDAR_MARGIN)

    def days(values: frozenset[date]) -> list[int]:
        return sorted((d - ctx.origin).days for d in values if low <= d <= high)

    return {"weekdays": sorted(ctx.spec.weekdays), "holidays": days(ctx.spec.holidays),
            "workdays": days(ctx.spec.extra_workdays)}


def _link_values(order_ids: list[int]) -> list[Values]:
    return read(TaskLink.objects.filter(successor__order_id__in=order_ids).order_by(),
                ("predecessor_id", "successor_id", "link_type"))


def _links(values: list[Values], index: dict[int, int],
           rows: list[Values]) -> list[list[int]]:
    """[predecessor row, successor row, type, critical] of the links between rows."""
    links = []
    for pred, succ, kind in values:
        a, b = index.get(pred), index.get(succ)
        if a is None or b is None:
            continue
        critical = int(bool(rows[a][FLAGS_AT] & CRITICAL and rows[b][FLAGS_AT] & CRITICAL))
        links.append([a, b, LINK_TYPES.get(kind, 0), critical])
    return links


def context(user: Any, orders: list[dict[str, Any]], tasks: list[Values],
            calendar_row: WorkCalendar | None, span: tuple[date, date],
            planned: dict[int, tuple[date | None, date | None]],
            predecessors: set[int], editable: set[int] | None = None) -> Context:
    spec = calendars.to_spec(calendar_row)
    calendar_per_day, crew_per_day = _per_day_maps(tasks)
    owners = {pk: (f"{last}{first}".strip() or username) for pk, last, first, username in
              User.objects.filter(pk__in={t[OWNER] for t in tasks if t[OWNER]})
              .values_list("pk", "last_name", "first_name", "username")}
    return Context(spec=spec, per_day=calendar_row.minutes_per_day if calendar_row else 480,
                   calendar_per_day=calendar_per_day, crew_per_day=crew_per_day,
                   origin=span[0], today=timezone.localdate(),
                   working=WorkingDays(spec, *span),
                   editable=_editable(user, orders) if editable is None else editable,
                   planned=planned, predecessors=predecessors, owners=owners)


def build(user: Any, orders: list[dict[str, Any]], calendar_row: WorkCalendar | None,
          planned: dict[int, tuple[date | None, date | None]], start: date) -> dict[str, Any]:
    """The chart's data for the given orders' tasks that the user sees."""
    order_ids = [o["pk"] for o in orders]
    tasks = visible_tasks(user, Q(order_id__in=order_ids))
    link_values = _link_values(order_ids)
    today = timezone.localdate()
    first, last = _dates(tasks, planned, start)
    if abs((today - first).days) < 370:
        first = min(first, today)
    ctx = context(user, orders, tasks, calendar_row, (first, last), planned,
                  {succ for _pred, succ, _kind in link_values})
    outline = _outline(tasks, order_ids)
    rows = [task_row(t, ctx, group, parent, depth) for t, group, parent, depth in outline]
    index = {row[0]: i for i, row in enumerate(rows)}
    return {
        "fields": FIELDS, "origin": first.isoformat(), "today": ctx.day(today),
        "end": ctx.day(last), "calendar": _calendar_json(ctx, last),
        "groups": [_group(o) for o in orders], "rows": rows,
        "links": _links(link_values, index, rows),
        "taskUrl": url_template("scheduling:task_detail"),
        "moveUrl": url_template("scheduling:gantt_move"),
    }


def _group(order: dict[str, Any]) -> dict[str, Any]:
    return {"id": order["pk"], "code": order["code"], "title": order["title"],
            "url": reverse("scheduling:gantt_order", args=[order["pk"]]),
            "editable": order["status"] not in CLOSED}


ORDER_VALUES = ("pk", "code", "title", "status")


def _planned(baseline_ids: list[int]) -> dict[int, tuple[date | None, date | None]]:
    if not baseline_ids:
        return {}
    rows = BaselineTask.objects.filter(baseline_id__in=baseline_ids, task__isnull=False)
    return {task: (start, finish) for task, start, finish in read(
        rows.order_by(), ("task_id", "start", "finish"))}


def order_document(order: Order, user: Any, baseline: str | None = None) -> dict[str, Any]:
    """The order's chart; `baseline` names the baseline to draw (default: the latest)."""
    schedule = Schedule.objects.filter(order=order).first()
    options = list(Baseline.objects.for_user(user, VIEW).filter(order=order)
                   .order_by("-created_at", "-pk").values("pk", "name", "created_at"))
    chosen = next((b for b in options if str(b["pk"]) == baseline), None)
    if chosen is None and baseline != "none" and options:
        chosen = options[0]
    values = {k: getattr(order, k) for k in ORDER_VALUES}
    doc = build(user, [values], order_calendar(order, schedule),
                _planned([chosen["pk"]] if chosen else []),
                schedule.start if schedule else timezone.localdate())
    doc["scope"] = "order"
    doc["baselines"] = [{"id": b["pk"], "name": b["name"],
                         "date": timezone.localtime(b["created_at"]).date().isoformat()}
                        for b in options]
    doc["baseline"] = chosen["pk"] if chosen else None
    return doc


def project_document(project: Project, user: Any) -> dict[str, Any]:
    """The chart of the project's orders in which the user sees tasks, each with its
    latest baseline."""
    seen = (Task.objects.for_user(user, VIEW).filter(order__project=project).order_by()
            .values("order_id"))
    orders = list(Order.objects.filter(pk__in=seen).order_by("code").values(*ORDER_VALUES))
    latest: dict[int, int] = {}
    for pk, order_id in (Baseline.objects.for_user(user, VIEW)
                         .filter(order_id__in=[o["pk"] for o in orders])
                         .order_by("-created_at", "-pk").values_list("pk", "order_id")):
        latest.setdefault(order_id, pk)
    doc = build(user, orders, calendars.project_calendar(project.pk),
                _planned(list(latest.values())), timezone.localdate())
    doc["scope"] = "project"
    doc["baselines"], doc["baseline"] = [], None
    return doc


# --- after a move: what changed -------------------------------------------------------------

SNAPSHOT = ("early_start", "early_finish", "total_float", "critical", "rollup_percent",
            "percent_complete", "version", "duration", "is_summary", "constraint")
PATCH_FIELDS = ("days", "float", "flags", "percent", "version")


def snapshot(order: Order) -> dict[int, tuple]:
    """The values a move may change, per task of the order (one query)."""
    return {row[0]: row[1:] for row in Task.objects.filter(order=order).order_by()
            .values_list("pk", *SNAPSHOT)}


def changes(user: Any, order: Order, before: dict[int, tuple]) -> list[dict[str, Any]]:
    """The tasks the user sees whose dates, float or flags changed since `before`, with
    ISO dates (the browser places them on its own chart)."""
    changed = [pk for pk, values in snapshot(order).items() if before.get(pk) != values]
    if not changed:
        return []
    tasks = visible_tasks(user, Q(order=order, pk__in=changed))
    orders = [{k: getattr(order, k) for k in ORDER_VALUES}]
    schedule = Schedule.objects.filter(order=order).first()
    predecessors = set(TaskLink.objects.filter(successor_id__in=changed)
                       .values_list("successor_id", flat=True))
    ctx = context(user, orders, tasks, order_calendar(order, schedule),
                  _dates(tasks, {}, timezone.localdate()), {}, predecessors,
                  _editable(user, orders, changed))
    out = []
    for t in tasks:
        row = dict(zip(FIELDS, task_row(t, ctx, 0, -1, 0), strict=True))
        out.append({"id": t[PK], "start": t[START] and t[START].isoformat(),
                    "finish": t[FINISH] and t[FINISH].isoformat(),
                    **{name: row[name] for name in PATCH_FIELDS}})
    return out
