"""Read Primavera P6 XML (APIBusinessObjects): calendars, one project's WBS,
activities and relationships. Durations, lags and float there are hours."""

from __future__ import annotations

import re
from datetime import date
from xml.etree.ElementTree import Element

from eoms.scheduling.engine.model import Constraint

from .common import (
    MAX_TASKS,
    check_size,
    child,
    children,
    hours_to_minutes,
    local,
    parse_xml,
    text,
    to_datetime,
    to_float,
)
from .document import (
    SOURCE_P6XML,
    CalendarDoc,
    CalendarException,
    DayHours,
    LinkDoc,
    ProjectInfo,
    ScheduleDocument,
    TaskDoc,
)
from .errors import FormatError
from .p6common import (
    MANDATORY,
    XML_CONSTRAINTS,
    XML_LAG_CALENDAR,
    XML_LINKS,
    XML_MILESTONES,
    p6xml_interval,
)

WBS_PREFIX = "WBS:"
WEEKDAYS = {"Monday": 0, "Tuesday": 1, "Wednesday": 2, "Thursday": 3, "Friday": 4,
            "Saturday": 5, "Sunday": 6}
_TAG = re.compile(r"<[^>]+>")


def read_p6xml(data: bytes | Element, project: str | None = None) -> ScheduleDocument:
    """Read one project: ``project`` is its Id or ObjectId; by default the first project
    exported in full (with dates), else the first one."""
    if isinstance(data, bytes | bytearray):
        check_size(bytes(data))
        root = parse_xml(bytes(data))
    else:
        root = data
    if local(root.tag) != "APIBusinessObjects":
        raise FormatError("unknown_format", f"root element {local(root.tag)}")
    chosen = _pick_project(children(root, "Project"), project)
    document = ScheduleDocument(project=_project_info(chosen))
    for el in children(root, "Calendar") + children(chosen, "Calendar"):
        document.calendars.append(_calendar(el))
    known = {c.id for c in document.calendars}
    for cal in document.calendars:
        if cal.parent_id not in known:
            cal.parent_id = None
    wbs = _read_wbs(chosen, document)
    ids = _read_activities(chosen, wbs, document)
    if not ids:
        raise FormatError("no_tasks", f"project {document.project.external_id} has no activities")
    relationships = children(chosen, "Relationship") + children(root, "Relationship")
    _read_relationships(relationships, ids, document)
    return document


def _pick_project(projects: list[Element], wanted: str | None) -> Element:
    if not projects:
        raise FormatError("no_tasks", "the file has no Project")
    if wanted is not None:
        for el in projects:
            if wanted in (text(el, "Id"), text(el, "ObjectId")):
                return el
        names = ", ".join(text(el, "Id") for el in projects)
        raise FormatError("project_not_found", f"{wanted!r} not among: {names}")
    full = [el for el in projects if text(el, "PlannedStartDate") or text(el, "DataDate")]
    return (full or projects)[0]


def _project_info(el: Element) -> ProjectInfo:
    return ProjectInfo(
        name=text(el, "Name") or text(el, "Id"),
        external_id=text(el, "Id") or text(el, "ObjectId"),
        start=to_datetime(text(el, "PlannedStartDate")) or to_datetime(text(el, "StartDate")),
        finish=(to_datetime(text(el, "ScheduledFinishDate"))
                or to_datetime(text(el, "FinishDate"))),
        status_date=to_datetime(text(el, "DataDate")),
        default_calendar_id=text(el, "ActivityDefaultCalendarObjectId") or None,
        source_format=SOURCE_P6XML,
        options={"lag_calendar": XML_LAG_CALENDAR.get(text(el, "RelationshipLagCalendar"),
                                                      "predecessor")},
    )


def _work_times(el: Element) -> DayHours:
    hours = (p6xml_interval(text(wt, "Start"), text(wt, "Finish"))
             for wt in children(el, "WorkTime"))
    return tuple(sorted(h for h in hours if h is not None))


def _calendar(el: Element) -> CalendarDoc:
    cal = CalendarDoc(id=text(el, "ObjectId"), name=text(el, "Name"),
                      parent_id=text(el, "BaseCalendarObjectId") or None,
                      is_base=text(el, "Type") == "Global")
    week = child(el, "StandardWorkWeek")
    for hours in children(week, "StandardWorkHours") if week is not None else []:
        day = WEEKDAYS.get(text(hours, "DayOfWeek"))
        if day is not None:
            cal.week[day] = _work_times(hours)
    exceptions: dict[date, DayHours] = {}
    block = child(el, "HolidayOrExceptions")
    for ex in children(block, "HolidayOrException") if block is not None else []:
        day_at = to_datetime(text(ex, "Date"))
        if day_at is not None:
            exceptions[day_at.date()] = _work_times(ex)
    cal.exceptions = [CalendarException(d, h) for d, h in sorted(exceptions.items())]
    return cal


def _read_wbs(project: Element, document: ScheduleDocument) -> dict[str, str | None]:
    """Add WBS nodes as summary tasks; return WBS ObjectId -> external id (None for a
    node that stands for the project itself, as Aspose writes one)."""
    nodes = sorted(children(project, "WBS"),
                   key=lambda n: to_float(text(n, "SequenceNumber"), 0.0) or 0.0)
    by_id = {text(n, "ObjectId"): n for n in nodes}
    roots = [n for n in nodes if text(n, "ParentObjectId") not in by_id]
    if len(roots) == 1 and text(roots[0], "Name") == document.project.name:
        del by_id[text(roots[0], "ObjectId")]
    codes: dict[str, str] = {}

    def code(object_id: str, depth: int = 0) -> str:
        if object_id not in codes:
            node = by_id[object_id]
            parent = text(node, "ParentObjectId")
            own = text(node, "Code") or object_id
            above = code(parent, depth + 1) if parent in by_id and depth < 100 else ""
            # Some writers (Aspose) store the full code path in each node already.
            full = not above or own.startswith(above + ".")
            codes[object_id] = own if full else f"{above}.{own}"
        return codes[object_id]

    kids: dict[str, list[Element]] = {}
    for node in by_id.values():
        parent = text(node, "ParentObjectId")
        kids.setdefault(parent if parent in by_id else "", []).append(node)
    stack = list(reversed(kids.get("", [])))
    while stack:
        node = stack.pop()
        object_id = text(node, "ObjectId")
        parent = text(node, "ParentObjectId")
        document.tasks.append(TaskDoc(
            external_id=WBS_PREFIX + code(object_id), name=text(node, "Name"),
            wbs=code(object_id), is_summary=True,
            parent_id=WBS_PREFIX + code(parent) if parent in by_id else None))
        stack.extend(reversed(kids.get(object_id, [])))
    return {object_id: WBS_PREFIX + code(object_id) for object_id in by_id}


def _read_activities(project: Element, wbs: dict[str, str | None],
                     document: ScheduleDocument) -> dict[str, str]:
    activities = children(project, "Activity")
    if len(activities) > MAX_TASKS:
        raise FormatError("too_large", f"{len(activities)} activities, at most {MAX_TASKS}")
    notes: dict[str, list[str]] = {}
    for note in children(project, "ActivityNote"):
        plain = " ".join(_TAG.sub(" ", text(note, "Note")).split())
        notes.setdefault(text(note, "ActivityObjectId"), []).append(plain)
    fraction = all((to_float(text(a, "PercentComplete"), 0.0) or 0.0) <= 1.0
                   for a in activities)
    ids: dict[str, str] = {}
    for el in activities:
        object_id = text(el, "ObjectId")
        code = text(el, "Id") or object_id
        if code in ids.values():
            code = f"{code}#{object_id}"
        ids[object_id] = code
        task = _activity(el, code, wbs.get(text(el, "WBSObjectId")), fraction, document)
        task.notes = "\n".join(n for n in notes.get(object_id, []) if n)
        document.tasks.append(task)
    _order_under_wbs(document)
    return ids


def _activity(el: Element, code: str, parent: str | None, fraction: bool,
              document: ScheduleDocument) -> TaskDoc:
    cstr = text(el, "PrimaryConstraintType")
    percent = to_float(text(el, "PercentComplete"), 0.0) or 0.0
    duration = (hours_to_minutes(text(el, "PlannedDuration"))
                or hours_to_minutes(text(el, "AtCompletionDuration")) or 0)
    task = TaskDoc(
        external_id=code,
        name=text(el, "Name"),
        wbs=parent[len(WBS_PREFIX):] if parent else text(el, "WBSCode"),
        parent_id=parent,
        is_milestone=text(el, "Type") in XML_MILESTONES,
        duration=duration,
        remaining_duration=hours_to_minutes(text(el, "RemainingDuration")),
        constraint=XML_CONSTRAINTS.get(cstr, Constraint.ASAP),
        constraint_date=(to_datetime(text(el, "PrimaryConstraintDate"))
                         if cstr in XML_CONSTRAINTS else None),
        actual_start=to_datetime(text(el, "ActualStartDate")),
        actual_finish=to_datetime(text(el, "ActualFinishDate")),
        percent_complete=percent * 100 if fraction else percent,
        calendar_id=text(el, "CalendarObjectId") or None,
        file_start=to_datetime(text(el, "StartDate")),
        file_finish=to_datetime(text(el, "FinishDate")),
        file_early_start=to_datetime(text(el, "EarlyStartDate")),
        file_early_finish=to_datetime(text(el, "EarlyFinishDate")),
        file_late_start=to_datetime(text(el, "LateStartDate")),
        file_late_finish=to_datetime(text(el, "LateFinishDate")),
        file_total_float=hours_to_minutes(text(el, "TotalFloat")),
    )
    if cstr in MANDATORY:
        document.warn("unsupported_constraint", code, f"{cstr} overrides logic in P6")
    elif cstr and cstr not in XML_CONSTRAINTS and cstr != "As Soon As Possible":
        document.warn("unsupported_constraint", code, f"unknown constraint {cstr}")
    if text(el, "SecondaryConstraintType"):
        document.warn("unsupported_constraint", code,
                      f"secondary {text(el, 'SecondaryConstraintType')}")
    if text(el, "Type") in ("Level of Effort", "WBS Summary"):
        document.warn("unsupported_task_type", code, f"{text(el, 'Type')} scheduled as a task")
    if task.calendar_id and document.calendar(task.calendar_id) is None:
        document.warn("unknown_calendar", code, f"calendar {task.calendar_id} is missing")
        task.calendar_id = None
    return task


def _order_under_wbs(document: ScheduleDocument) -> None:
    activities: dict[str | None, list[TaskDoc]] = {}
    nodes = [t for t in document.tasks if t.is_summary and t.external_id.startswith(WBS_PREFIX)]
    for task in document.tasks:
        if task not in nodes:
            activities.setdefault(task.parent_id, []).append(task)
    ordered = list(activities.get(None, []))
    for node in nodes:
        ordered.append(node)
        ordered.extend(activities.get(node.external_id, []))
    document.tasks[:] = ordered


def _read_relationships(elements: list[Element], ids: dict[str, str],
                        document: ScheduleDocument) -> None:
    seen: set[str] = set()
    for el in elements:
        key = text(el, "ObjectId") or str(id(el))
        if key in seen:
            continue
        seen.add(key)
        pred = ids.get(text(el, "PredecessorActivityObjectId"))
        succ = ids.get(text(el, "SuccessorActivityObjectId"))
        if pred is None and succ is None:
            continue
        if pred is None or succ is None:
            side = "Predecessor" if pred is None else "Successor"
            other = text(el, f"{side}ActivityObjectId")
            document.warn("external_link", pred or succ,
                          f"{side.lower()} activity {other} in another project")
            continue
        kind = XML_LINKS.get(text(el, "Type"))
        if kind is None:
            document.warn("bad_value", succ, f"relationship type {text(el, 'Type')}")
            continue
        document.links.append(LinkDoc(pred, succ, kind,
                                      hours_to_minutes(text(el, "Lag")) or 0))
