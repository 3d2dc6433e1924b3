"""Primavera P6 XML (APIBusinessObjects)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from eoms.scheduling.engine.model import Constraint, LinkType
from eoms.scheduling.formats import FormatError, read_schedule
from eoms.scheduling.formats.p6xml import read_p6xml

CORPUS = Path("/work/shared/corpus/schedules")


def read(name: str, project: str | None = None):
    return read_p6xml((CORPUS / name).read_bytes(), project)


@pytest.mark.parametrize(("name", "activities", "wbs", "links", "calendars"), [
    ("primavera.xml", 137, 39, 498, 34),
    ("PrimaveraProject.xml", 13, 5, 12, 1),
    ("MultiprojectWithExternal.xml", 2, 0, 0, 2),
    ("PredecessorCalendar.xml", 1, 0, 0, 1),
])
def test_it_counts_activities_wbs_links_and_calendars(name, activities, wbs, links, calendars):
    doc = read_schedule((CORPUS / name).read_bytes(), name)
    summaries = [t for t in doc.tasks if t.is_summary]
    assert (len(doc.tasks) - len(summaries), len(summaries)) == (activities, wbs)
    assert (len(doc.links), len(doc.calendars)) == (links, calendars)
    assert doc.project.source_format == "p6xml"


def test_the_last_working_minute_is_read_as_the_end_of_the_hour():
    cal = read("PredecessorCalendar.xml").resolve_calendar("12002")
    assert cal.week[0] == ((420, 720), (750, 930))  # 07:00-11:59, 12:30-15:29
    assert cal.week[5] == () and cal.week[6] == ()


def test_it_reads_holidays_and_working_exceptions():
    doc = read("primavera.xml")
    standard = doc.resolve_calendar("1")
    assert standard.week[0] == ((480, 720), (780, 1020))
    assert standard.exceptions[date(1999, 5, 1)] == ((480, 720), (780, 1020))
    holidays = read("MultiprojectWithExternal.xml").resolve_calendar("178").exceptions
    assert holidays[date(2013, 1, 1)] == ()


def test_it_reads_activities_relationships_and_wbs_codes():
    doc = read("primavera.xml")
    task = doc.task("A1000")
    assert task.name == "Acquire Staff" and task.duration == 112 * 60
    assert task.parent_id == "WBS:1.1" and doc.task("WBS:1.1").name == "Manage Iteration"
    assert task.file_early_start == datetime(1999, 5, 3, 8)
    names = {t.external_id: t.name for t in doc.tasks}
    ff = next(x for x in doc.links if names[x.predecessor_id] == "Project Planning Review"
              and names[x.successor_id] == "Iteration Plan Review")
    assert ff.type == LinkType.FF and ff.lag == 0
    assert {x.type for x in doc.links} >= {LinkType.FS, LinkType.FF}


def test_decimal_commas_are_numbers():
    doc = read("PrimaveraProject.xml")
    design = doc.task("PD1030")
    assert design.duration == round(70.583333 * 60)
    lead = next(x for x in doc.links if x.successor_id == "PD1040" and x.predecessor_id == "PD1030")
    assert lead.lag == -40 * 60


def test_percent_complete_is_a_fraction_in_p6_xml():
    task = read("PredecessorCalendar.xml").task("A1000")
    assert task.percent_complete == 100.0 and task.actual_finish == datetime(2021, 4, 19, 15, 30)


def test_it_picks_a_project_and_flags_external_relationships():
    doc = read("MultiprojectWithExternal.xml")
    assert doc.project.external_id == "TestProject2" and doc.project.name == "New Project2"
    assert [(w.code, w.external_id) for w in doc.warnings] == [("external_link", "A1010")]
    first = read("MultiprojectWithExternal.xml", "TestProject")
    assert [t.name for t in first.tasks] == ["Задача 1"]
    with pytest.raises(FormatError) as caught:
        read("MultiprojectWithExternal.xml", "missing")
    assert caught.value.code == "project_not_found"


def test_the_xml_and_xer_forms_of_one_schedule_agree():
    xml, xer = read("MultiprojectWithExternal.xml"), read_schedule(
        (CORPUS / "MultiprojectWithExternal.xer").read_bytes(), "x.xer")
    assert [(t.external_id, t.name, t.duration, t.calendar_id) for t in xml.tasks] == [
        (t.external_id, t.name, t.duration, t.calendar_id) for t in xer.tasks]
    assert xml.resolve_calendar("178").week == xer.resolve_calendar("178").week
    assert xml.resolve_calendar("178").exceptions == xer.resolve_calendar("178").exceptions
    assert xml.task("A1000").constraint == Constraint.ASAP
