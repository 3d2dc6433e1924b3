"""Every corpus schedule, scheduled by the EOMS engine and compared with the dates the
file's own scheduler (MS Project, P6, ProjectLibre, Aspose) wrote.

For every task EOMS's early start and finish must equal the file's (no working time
between them), or the difference must carry a known reason. For the MS Project and P6
oracles no difference may be unexplained.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eoms.scheduling.engine.cpm import schedule
from eoms.scheduling.formats import read_schedule
from eoms.scheduling.formats.to_engine import compare, summarize, to_spec

CORPUS = Path("/work/shared/corpus/schedules")
ORACLES = ["sample.xml", "mspdirelations.xml", "test.xer", "PredecessorCalendar.xer",
           "PredecessorCalendar.xml", "MultiprojectWithExternal.xer",
           "MultiprojectWithExternal.xml"]
# Dates computed by ProjectLibre or rewritten by Aspose, or resource-driven MS Project data.
SECONDARY = ["New Product.xml", "primavera.xml", "PrimaveraProject.xml", "mspdinulltasks.xml",
             "mspditimephased.xml", "encoding1251.xer"]
CALENDAR_ONLY = ["calendar-calendars-project2019-mspdi.xml",
                 "calendar-recurring-exceptions-project2016-mspdi.xml"]
REASONS = {"has_actuals", "external_link", "unsupported_constraint", "elapsed_lag",
           "calendar_detail", "resource_driven", "resource_levelling", "file_off_calendar",
           "summary", "unexplained"}
# Tasks whose dates must match exactly today: a floor, so a test cannot pass by explaining
# everything away.
EQUAL_AT_LEAST = {"sample.xml": 17, "mspdirelations.xml": 5, "test.xer": 669,
                  "MultiprojectWithExternal.xer": 2, "MultiprojectWithExternal.xml": 2,
                  "New Product.xml": 42, "mspdinulltasks.xml": 5, "mspditimephased.xml": 22,
                  "primavera.xml": 41, "encoding1251.xer": 2}


def run(name: str):
    document = read_schedule((CORPUS / name).read_bytes(), name)
    result = schedule(to_spec(document))
    differences = compare(document, result)
    return document, result, differences, summarize(document, result, differences)


def test_the_corpus_lists_are_complete():
    files = {p.name for p in CORPUS.iterdir() if p.suffix in (".xml", ".xer")}
    assert files == set(ORACLES + SECONDARY + CALENDAR_ONLY)


@pytest.mark.parametrize("name", ORACLES + SECONDARY)
def test_eoms_dates_equal_the_files_or_are_explained(name):
    document, result, differences, summary = run(name)
    assert summary.compared >= 1
    assert summary.equal + summary.explained + summary.unexplained == summary.compared
    assert summary.equal >= EQUAL_AT_LEAST.get(name, 0)
    assert {d.reason for d in differences} <= REASONS
    for diff in differences:
        task = document.task(diff.external_id)
        assert task is not None and diff.reason
        if diff.reason == "has_actuals" and diff.via is None:
            assert task.has_actuals  # a completed predecessor is no cause of its own
    if name in ORACLES:
        unexplained = [(d.external_id, d.field, d.file_date, d.eoms_date, d.via)
                       for d in differences if d.reason == "unexplained"]
        assert unexplained == []


def test_the_mspdi_oracle_matches_ms_project_task_by_task():
    document, result, differences, summary = run("sample.xml")
    assert (summary.compared, summary.equal) == (19, 17)
    # The two tasks MS Project scheduled on a resource's night-shift calendar.
    assert {(d.external_id, d.reason) for d in differences} == {
        ("1", "calendar_detail"), ("2", "calendar_detail")}
    relations = run("mspdirelations.xml")[3]
    assert (relations.compared, relations.equal) == (5, 5)


def test_the_p6_oracle_differences_all_trace_to_progress_or_a_mandatory_constraint():
    document, result, differences, summary = run("test.xer")
    assert (summary.compared, summary.equal, summary.unexplained) == (692, 669, 0)
    assert summary.by_reason == {"has_actuals": 21, "unsupported_constraint": 2}
    for diff in differences:
        task = document.task(diff.external_id)
        assert (diff.reason == "has_actuals") == task.has_actuals
    # Without actuals only the mandatory-finish milestone M1040 and the ALAP task it places
    # differ. Successors of M1030, completed after the data date, follow the data date as
    # in P6.
    without_actuals = {(d.external_id, d.reason, d.via) for d in differences
                       if not document.task(d.external_id).has_actuals}
    assert without_actuals == {("M1040", "unsupported_constraint", None),
                               ("A5070", "unsupported_constraint", "M1040")}
    assert "unsupported_constraint" in document.warning_codes("M1040")


@pytest.mark.parametrize("name", CALENDAR_ONLY)
def test_calendar_only_files_are_refused_for_scheduling(name):
    from eoms.scheduling.formats import FormatError

    with pytest.raises(FormatError) as caught:
        read_schedule((CORPUS / name).read_bytes(), name)
    assert caught.value.code == "no_tasks"
