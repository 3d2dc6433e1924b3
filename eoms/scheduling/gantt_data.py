"""What the Gantt chart reads: one JSON document per scope (an order, or the orders of a
project), built with a fixed number of queries whatever the number of tasks.

The tasks travel as columns (one list per field, a legend of the names and of the owners)
in outline order (a parent before its children, siblings by position): dates as day numbers
from the document's `origin`, a finish as days after its start, a baseline date as days
from the current one, an id as the difference from the previous row's, a parent as how many
rows back it is (0: none), a WBS code as its last number when it extends the parent's.
`decode` (and gantt.js) turn them back into rows in the order of FIELDS.

The part every reader of the whole plan shares is kept in Django's cache as JSON text,
under a key made of what it shows: the orders, a fingerprint of their tasks, links,
schedules and calendars (counts, latest change, versions: any save changes it, and every
recompute stamps the schedule), the baseline drawn, today, and whether the reader may drag
every task or none. A reader who sees only some tasks (a site worker) gets his own document,
not cached. The owners' names and the baselines to choose from are added to each answer.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language

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
FORMAT = 2  # of the document: bump when its layout changes (old cache entries then miss)
CACHE_SECONDS = 3600
ALL, NONE = "all", "none"  # tasks the reader may drag, in a cached document


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
    """One task in the order of FIELDS, its owner as a user id (`encode` makes the legend)."""
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
            t[VERSION], t[OWNER]]


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


def _links(values: list[Values], index: dict[int, int]) -> list[list[int]]:
    """[predecessor row, successor row, type] of the links between rows."""
    links = []
    for pred, succ, kind in values:
        a, b = index.get(pred), index.get(succ)
        if a is not None and b is not None:
            links.append([a, b, LINK_TYPES.get(kind, 0)])
    return links


def context(user: Any, orders: list[dict[str, Any]], tasks: list[Values],
            calendar_row: WorkCalendar | None, span: tuple[date, date],
            planned: dict[int, tuple[date | None, date | None]],
            predecessors: set[int], editable: set[int] | None = None) -> Context:
    spec = calendars.to_spec(calendar_row)
    calendar_per_day, crew_per_day = _per_day_maps(tasks)
    return Context(spec=spec, per_day=calendar_row.minutes_per_day if calendar_row else 480,
                   calendar_per_day=calendar_per_day, crew_per_day=crew_per_day,
                   origin=span[0], today=timezone.localdate(),
                   working=WorkingDays(spec, *span),
                   editable=_editable(user, orders) if editable is None else editable,
                   planned=planned, predecessors=predecessors)


def _editable_of(mode: str | None, tasks: list[Values],
                 orders: list[dict[str, Any]]) -> set[int] | None:
    """The tasks a cached document offers to drag (None: ask the database for the user's)."""
    if mode == ALL:
        open_ids = {o["pk"] for o in orders if o["status"] not in CLOSED}
        return {t[PK] for t in tasks if t[ORDER] in open_ids}
    return set() if mode == NONE else None


def build(user: Any, orders: list[dict[str, Any]], calendar_row: WorkCalendar | None,
          planned: dict[int, tuple[date | None, date | None]], start: date,
          editable: str | None = None) -> tuple[dict[str, Any], list[int]]:
    """The chart's data for the given orders' tasks that the user sees, and the owners
    its legend refers to. `editable`: ALL or NONE of the tasks, or None (the user's)."""
    order_ids = [o["pk"] for o in orders]
    tasks = visible_tasks(user, Q(order_id__in=order_ids))
    link_values = _link_values(order_ids)
    today = timezone.localdate()
    first, last = _dates(tasks, planned, start)
    if abs((today - first).days) < 370:
        first = min(first, today)
    ctx = context(user, orders, tasks, calendar_row, (first, last), planned,
                  {succ for _pred, succ, _kind in link_values},
                  _editable_of(editable, tasks, orders))
    outline = _outline(tasks, order_ids)
    rows = [task_row(t, ctx, group, parent, depth) for t, group, parent, depth in outline]
    index = {row[0]: i for i, row in enumerate(rows)}
    doc, owners = encode(rows, _links(link_values, index), len(orders))
    return {
        "format": FORMAT, "origin": first.isoformat(), "today": ctx.day(today),
        "end": ctx.day(last), "calendar": _calendar_json(ctx, last),
        "groups": [_group(o) for o in orders], **doc,
        "taskUrl": url_template("scheduling:task_detail"),
        "moveUrl": url_template("scheduling:gantt_move"),
    }, owners


def _group(order: dict[str, Any]) -> dict[str, Any]:
    return {"id": order["pk"], "code": order["code"], "title": order["title"],
            "url": reverse("scheduling:gantt_order", args=[order["pk"]]),
            "editable": order["status"] not in CLOSED}


ORDER_VALUES = ("pk", "code", "title", "status")
ORDER_STAMP = ("version", "updated_at")  # in the cache key: a queryset update keeps them


def _planned(baseline_ids: list[int]) -> dict[int, tuple[date | None, date | None]]:
    if not baseline_ids:
        return {}
    rows = BaselineTask.objects.filter(baseline_id__in=baseline_ids, task__isnull=False)
    return {task: (start, finish) for task, start, finish in read(
        rows.order_by(), ("task_id", "start", "finish"))}


def order_json(order: Order, user: Any, baseline: str | None = None) -> str:
    """The order's chart as JSON text; `baseline` names the baseline to draw (default: the
    latest, "none": none)."""
    schedule = Schedule.objects.filter(order=order).first()
    options = list(Baseline.objects.for_user(user, VIEW).filter(order=order)
                   .order_by("-created_at", "-pk").values("pk", "name", "created_at"))
    chosen = next((b for b in options if str(b["pk"]) == baseline), None)
    if chosen is None and baseline != "none" and options:
        chosen = options[0]
    planned = [chosen["pk"]] if chosen else []
    start = schedule.start if schedule else timezone.localdate()
    orders = [{k: getattr(order, k) for k in (*ORDER_VALUES, *ORDER_STAMP)}]

    def make(editable: str | None) -> tuple[dict[str, Any], list[int]]:
        return build(user, orders, order_calendar(order, schedule), _planned(planned), start,
                     editable)

    text, owners = _document(user, orders, ("order", planned, start), make)
    return _answer(text, owners, {
        "scope": "order", "baseline": chosen["pk"] if chosen else None,
        "baselines": [{"id": b["pk"], "name": b["name"],
                       "date": timezone.localtime(b["created_at"]).date().isoformat()}
                      for b in options]})


def project_json(project: Project, user: Any) -> str:
    """The chart of the project's orders in which the user sees tasks, each with its
    latest baseline, as JSON text."""
    seen = (Task.objects.for_user(user, VIEW).filter(order__project=project).order_by()
            .values("order_id"))
    orders = list(Order.objects.filter(pk__in=seen).order_by("code")
                  .values(*ORDER_VALUES, *ORDER_STAMP))
    latest: dict[int, int] = {}
    for pk, order_id in (Baseline.objects.for_user(user, VIEW)
                         .filter(order_id__in=[o["pk"] for o in orders])
                         .order_by("-created_at", "-pk").values_list("pk", "order_id")):
        latest.setdefault(order_id, pk)
    planned = sorted(latest.values())

    def make(editable: str | None) -> tuple[dict[str, Any], list[int]]:
        return build(user, orders, calendars.project_calendar(project.pk), _planned(planned),
                     timezone.localdate(), editable)

    text, owners = _document(user, orders, ("project", project.pk, planned), make)
    return _answer(text, owners, {"scope": "project", "baseline": None, "baselines": []})


# --- the cache ----------------------------------------------------------------------------------

def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _fingerprint(order_ids: list[int]) -> tuple[Any, ...]:
    """What changes whenever the orders' charts may: counts, latest changes and versions of
    their tasks and links, their schedules (a recompute stamps `computed_at`), calendars."""
    tasks = Task.objects.filter(order_id__in=order_ids).order_by().values("order_id")
    links = TaskLink.objects.filter(successor__order_id__in=order_ids).order_by()
    return (
        sorted(tasks.annotate(n=Count("pk"), at=Max("updated_at"), v=Sum("version"))
               .values_list("order_id", "n", "at", "v")),
        links.aggregate(n=Count("pk"), at=Max("updated_at"), v=Sum("version")),
        sorted(Schedule.objects.filter(order_id__in=order_ids).values_list(
            "order_id", "version", "updated_at", "computed_at", "calendar_id", "start",
            "status_date")),
        WorkCalendar.objects.aggregate(n=Count("pk", distinct=True), at=Max("updated_at"),
                                       xn=Count("exceptions"), xat=Max("exceptions__updated_at")),
    )


def _reader_mode(user: Any, orders: list[dict[str, Any]], counts: dict[int, int]) -> str | None:
    """ALL / NONE: the user sees every task of the orders and may drag all or none of
    them, so he shares the cached document; None: he does not."""
    order_ids = [o["pk"] for o in orders]
    seen = Task.objects.for_user(user, VIEW).filter(order_id__in=order_ids).values("pk").count()
    if seen != sum(counts.values()):
        return None
    open_ids = [o["pk"] for o in orders if o["status"] not in CLOSED]
    if not open_ids or not can(user, PLAN, Task):
        return NONE
    planned = (Task.objects.for_user(user, PLAN).filter(order_id__in=open_ids).values("pk")
               .count())
    if planned == sum(counts.get(pk, 0) for pk in open_ids):
        return ALL
    return NONE if planned == 0 else None


Make = Callable[[str | None], tuple[dict[str, Any], list[int]]]  # build() for one scope


def _document(user: Any, orders: list[dict[str, Any]], scope: tuple[Any, ...],
              make: Make) -> tuple[str, list[int]]:
    """The document's JSON text and owners: from the cache when the user shares it."""
    fingerprint = _fingerprint([o["pk"] for o in orders])
    counts = {order_id: n for order_id, n, _at, _v in fingerprint[0]}
    mode = _reader_mode(user, orders, counts)
    if mode is None:
        doc, owners = make(None)
        return _dumps(doc), owners
    key_parts = (FORMAT, scope, orders, fingerprint, mode, timezone.localdate(), get_language())
    key = "gantt:" + hashlib.sha256(repr(key_parts).encode()).hexdigest()
    hit = cache.get(key)
    if hit is None:
        doc, owners = make(mode)
        hit = (_dumps(doc), owners)
        cache.set(key, hit, CACHE_SECONDS)
    return hit


def _answer(text: str, owners: list[int], extra: dict[str, Any]) -> str:
    """The cached text with what is the user's own added: the owners' names (read now, a
    renamed user shows at once), the baselines."""
    names = {pk: (f"{last}{first}".strip() or username) for pk, last, first, username in
             User.objects.filter(pk__in=owners)
             .values_list("pk", "last_name", "first_name", "username")}
    extra["ownerNames"] = [names.get(pk, "") for pk in owners]
    return _dumps(extra)[:-1] + "," + text[1:]


# --- the compact layout ---------------------------------------------------------------------------

def _number(value: float) -> float | int:
    return int(value) if value == int(value) else value


def _after(value: int | None, base: int | None) -> int | None:  # days after base, if known
    return value - base if value is not None and base is not None else value


def _back(value: int | None, base: int | None) -> int | None:
    return value + base if value is not None and base is not None else value


def _wbs_part(code: str, parent: str | None) -> str | int:
    """A WBS code as its last number when it is the parent's code (or none) and a number."""
    prefix = f"{parent}." if parent is not None else ""
    last = code[len(prefix):]
    if code.startswith(prefix) and last.isdigit() and str(int(last)) == last:
        return int(last)
    return code


def encode(rows: list[list[Any]], links: list[list[int]],
           groups: int) -> tuple[dict[str, Any], list[int]]:
    """Rows in the order of FIELDS (owners as user ids) and [predecessor row, successor
    row, type] links → the document's columns, and the owners its legend lists."""
    c = dict(zip(FIELDS, zip(*rows, strict=True), strict=True)) if rows else {
        name: () for name in FIELDS}
    names: dict[str, int] = {}
    owners: dict[int, int] = {}
    parents = c["parent"]
    wbs = c["wbs"]
    sizes = [0] * groups
    for group in c["group"]:
        sizes[group] += 1
    tasks = {
        "id": [b - a for a, b in zip((0, *c["id"]), c["id"], strict=False)],
        "parent": [i - p if p >= 0 else 0 for i, p in enumerate(parents)],
        "wbs": [_wbs_part(code, wbs[p] if p >= 0 else None) for code, p in zip(
            wbs, parents, strict=True)],
        "name": [names.setdefault(name, len(names)) for name in c["name"]],
        "start": list(c["start"]),
        "finish": list(map(_after, c["finish"], c["start"])),
        "days": list(map(_number, c["days"])),
        "float": list(map(_number, c["float"])),
        "flags": list(c["flags"]), "percent": list(c["percent"]),
        "bstart": list(map(_after, c["bstart"], c["start"])),
        "bfinish": list(map(_after, c["bfinish"], c["finish"])),
        "version": list(c["version"]),
        "owner": [owners.setdefault(pk, len(owners) + 1) if pk else 0 for pk in c["owner"]],
    }
    flat: list[int] = []
    previous = 0
    for a, b, kind in links:
        flat += (a - previous, b - a, kind)
        previous = a
    return {"groupSizes": sizes, "tasks": tasks, "names": list(names),
            "links": flat}, list(owners)


def decode(doc: dict[str, Any]) -> list[list[Any]]:
    """The document's tasks as rows in the order of FIELDS (owners by name), as gantt.js
    reads them."""
    c = doc["tasks"]
    groups = [g for g, size in enumerate(doc["groupSizes"]) for _ in range(size)]
    rows: list[list[Any]] = []
    for i, task_id in enumerate(accumulate(c["id"])):
        parent = i - c["parent"][i] if c["parent"][i] else -1
        up = rows[parent] if parent >= 0 else None
        wbs = c["wbs"][i]
        if isinstance(wbs, int):
            wbs = f"{up[4]}.{wbs}" if up else str(wbs)
        start = c["start"][i]
        finish = _back(c["finish"][i], start)
        owner = c["owner"][i]
        rows.append([task_id, groups[i], parent, up[3] + 1 if up else 0, wbs,
                     doc["names"][c["name"][i]], start, finish, c["days"][i], c["float"][i],
                     c["flags"][i], c["percent"][i], _back(c["bstart"][i], start),
                     _back(c["bfinish"][i], finish), c["version"][i],
                     doc["ownerNames"][owner - 1] if owner else ""])
    return rows


def decode_links(doc: dict[str, Any]) -> list[list[int]]:
    """[predecessor row, successor row, type, critical] per link."""
    rows = decode(doc)
    flat, links, a = doc["links"], [], 0
    for k in range(0, len(flat), 3):
        a += flat[k]
        b = a + flat[k + 1]
        critical = rows[a][FLAGS_AT] & rows[b][FLAGS_AT] & CRITICAL
        links.append([a, b, flat[k + 2], int(bool(critical))])
    return links


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
