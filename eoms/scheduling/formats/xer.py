"""Read Primavera P6 XER files (tab-separated %T/%F/%R tables)."""

from __future__ import annotations

import re

from eoms.scheduling.engine.model import Constraint

from .common import MAX_TASKS, check_size, hours_to_minutes, to_datetime, to_float
from .document import (
    SOURCE_XER,
    CalendarDoc,
    CalendarException,
    LinkDoc,
    ProjectInfo,
    ScheduleDocument,
    TaskDoc,
)
from .errors import FormatError
from .p6common import (
    MANDATORY,
    XER_CONSTRAINTS,
    XER_LAG_CALENDAR,
    XER_LINKS,
    XER_MILESTONES,
    ClndrSyntaxError,
    read_clndr_data,
)
from .xer_text import Table, decode_xer, split_tables

WBS_PREFIX = "WBS:"
_TAG = re.compile(r"<[^>]+>")


def read_xer(data: bytes, project: str | None = None, *,
             encoding: str | None = None) -> ScheduleDocument:
    """Read one project of an XER file: ``project`` is its proj_id or short name; by
    default the first project P6 exported (export_flag Y), else the first one. Links to
    other projects' activities become ``external_link`` warnings."""
    check_size(data)
    text, used = decode_xer(data, encoding)
    _, tables = split_tables(text)
    row = _pick_project(tables.get("PROJECT", []), project)
    proj_id = row["proj_id"]
    document = ScheduleDocument(project=_project_info(row, tables, used))
    _read_calendars(tables.get("CALENDAR", []), document)
    if "TASK" not in tables:
        raise FormatError("no_tasks", "the file has no TASK table")
    wbs_paths = _read_wbs(tables.get("PROJWBS", []), proj_id, row, document)
    task_ids = _read_tasks(tables, proj_id, wbs_paths, document)
    if not any(not t.external_id.startswith(WBS_PREFIX) for t in document.tasks):
        raise FormatError("no_tasks", f"project {row.get('proj_short_name')} has no activities")
    _read_links(tables.get("TASKPRED", []), task_ids, document)
    return document


def _pick_project(rows: Table, wanted: str | None) -> dict[str, str]:
    if not rows:
        raise FormatError("xer_invalid", "the file has no PROJECT table")
    if wanted is not None:
        for row in rows:
            if wanted in (row.get("proj_id"), row.get("proj_short_name")):
                return row
        names = ", ".join(r.get("proj_short_name", "") for r in rows)
        raise FormatError("project_not_found", f"{wanted!r} not among: {names}")
    return next((r for r in rows if r.get("export_flag") == "Y"), rows[0])


def _project_info(row: dict[str, str], tables: dict[str, Table], encoding: str) -> ProjectInfo:
    options = next((o for o in tables.get("SCHEDOPTIONS", [])
                    if o.get("proj_id") == row["proj_id"]), {})
    calendar = next((c for c in tables.get("CALENDAR", [])
                     if c.get("clndr_id") == row.get("clndr_id")), {})
    per_day = round((to_float(calendar.get("day_hr_cnt"), 8.0) or 8.0) * 60)
    per_week = round((to_float(calendar.get("week_hr_cnt"), 40.0) or 40.0) * 60)
    return ProjectInfo(
        name=row.get("proj_short_name", ""),
        external_id=row.get("proj_short_name") or row["proj_id"],
        start=to_datetime(row.get("plan_start_date")),
        finish=to_datetime(row.get("scd_end_date")) or to_datetime(row.get("plan_end_date")),
        status_date=to_datetime(row.get("last_recalc_date")),
        minutes_per_day=per_day,
        minutes_per_week=per_week,
        default_calendar_id=row.get("clndr_id") or None,
        source_format=SOURCE_XER,
        encoding=encoding,
        options={
            "lag_calendar": XER_LAG_CALENDAR.get(
                options.get("sched_calendar_on_relationship_lag", ""), "predecessor"),
            "retained_logic": options.get("sched_retained_logic", ""),
            "progress_override": options.get("sched_progress_override", ""),
            "use_expected_finish": options.get("sched_use_expect_end_flag", ""),
        },
    )


def _read_calendars(rows: Table, document: ScheduleDocument) -> None:
    for row in rows:
        cal = CalendarDoc(id=row.get("clndr_id", ""), name=row.get("clndr_name", ""),
                          parent_id=row.get("base_clndr_id") or None,
                          is_base=row.get("clndr_type") == "CA_Base")
        try:
            week, exceptions = read_clndr_data(row.get("clndr_data", ""))
        except ClndrSyntaxError as exc:
            document.warn("calendar_detail", None, f"calendar {cal.id} unreadable: {exc}")
            week, exceptions = {}, {}
        cal.week = week
        cal.exceptions = [CalendarException(d, h) for d, h in sorted(exceptions.items())]
        document.calendars.append(cal)
    known = {c.id for c in document.calendars}
    for cal in document.calendars:
        if cal.parent_id not in known:
            cal.parent_id = None


def _read_wbs(rows: Table, proj_id: str, project: dict[str, str],
              document: ScheduleDocument) -> dict[str, str | None]:
    """Add WBS nodes as summary tasks; return wbs_id -> summary external id (None for the
    project's own node)."""
    mine = sorted((r for r in rows if r.get("proj_id") == proj_id),
                  key=lambda r: (to_float(r.get("seq_num"), 0.0), r.get("wbs_short_name", "")))
    by_id = {r["wbs_id"]: r for r in mine}
    sep = project.get("name_sep_char") or "."
    paths: dict[str, str | None] = {}

    def path(wbs_id: str, depth: int = 0) -> str | None:
        if wbs_id in paths:
            return paths[wbs_id]
        node = by_id.get(wbs_id)
        if node is None or node.get("proj_node_flag") == "Y" or depth > 100:
            paths[wbs_id] = None
            return None
        parent = path(node.get("parent_wbs_id", ""), depth + 1)
        own = node.get("wbs_short_name", "") or wbs_id
        paths[wbs_id] = f"{parent}{sep}{own}" if parent else own
        return paths[wbs_id]

    for node in mine:
        if node.get("proj_node_flag") == "Y":
            document.project.name = node.get("wbs_name") or document.project.name
    for node in _tree_order(mine):
        code = path(node["wbs_id"])
        if code is None:
            continue
        parent = path(node.get("parent_wbs_id", ""))
        document.tasks.append(TaskDoc(
            external_id=WBS_PREFIX + code, name=node.get("wbs_name", ""), wbs=code,
            parent_id=WBS_PREFIX + parent if parent else None, is_summary=True))
    return {wbs_id: (WBS_PREFIX + p if p else None) for wbs_id, p in paths.items()}


def _tree_order(nodes: Table) -> Table:
    """Parents before children, siblings by sequence number."""
    kids: dict[str, Table] = {}
    ids = {n["wbs_id"] for n in nodes}
    for n in nodes:
        parent = n.get("parent_wbs_id", "")
        kids.setdefault(parent if parent in ids else "", []).append(n)
    ordered: Table = []
    stack = list(reversed(kids.get("", [])))
    seen: set[str] = set()
    while stack:
        node = stack.pop()
        if node["wbs_id"] in seen:
            continue
        seen.add(node["wbs_id"])
        ordered.append(node)
        stack.extend(reversed(kids.get(node["wbs_id"], [])))
    return ordered


def _read_tasks(tables: dict[str, Table], proj_id: str, wbs: dict[str, str | None],
                document: ScheduleDocument) -> dict[str, str]:
    """Add the project's activities; return task_id -> external id."""
    rows = [r for r in tables["TASK"] if r.get("proj_id") == proj_id]
    if len(rows) > MAX_TASKS:
        raise FormatError("too_large", f"{len(rows)} activities, at most {MAX_TASKS}")
    notes: dict[str, list[str]] = {}
    for memo in tables.get("TASKMEMO", []):
        plain = _TAG.sub(" ", memo.get("task_memo", "")).replace("\x7f", "\n")
        notes.setdefault(memo.get("task_id", ""), []).append(" ".join(plain.split()))
    ids: dict[str, str] = {}
    used: set[str] = set()
    for row in sorted(rows, key=lambda r: r.get("task_code", "")):
        code = row.get("task_code") or row["task_id"]
        if code in used:
            document.warn("bad_value", code, f"activity id used twice; task {row['task_id']}")
            code = f"{code}#{row['task_id']}"
        used.add(code)
        ids[row["task_id"]] = code
        task = _task(row, code, wbs, document)
        task.notes = "\n".join(n for n in notes.get(row["task_id"], []) if n)
        document.tasks.append(task)
    _order_under_wbs(document)
    return ids


def _task(row: dict[str, str], code: str, wbs: dict[str, str | None],
          document: ScheduleDocument) -> TaskDoc:
    parent = wbs.get(row.get("wbs_id", ""))
    duration = hours_to_minutes(row.get("target_drtn_hr_cnt")) or 0
    remaining = hours_to_minutes(row.get("remain_drtn_hr_cnt"))
    cstr = row.get("cstr_type", "")
    task = TaskDoc(
        external_id=code,
        name=row.get("task_name", ""),
        wbs=parent[len(WBS_PREFIX):] if parent else "",
        parent_id=parent,
        is_milestone=row.get("task_type") in XER_MILESTONES,
        duration=duration,
        remaining_duration=remaining,
        constraint=XER_CONSTRAINTS.get(cstr, Constraint.ASAP),
        constraint_date=to_datetime(row.get("cstr_date")) if cstr in XER_CONSTRAINTS else None,
        actual_start=to_datetime(row.get("act_start_date")),
        actual_finish=to_datetime(row.get("act_end_date")),
        percent_complete=_percent(row, duration, remaining),
        calendar_id=row.get("clndr_id") or None,
        file_start=to_datetime(row.get("act_start_date")) or to_datetime(row.get("restart_date")),
        file_finish=to_datetime(row.get("act_end_date")) or to_datetime(row.get("reend_date")),
        file_early_start=to_datetime(row.get("early_start_date")),
        file_early_finish=to_datetime(row.get("early_end_date")),
        file_late_start=to_datetime(row.get("late_start_date")),
        file_late_finish=to_datetime(row.get("late_end_date")),
        file_total_float=hours_to_minutes(row.get("total_float_hr_cnt")),
    )
    _warn_task(row, code, cstr, document)
    if task.calendar_id and document.calendar(task.calendar_id) is None:
        document.warn("unknown_calendar", code, f"calendar {task.calendar_id} is missing")
        task.calendar_id = None
    return task


def _warn_task(row: dict[str, str], code: str, cstr: str, document: ScheduleDocument) -> None:
    if cstr in MANDATORY:
        document.warn("unsupported_constraint", code, f"{cstr} overrides logic in P6")
    elif cstr and cstr not in XER_CONSTRAINTS:
        document.warn("unsupported_constraint", code, f"unknown constraint {cstr}")
    if row.get("cstr_type2"):
        document.warn("unsupported_constraint", code, f"secondary {row['cstr_type2']}")
    if row.get("expect_end_date") and document.project.options.get("use_expected_finish") == "Y":
        document.warn("unsupported_constraint", code, "expected finish date")
    if row.get("task_type") in ("TT_LOE", "TT_WBS"):
        document.warn("unsupported_task_type", code, f"{row['task_type']} scheduled as a task")


def _percent(row: dict[str, str], duration: int, remaining: int | None) -> float:
    if row.get("complete_pct_type") == "CP_Phys":
        return to_float(row.get("phys_complete_pct"), 0.0) or 0.0
    if row.get("status_code") == "TK_Complete":
        return 100.0
    if duration > 0 and remaining is not None:
        return max(0.0, min(100.0, 100.0 * (duration - remaining) / duration))
    return 0.0


def _order_under_wbs(document: ScheduleDocument) -> None:
    """Each WBS node followed by its activities, then its child nodes."""
    activities: dict[str | None, list[TaskDoc]] = {}
    nodes = [t for t in document.tasks if t.external_id.startswith(WBS_PREFIX)]
    for task in document.tasks:
        if not task.external_id.startswith(WBS_PREFIX):
            activities.setdefault(task.parent_id, []).append(task)
    ordered = list(activities.get(None, []))
    for node in nodes:
        ordered.append(node)
        ordered.extend(activities.get(node.external_id, []))
    document.tasks[:] = ordered


def _read_links(rows: Table, ids: dict[str, str], document: ScheduleDocument) -> None:
    for row in rows:
        successor, predecessor = ids.get(row.get("task_id", "")), ids.get(
            row.get("pred_task_id", ""))
        if successor is None and predecessor is None:
            continue
        if successor is None or predecessor is None:
            if successor is None:
                side, other, project = "successor", row.get("task_id"), row.get("proj_id")
            else:
                side, other, project = "predecessor", row.get("pred_task_id"), row.get(
                    "pred_proj_id")
            document.warn("external_link", successor or predecessor,
                          f"{side} task {other} in project {project}")
            continue
        kind = XER_LINKS.get(row.get("pred_type", ""))
        if kind is None:
            document.warn("bad_value", successor, f"link type {row.get('pred_type')}")
            continue
        document.links.append(LinkDoc(predecessor, successor, kind,
                                      hours_to_minutes(row.get("lag_hr_cnt")) or 0))
