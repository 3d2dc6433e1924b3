"""Read Microsoft Project XML (MSPDI, namespace http://schemas.microsoft.com/project).

``write_mspdi`` lives in :mod:`.mspdi_writer` and is re-exported here.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from eoms.scheduling.engine.model import Constraint, LinkType

from .common import (
    MAX_TASKS,
    check_size,
    child,
    children,
    iso_duration_minutes,
    local,
    parse_xml,
    text,
    to_bool,
    to_datetime,
    to_float,
    to_int,
)
from .document import (
    LAG_ELAPSED,
    LAG_PERCENT,
    SOURCE_MSPDI,
    LinkDoc,
    ProjectInfo,
    ScheduleDocument,
    TaskDoc,
)
from .errors import FormatError
from .mspdi_calendar import read_calendars
from .mspdi_writer import write_mspdi

__all__ = ["NAMESPACE", "read_mspdi", "write_mspdi"]

NAMESPACE = "http://schemas.microsoft.com/project"

CONSTRAINTS = {
    0: Constraint.ASAP, 1: Constraint.ALAP, 2: Constraint.MSO, 3: Constraint.MFO,
    4: Constraint.SNET, 5: Constraint.SNLT, 6: Constraint.FNET, 7: Constraint.FNLT,
}
LINK_TYPES = {0: LinkType.FF, 1: LinkType.FS, 2: LinkType.SF, 3: LinkType.SS}
ELAPSED_FORMATS = {4, 6, 8, 10, 12, 20, 36, 38, 40, 42, 44, 52}
PERCENT_FORMATS = {19, 20, 51, 52}


def read_mspdi(data: bytes | Element, *, require_tasks: bool = True) -> ScheduleDocument:
    """Read an MSPDI file; ``require_tasks=False`` accepts a calendar-only file."""
    if isinstance(data, bytes | bytearray):
        check_size(bytes(data))
        root = parse_xml(bytes(data))
    else:
        root = data
    if local(root.tag) != "Project":
        raise FormatError("unknown_format", f"root element {local(root.tag)}, not Project")
    document = ScheduleDocument(project=_read_project(root))
    read_calendars(root, document)
    _read_tasks(root, document)
    _warn_resource_calendars(root, document)
    if require_tasks and not document.tasks:
        raise FormatError("no_tasks", "the project has no tasks")
    return document


def _read_project(root: Element) -> ProjectInfo:
    calendar_uid = text(root, "CalendarUID")
    return ProjectInfo(
        name=text(root, "Title") or text(root, "Name"),
        external_id=text(root, "GUID") or text(root, "UID"),
        start=to_datetime(text(root, "StartDate")),
        finish=to_datetime(text(root, "FinishDate")),
        status_date=to_datetime(text(root, "StatusDate")),
        minutes_per_day=to_int(text(root, "MinutesPerDay"), 480) or 480,
        minutes_per_week=to_int(text(root, "MinutesPerWeek"), 2400) or 2400,
        default_calendar_id=calendar_uid if calendar_uid not in ("", "-1") else None,
        source_format=SOURCE_MSPDI,
        options={
            "schedule_from_start": "Y" if to_bool(text(root, "ScheduleFromStart", "1")) else "N",
            "honor_constraints": "Y" if to_bool(text(root, "HonorConstraints", "1")) else "N",
        },
    )


def _read_tasks(root: Element, document: ScheduleDocument) -> None:
    container = child(root, "Tasks")
    elements = children(container, "Task") if container is not None else []
    if len(elements) > MAX_TASKS:
        raise FormatError("too_large", f"{len(elements)} tasks, at most {MAX_TASKS}")
    parents: list[tuple[int, str]] = []  # the open outline: (level, uid)
    links: list[tuple[str, Element]] = []
    for el in elements:
        uid = text(el, "UID")
        if not uid:
            continue
        if to_bool(text(el, "IsNull")):
            document.warn("null_task", uid, "a blank row in the task list")
            continue
        level = to_int(text(el, "OutlineLevel"))
        if level is None:
            level = text(el, "OutlineNumber").count(".") + 1
        if uid == "0" or level <= 0:
            document.project.name = document.project.name or text(el, "Name")
            continue  # the project summary task stands for the project itself
        while parents and parents[-1][0] >= level:
            parents.pop()
        task = _read_task(el, uid, document)
        task.parent_id = parents[-1][1] if parents else None
        parents.append((level, uid))
        document.tasks.append(task)
        links.extend((uid, link) for link in children(el, "PredecessorLink"))
    _mark_summaries(document)
    known = {t.external_id for t in document.tasks}
    for successor, el in links:
        _read_link(el, successor, known, document)


def _read_task(el: Element, uid: str, document: ScheduleDocument) -> TaskDoc:
    duration = iso_duration_minutes(text(el, "Duration")) or 0
    if to_int(text(el, "DurationFormat"), 7) in ELAPSED_FORMATS:
        document.warn("elapsed_duration", uid, "an elapsed duration is counted as working time")
    constraint = CONSTRAINTS.get(to_int(text(el, "ConstraintType"), 0) or 0, Constraint.ASAP)
    calendar = text(el, "CalendarUID")
    total_slack = to_int(text(el, "TotalSlack"))
    task = TaskDoc(
        external_id=uid,
        name=text(el, "Name"),
        wbs=text(el, "WBS") or text(el, "OutlineNumber"),
        is_summary=to_bool(text(el, "Summary")),
        is_milestone=to_bool(text(el, "Milestone")),
        duration=duration,
        remaining_duration=iso_duration_minutes(text(el, "RemainingDuration")),
        constraint=constraint,
        constraint_date=(to_datetime(text(el, "ConstraintDate"))
                         if constraint != Constraint.ASAP else None),
        actual_start=to_datetime(text(el, "ActualStart")),
        actual_finish=to_datetime(text(el, "ActualFinish")),
        percent_complete=to_float(text(el, "PercentComplete"), 0.0) or 0.0,
        calendar_id=calendar if calendar not in ("", "-1") else None,
        file_start=to_datetime(text(el, "Start")),
        file_finish=to_datetime(text(el, "Finish")),
        file_early_start=to_datetime(text(el, "EarlyStart")),
        file_early_finish=to_datetime(text(el, "EarlyFinish")),
        file_late_start=to_datetime(text(el, "LateStart")),
        file_late_finish=to_datetime(text(el, "LateFinish")),
        file_total_float=None if total_slack is None else round(total_slack / 10),
        leveling_delay=round((to_int(text(el, "LevelingDelay"), 0) or 0) / 10),
        notes=text(el, "Notes"),
    )
    if constraint not in (Constraint.ASAP, Constraint.ALAP) and task.constraint_date is None:
        document.warn("unsupported_constraint", uid, f"{constraint} without a date")
        task.constraint = Constraint.ASAP
    for baseline in children(el, "Baseline"):
        if text(baseline, "Number", "0") == "0":
            task.baseline_start = to_datetime(text(baseline, "Start"))
            task.baseline_finish = to_datetime(text(baseline, "Finish"))
            task.baseline_duration = iso_duration_minutes(text(baseline, "Duration"))
    if task.calendar_id is not None and document.calendar(task.calendar_id) is None:
        document.warn("unknown_calendar", uid, f"calendar {task.calendar_id} is missing")
        task.calendar_id = None
    return task


def _mark_summaries(document: ScheduleDocument) -> None:
    """A task with children is a summary; a zero-length task that is not one is a milestone
    (ProjectLibre leaves both flags at 0)."""
    parents = {t.parent_id for t in document.tasks if t.parent_id is not None}
    for task in document.tasks:
        task.is_summary = task.external_id in parents
        if not task.is_summary and task.duration == 0:
            task.is_milestone = True


def _read_link(el: Element, successor: str, known: set[str],
               document: ScheduleDocument) -> None:
    predecessor = text(el, "PredecessorUID")
    if to_bool(text(el, "CrossProject")):
        where = text(el, "CrossProjectName") or "another project"
        document.warn("external_link", successor, f"predecessor {predecessor} in {where}")
        return
    if predecessor not in known:
        document.warn("unknown_link_target", successor, f"predecessor {predecessor} is not a task")
        return
    raw_lag = to_int(text(el, "LinkLag"), 0) or 0
    lag_format = to_int(text(el, "LagFormat"), 7) or 7
    link = LinkDoc(predecessor, successor,
                   LINK_TYPES.get(to_int(text(el, "Type"), 1) or 0, LinkType.FS))
    if lag_format in PERCENT_FORMATS:
        link.lag_kind, link.lag_percent = LAG_PERCENT, float(raw_lag)
        document.warn("percent_lag", successor, f"lag {raw_lag}% of the predecessor")
    else:
        link.lag = round(raw_lag / 10)
        if lag_format in ELAPSED_FORMATS:
            link.lag_kind = LAG_ELAPSED
            document.warn("elapsed_lag", successor, f"lag of {link.lag} elapsed minutes")
    document.links.append(link)


def _warn_resource_calendars(root: Element, document: ScheduleDocument) -> None:
    """MS Project schedules a task with resources on the resources' calendars and spreads
    contoured work over a longer span; EOMS uses the task calendar and duration. Say where."""
    resources = child(root, "Resources")
    assignments = child(root, "Assignments")
    if resources is None or assignments is None:
        return
    calendar_of = {text(r, "UID"): text(r, "CalendarUID") for r in children(resources, "Resource")}
    tasks = document.task_map()
    flagged: set[str] = set()
    for el in children(assignments, "Assignment"):
        task = tasks.get(text(el, "TaskUID"))
        if task is not None and to_int(text(el, "WorkContour"), 0):
            document.warn("work_contour", task.external_id,
                          f"assignment {text(el, 'UID')} has a work contour")
        resource_calendar = calendar_of.get(text(el, "ResourceUID"), "")
        if task is None or task.external_id in flagged or not resource_calendar:
            continue
        if document.calendar(resource_calendar) is None:
            continue
        mine = document.resolve_calendar(task.calendar_id)
        theirs = document.resolve_calendar(resource_calendar)
        if (mine.week, mine.exceptions) != (theirs.week, theirs.exceptions):
            flagged.add(task.external_id)
            document.warn("resource_calendar", task.external_id,
                          f"resource {text(el, 'ResourceUID')} works on calendar "
                          f"{resource_calendar}")
