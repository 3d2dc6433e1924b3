"""The engine against MS Project's own dates in two real MSPDI files.

/work/shared/corpus/schedules/SOURCES.md: ``mspdirelations.xml`` has one minimal case per
link type, ``sample.xml`` all four link types with lags, a lead, SNET constraints, a
milestone and a WBS. Both were computed by MS Project, so their Start/Finish are the oracle.

The few fields needed are read here with ElementTree on purpose: this checks the engine,
not the MSPDI reader in eoms.scheduling.formats.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path

import pytest

from eoms.scheduling.engine import (
    CalendarSpec,
    Constraint,
    LinkSpec,
    LinkType,
    ScheduleSpec,
    TaskSpec,
    WorkingTime,
    schedule,
)

CORPUS = Path("/work/shared/corpus/schedules")
NS = {"p": "http://schemas.microsoft.com/project"}
LINK_TYPES = {"0": LinkType.FF, "1": LinkType.FS, "2": LinkType.SF, "3": LinkType.SS}
CONSTRAINTS = {
    "0": Constraint.ASAP,
    "1": Constraint.ALAP,
    "2": Constraint.MSO,
    "3": Constraint.MFO,
    "4": Constraint.SNET,
    "5": Constraint.SNLT,
    "6": Constraint.FNET,
    "7": Constraint.FNLT,
}
STANDARD = CalendarSpec("standard", intervals=((time(8), time(12)), (time(13), time(17))))

pytestmark = pytest.mark.skipif(not CORPUS.exists(), reason="schedule corpus not available")


@dataclass
class MsTask:
    uid: str
    start: datetime
    finish: datetime
    summary: bool
    has_actuals: bool
    total_slack: int  # minutes


def _text(element: ET.Element, name: str) -> str | None:
    return element.findtext(f"p:{name}", namespaces=NS)


def _minutes(duration: str) -> int:
    hours, minutes, seconds = re.fullmatch(r"PT(\d+)H(\d+)M(\d+)S", duration).groups()
    return int(hours) * 60 + int(minutes) + int(seconds) // 60


def read_mspdi(path: Path) -> tuple[ScheduleSpec, dict[str, MsTask]]:
    """The schedule as a ScheduleSpec and MS Project's answer per task UID."""
    root = ET.parse(path).getroot()
    by_outline: dict[str, str] = {}
    tasks, links, answers = [], [], {}
    for element in root.findall("p:Tasks/p:Task", NS):
        uid, outline = _text(element, "UID"), _text(element, "OutlineNumber")
        if _text(element, "OutlineLevel") == "0":
            continue  # the project summary row
        by_outline[outline] = uid
        parent = by_outline.get(outline.rpartition(".")[0]) if "." in outline else None
        constraint_date = _text(element, "ConstraintDate")
        tasks.append(
            TaskSpec(
                key=uid,
                duration=_minutes(_text(element, "Duration")),
                parent=parent,
                constraint=CONSTRAINTS[_text(element, "ConstraintType") or "0"],
                constraint_date=datetime.fromisoformat(constraint_date)
                if constraint_date
                else None,
                milestone=_text(element, "Milestone") == "1",
            )
        )
        for link in element.findall("p:PredecessorLink", NS):
            links.append(
                LinkSpec(
                    predecessor=_text(link, "PredecessorUID"),
                    successor=uid,
                    type=LINK_TYPES[_text(link, "Type")],
                    lag=int(_text(link, "LinkLag")) // 10,  # tenths of minutes
                )
            )
        answers[uid] = MsTask(
            uid=uid,
            start=datetime.fromisoformat(_text(element, "Start")),
            finish=datetime.fromisoformat(_text(element, "Finish")),
            summary=_text(element, "Summary") == "1",
            has_actuals=bool(_text(element, "ActualStart")),
            total_slack=int(_text(element, "TotalSlack")) // 10,
        )
    spec = ScheduleSpec(
        start=datetime.fromisoformat(_text(root, "StartDate")),
        calendars={"standard": STANDARD},
        default_calendar="standard",
        tasks=tasks,
        links=links,
    )
    return spec, answers


def _compared(answers: dict[str, MsTask], excluded: set[str]) -> list[MsTask]:
    return [
        task
        for uid, task in answers.items()
        if not task.summary and not task.has_actuals and uid not in excluded
    ]


# MS Project writes the finish of a task whose finish is set by an SF link (its
# predecessor's start) as 08:00 of the next working day. That is the same working instant
# as the engine's 17:00 of the working day before (no working minute lies between them), so
# for those tasks the finish is compared as a working instant; the date part differs.
SF_DRIVEN_FINISH = {"mspdirelations.xml": {"5"}, "sample.xml": {"21"}}


@pytest.mark.parametrize("name", ["mspdirelations.xml", "sample.xml"])
def test_it_gives_ms_projects_early_dates(name):
    spec, answers = read_mspdi(CORPUS / name)
    # sample.xml task 2 ("Second Task") is resource-driven: its 800 h duration is spread
    # over two resources' own calendars (one a night shift), which EOMS does not model, so
    # MS Project's dates for it cannot be reproduced. No other task depends on it.
    excluded = {"2"} if name == "sample.xml" else set()
    result = schedule(spec)
    clock = WorkingTime(STANDARD, spec.start.date())
    compared = _compared(answers, excluded)
    assert len(compared) >= (5 if name == "mspdirelations.xml" else 15)
    for ms in compared:
        ours = result.tasks[ms.uid]
        assert ours.early_start == ms.start, ms.uid
        if ms.uid in SF_DRIVEN_FINISH[name]:
            assert ms.finish.time() == time(8)
            assert clock.to_offset(ours.early_finish) == clock.to_offset(ms.finish), ms.uid
            assert ours.early_finish.date() < ms.finish.date()
        else:
            assert ours.early_finish == ms.finish, ms.uid
            assert ours.early_finish.date() == ms.finish.date()


def test_it_gives_ms_projects_total_slack_on_the_link_types_file():
    spec, answers = read_mspdi(CORPUS / "mspdirelations.xml")
    result = schedule(spec)
    for ms in _compared(answers, set()):
        assert result.tasks[ms.uid].total_float == ms.total_slack, ms.uid
    assert result.critical_path == ["1", "2", "3", "4"]


def test_it_rolls_summaries_up_like_ms_project():
    spec, answers = read_mspdi(CORPUS / "sample.xml")
    result = schedule(spec)
    relations = result.tasks["19"]  # "Task Relationships": children 9..18, 20, 21
    assert relations.is_summary
    assert relations.early_start == answers["19"].start
    assert relations.early_finish == answers["19"].finish
    recurring = result.tasks["6"]  # "Recurring Task": two SNET children a month apart
    assert (recurring.early_start, recurring.early_finish) == (
        answers["6"].start,
        answers["6"].finish,
    )
