"""MS Project XML: reading the corpus files and writing them back."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring

from eoms.scheduling.engine.model import Constraint, LinkType
from eoms.scheduling.formats import read_schedule
from eoms.scheduling.formats.common import parse_xml
from eoms.scheduling.formats.document import LAG_ELAPSED, LAG_PERCENT, ScheduleDocument
from eoms.scheduling.formats.mspdi import read_mspdi, write_mspdi
from eoms.scheduling.formats.mspdi_calendar import read_calendars

CORPUS = Path("/work/shared/corpus/schedules")
NS = "{http://schemas.microsoft.com/project}"
MSPDI_FILES = ["sample.xml", "mspdirelations.xml", "mspdinulltasks.xml", "mspditimephased.xml",
               "New Product.xml", "calendar-calendars-project2019-mspdi.xml",
               "calendar-recurring-exceptions-project2016-mspdi.xml"]


def read(name: str) -> ScheduleDocument:
    return read_mspdi((CORPUS / name).read_bytes(), require_tasks=False)


@pytest.mark.parametrize(("name", "tasks", "links", "calendars"), [
    ("sample.xml", 19, 6, 4),
    ("mspdirelations.xml", 5, 4, 1),
    ("mspdinulltasks.xml", 5, 0, 1),
    ("mspditimephased.xml", 40, 0, 44),
    ("New Product.xml", 42, 37, 4),
    ("calendar-calendars-project2019-mspdi.xml", 0, 0, 5),
    ("calendar-recurring-exceptions-project2016-mspdi.xml", 0, 0, 1),
])
def test_it_counts_tasks_links_and_calendars(name, tasks, links, calendars):
    doc = read(name)
    assert (len(doc.tasks), len(doc.links), len(doc.calendars)) == (tasks, links, calendars)
    assert doc.project.source_format == "mspdi"


def test_it_reads_all_four_link_types_with_lags_in_working_minutes():
    doc = read("mspdirelations.xml")
    links = {(link.predecessor_id, link.successor_id): link for link in doc.links}
    assert links["1", "2"].type == LinkType.FS and links["1", "2"].lag == 0
    assert links["2", "3"].type == LinkType.SS and links["2", "3"].lag == 480  # 4800 tenths
    assert links["3", "4"].type == LinkType.FF
    assert links["4", "5"].type == LinkType.SF
    sample = {(x.predecessor_id, x.successor_id): x.lag for x in read("sample.xml").links}
    assert sample["11", "12"] == 480 and sample["13", "14"] == -480  # 1 day lag, 1 day lead


def test_it_reads_the_outline_as_parents_summaries_and_milestones():
    doc = read("sample.xml")
    tasks = doc.task_map()
    assert "0" not in tasks  # the project summary task stands for the project
    assert doc.project.name == "sample"
    assert tasks["2"].parent_id == "1" and tasks["2"].wbs == "1.1"
    assert tasks["1"].is_summary and not tasks["2"].is_summary
    assert tasks["3"].is_milestone and tasks["3"].duration == 0
    assert tasks["2"].duration == 800 * 60
    assert tasks["1"].notes == "Test Task Notes"
    assert tasks["7"].constraint == Constraint.SNET
    assert tasks["7"].constraint_date == datetime(2003, 2, 1, 8, 0)
    assert tasks["3"].file_total_float == 24000  # TotalSlack is in tenths of a minute
    assert tasks["21"].file_finish == datetime(2003, 1, 8, 8, 0)


def test_it_derives_summaries_and_milestones_when_projectlibre_leaves_flags_at_zero():
    tasks = read("New Product.xml").task_map()
    assert tasks["3"].name == "Design Phase" and tasks["3"].is_summary
    assert tasks["6"].name == "Prototype completed" and tasks["6"].is_milestone
    assert tasks["4"].parent_id == "3"
    lag = next(x for x in read("New Product.xml").links if x.successor_id == "28")
    assert lag.lag == -7200  # -15 days


def test_it_skips_blank_rows_and_says_so():
    doc = read("mspdinulltasks.xml")
    assert [t.name for t in doc.tasks] == ["Task 1", "Task 2", "Task 3", "Task 4", "Task 5"]
    assert sorted(w.external_id for w in doc.warnings if w.code == "null_task") == ["2", "5", "7"]
    assert doc.task("3").parent_id == "1" and doc.task("8").parent_id == "6"


def test_it_reads_progress_and_actuals():
    tasks = read("mspditimephased.xml").task_map()
    assert tasks["4"].percent_complete == 50
    assert tasks["4"].actual_start == datetime(2008, 11, 20, 9)
    assert tasks["7"].actual_finish == datetime(2008, 12, 3, 12) and tasks["7"].has_actuals
    assert not tasks["1"].has_actuals


def test_it_expands_recurring_exceptions_exactly_as_ms_project_did():
    """Project 2016 wrote each recurring exception both as a rule (<Exceptions>) and as
    the dates it expanded to (WeekDay DayType=0): the two must agree, all 140 dates."""
    root = parse_xml((CORPUS / "calendar-recurring-exceptions-project2016-mspdi.xml").read_bytes())
    for calendar in root.iter(f"{NS}Calendar"):
        for exceptions in calendar.findall(f"{NS}Exceptions"):
            calendar.remove(exceptions)  # keep only the old, expanded form
    old = ScheduleDocument()
    read_calendars(root, old)
    new = read("calendar-recurring-exceptions-project2016-mspdi.xml")
    expanded = {(e.day, e.hours) for e in new.calendars[0].exceptions}
    assert len(expanded) == 140
    assert expanded == {(e.day, e.hours) for e in old.calendars[0].exceptions}
    by_day = {e.day: e for e in new.calendars[0].exceptions}
    assert {d for d in by_day if by_day[d].name == "Weekly 7 Sunday"} >= {date(2002, 3, 17)}
    assert by_day[date(2010, 1, 2)].hours == ((540, 780), (840, 1020))  # working Saturday
    first_monday = by_day[date(2002, 1, 7)]
    assert first_monday.name == "Monthly Relative 1" and not first_monday.hours


def test_it_inherits_weekdays_and_exceptions_from_the_base_calendar():
    doc = read("calendar-calendars-project2019-mspdi.xml")
    resource = doc.calendar("5")
    assert resource.name == "Resource One" and resource.parent_id == "1" and not resource.week
    resolved = doc.resolve_calendar("5")
    assert resolved.week == doc.resolve_calendar("1").week
    assert resolved.week[0] == ((480, 720), (780, 1020)) and resolved.week[6] == ()
    assert doc.calendar("3").parent_id is None  # BaseCalendarUID 0 names no calendar


def test_a_derived_calendar_overrides_what_it_changes():
    doc = read("sample.xml")
    assert doc.resolve_calendar("4").week == doc.resolve_calendar("2").week
    night = doc.resolve_calendar("2")
    assert night.week[0] == ((1380, 1440),)  # 23:00 to midnight
    assert night.week[5] == ((0, 180), (240, 480))


def semantic(doc: ScheduleDocument):
    """What a round trip must keep."""
    tasks = [(t.external_id, t.name, t.wbs, t.parent_id, t.is_summary, t.is_milestone,
              t.duration, t.remaining_duration, t.constraint, t.constraint_date,
              t.actual_start, t.actual_finish, t.percent_complete, t.calendar_id,
              t.file_start, t.file_finish, t.file_early_start, t.file_early_finish,
              t.file_late_start, t.file_late_finish, t.file_total_float,
              t.baseline_start, t.baseline_finish, t.baseline_duration, t.notes)
             for t in doc.tasks]
    links = sorted((x.predecessor_id, x.successor_id, x.type, x.lag, x.lag_kind, x.lag_percent)
                   for x in doc.links)
    calendars = [(c.id, c.name, c.parent_id, doc.resolve_calendar(c.id).week,
                  doc.resolve_calendar(c.id).exceptions) for c in doc.calendars]
    p = doc.project
    project = (p.name, p.start, p.finish, p.status_date, p.minutes_per_day,
               p.default_calendar_id)
    return project, tasks, links, calendars


@pytest.mark.parametrize("name", MSPDI_FILES)
def test_write_then_read_keeps_every_semantic_field(name):
    first = read(name)
    written = write_mspdi(first)
    again = read_mspdi(written, require_tasks=False)
    assert semantic(again) == semantic(first)
    assert semantic(read_mspdi(write_mspdi(again), require_tasks=False)) == semantic(first)


def test_the_written_file_follows_the_mspdi_schema_order():
    root = fromstring(write_mspdi(read("sample.xml")))
    assert root.tag == f"{NS}Project"
    top = [c.tag.removeprefix(NS) for c in root]
    assert top[0] == "SaveVersion" and "CurrencyCode" in top
    assert top.index("CalendarUID") < top.index("MinutesPerDay") < top.index("Calendars")
    assert top.index("Calendars") < top.index("Tasks")
    task = next(t for t in root.iter(f"{NS}Task") if t.findtext(f"{NS}UID") == "12")
    order = [c.tag.removeprefix(NS) for c in task]
    xsd = ["UID", "ID", "Name", "Type", "IsNull", "WBS", "OutlineNumber", "OutlineLevel",
           "Priority", "Start", "Finish", "Duration", "DurationFormat", "Estimated",
           "Milestone", "Summary", "EarlyStart", "EarlyFinish", "LateStart", "LateFinish",
           "TotalSlack", "PercentComplete", "RemainingDuration", "ConstraintType",
           "CalendarUID", "PredecessorLink"]
    assert [x for x in order if x in xsd] == xsd
    link = task.find(f"{NS}PredecessorLink")
    assert [c.tag.removeprefix(NS) for c in link] == ["PredecessorUID", "Type", "CrossProject",
                                                      "LinkLag", "LagFormat"]
    assert link.findtext(f"{NS}LinkLag") == "4800" and link.findtext(f"{NS}LagFormat") == "7"
    summary = next(iter(root.iter(f"{NS}Task")))
    assert summary.findtext(f"{NS}UID") == "0" and summary.findtext(f"{NS}OutlineLevel") == "0"


def test_it_writes_calendar_exceptions_in_both_forms():
    doc = read("calendar-recurring-exceptions-project2016-mspdi.xml")
    root = fromstring(write_mspdi(doc))
    old_form = [w for w in root.iter(f"{NS}WeekDay") if w.findtext(f"{NS}DayType") == "0"]
    assert old_form and len(list(root.iter(f"{NS}Exception"))) == len(old_form)
    assert semantic(read_mspdi(write_mspdi(doc), require_tasks=False))[3] == semantic(doc)[3]


def test_it_writes_elapsed_and_percent_lags_with_their_formats():
    doc = read("mspdirelations.xml")
    doc.links[0].lag_kind, doc.links[0].lag = LAG_ELAPSED, 1440
    doc.links[1].lag_kind, doc.links[1].lag, doc.links[1].lag_percent = LAG_PERCENT, 0, 50.0
    again = read_mspdi(write_mspdi(doc))
    assert (again.links[0].lag_kind, again.links[0].lag) == (LAG_ELAPSED, 1440)
    assert (again.links[1].lag_kind, again.links[1].lag_percent) == (LAG_PERCENT, 50.0)
    assert {w.code for w in again.warnings} >= {"elapsed_lag", "percent_lag"}


def test_a_p6_schedule_is_written_as_mspdi_with_numbered_uids():
    doc = read_schedule((CORPUS / "test.xer").read_bytes(), "test.xer")
    again = read_mspdi(write_mspdi(doc))
    assert len(again.tasks) == len(doc.tasks) and len(again.links) == len(doc.links)
    names = {t.name for t in again.tasks}
    assert "Commence Post LoS activities" in names
    by_name = {t.name: t for t in again.tasks}
    original = {t.name: t for t in doc.tasks}
    key = "Commence Post LoS activities"
    assert by_name[key].parent_id is not None
    assert again.task(by_name[key].parent_id).name == original["Key Milestones"].name


def test_characters_xml_cannot_hold_are_dropped_from_written_names():
    doc = read("mspdirelations.xml")
    doc.tasks[0].name = "Pour\x01 slab\x0b 浇筑"
    doc.tasks[0].notes = "a\x00b"
    again = read_mspdi(write_mspdi(doc))
    assert again.tasks[0].name == "Pour slab 浇筑" and again.tasks[0].notes == "ab"
