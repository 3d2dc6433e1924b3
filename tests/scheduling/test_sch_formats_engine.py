"""From a document to the engine's input, and comparing a result with the file's dates."""

from __future__ import annotations

from datetime import date, datetime, time

from eoms.scheduling.engine.cpm import schedule
from eoms.scheduling.engine.model import (
    Constraint,
    LinkType,
    ScheduleResult,
    TaskResult,
)
from eoms.scheduling.formats.document import (
    LAG_ELAPSED,
    LAG_PERCENT,
    SOURCE_MSPDI,
    SOURCE_XER,
    STANDARD_HOURS,
    CalendarDoc,
    CalendarException,
    LinkDoc,
    ProjectInfo,
    ScheduleDocument,
    TaskDoc,
)
from eoms.scheduling.formats.to_engine import (
    calendar_losses,
    calendar_spec,
    compare,
    summarize,
    to_spec,
)

MON = datetime(2024, 3, 4, 8)  # a Monday
WEEK = {d: STANDARD_HOURS if d < 5 else () for d in range(7)}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 3, day, hour, minute)


def document(source: str = SOURCE_MSPDI) -> ScheduleDocument:
    doc = ScheduleDocument(project=ProjectInfo(name="P", start=MON, default_calendar_id="1",
                                               source_format=source))
    doc.calendars.append(CalendarDoc("1", "Standard", week=dict(WEEK), exceptions=[
        CalendarException(date(2024, 3, 8), ()),  # Friday off
        CalendarException(date(2024, 3, 16), STANDARD_HOURS),  # a make-up Saturday
    ]))
    return doc


def task(tid: str, start: datetime, finish: datetime, **kwargs) -> TaskDoc:
    return TaskDoc(tid, name=f"task {tid}", file_early_start=start, file_early_finish=finish,
                   **kwargs)


def result(doc: ScheduleDocument, **dates: tuple[datetime, datetime]) -> ScheduleResult:
    """The engine's answer: the file's own dates unless ``dates`` says otherwise."""
    tasks = {}
    for t in doc.tasks:
        start, finish = dates.get(t.external_id, (t.compare_start, t.compare_finish))
        tasks[t.external_id] = TaskResult(t.external_id, start, finish, start, finish, 0, 0,
                                          True, t.is_summary)
    return ScheduleResult(tasks, [], MON)


def test_the_engine_calendar_has_weekdays_hours_holidays_and_make_up_days():
    doc = document()
    spec, note = calendar_spec(doc.resolve_calendar("1"))
    assert spec.key == "1" and note == ""
    assert spec.weekdays == frozenset(range(5))
    assert spec.intervals == ((time(8), time(12)), (time(13), time(17)))
    assert spec.holidays == {date(2024, 3, 8)}
    assert spec.extra_workdays == {date(2024, 3, 16)}
    assert not calendar_losses(doc.resolve_calendar("1")).any


def test_a_partial_working_day_is_a_loss_the_engine_calendar_reports():
    doc = document()
    doc.calendars[0].exceptions.append(CalendarException(date(2024, 3, 5), ((480, 720),)))
    spec, note = calendar_spec(doc.resolve_calendar("1"))
    assert note == "1 exception dates with other hours"
    assert date(2024, 3, 5) not in spec.holidays  # still a working day, at full hours
    assert calendar_losses(doc.resolve_calendar("1")).dates == {date(2024, 3, 5)}


def test_other_hours_on_some_weekdays_take_the_most_common_and_warn():
    doc = document()
    doc.calendars[0].week[4] = ((480, 720),)  # Friday mornings only
    doc.calendars.append(CalendarDoc("night", week={d: ((1320, 1440),) for d in range(7)}))
    spec = to_spec(doc)
    assert spec.calendars["1"].intervals == ((time(8), time(12)), (time(13), time(17)))
    assert spec.calendars["night"].intervals == ((time(22), time(0)),)  # to midnight
    assert spec.calendars["night"].weekdays == frozenset(range(7))
    details = [w.detail for w in doc.warnings if w.code == "calendar_detail"]
    assert len(details) == 1 and details[0].startswith("calendar 1: weekdays 4")
    assert calendar_losses(doc.resolve_calendar("1")).weekdays == {4}
    to_spec(doc)
    assert len([w for w in doc.warnings if w.code == "calendar_detail"]) == 1  # not twice


def test_tasks_links_and_lags_become_the_engine_input():
    doc = document()
    doc.tasks = [
        TaskDoc("S", is_summary=True),
        TaskDoc("A", parent_id="S", duration=960, constraint=Constraint.SNET,
                constraint_date=at(5, 8)),
        TaskDoc("B", parent_id="S", duration=480, calendar_id="missing"),
        TaskDoc("C", duration=0, is_milestone=True),
        TaskDoc("EMPTY", is_summary=True),
    ]
    doc.links = [LinkDoc("A", "B", LinkType.SS, 120),
                 LinkDoc("A", "C", LinkType.FS, 2880, lag_kind=LAG_ELAPSED),
                 LinkDoc("B", "C", LinkType.FF, 0, lag_kind=LAG_PERCENT, lag_percent=50.0)]
    spec = to_spec(doc)
    by_key = {t.key: t for t in spec.tasks}
    assert set(by_key) == {"S", "A", "B", "C"}  # a summary without children is dropped
    assert by_key["A"].parent == "S" and by_key["A"].duration == 960
    assert by_key["A"].constraint == Constraint.SNET and by_key["A"].constraint_date == at(5, 8)
    assert by_key["B"].calendar is None and by_key["C"].milestone
    assert [(x.predecessor, x.successor, x.type, x.lag) for x in spec.links] == [
        ("A", "B", LinkType.SS, 120), ("A", "C", LinkType.FS, 960), ("B", "C", LinkType.FF, 240)]
    assert spec.start == MON and spec.default_calendar == "1"


def test_p6_schedules_remaining_work_from_the_data_date():
    doc = document(SOURCE_XER)
    doc.project.status_date = at(6, 10)
    doc.project.options["lag_calendar"] = "predecessor"
    doc.calendars.append(CalendarDoc("7d", week={d: STANDARD_HOURS for d in range(7)}))
    doc.tasks = [TaskDoc("A", duration=4800, remaining_duration=1200, actual_start=at(4, 8)),
                 TaskDoc("B", duration=4800, remaining_duration=2400, calendar_id="7d")]
    doc.links = [LinkDoc("A", "B", LinkType.FS, 480)]
    spec = to_spec(doc)
    a, b = spec.tasks
    assert spec.start == at(6, 10) and spec.status_date == at(6, 10)
    assert a.duration == 4800 and a.percent_complete == 75.0 and a.actual_start == at(4, 8)
    assert b.duration == 2400  # not started: P6 schedules its remaining duration
    assert ("lag_calendar", "B") in {(w.code, w.external_id) for w in doc.warnings}


def completed_after_the_data_date(source: str) -> ScheduleDocument:
    """A finished at 17:00 on Wednesday, after the 10:00 data date; B follows it."""
    doc = document(source)
    doc.project.status_date = at(6, 10)
    doc.tasks = [TaskDoc("A", duration=480, remaining_duration=0, percent_complete=100.0,
                         actual_start=at(6, 13), actual_finish=at(6, 17)),
                 TaskDoc("B", duration=120, remaining_duration=120),
                 TaskDoc("C", duration=480, remaining_duration=0, percent_complete=100.0,
                         actual_start=at(5, 8), actual_finish=at(5, 17))]
    doc.links = [LinkDoc("A", "B", LinkType.FS, 0), LinkDoc("C", "B", LinkType.FS, 0)]
    return doc


def test_p6_holds_no_successor_of_a_completed_task_beyond_the_data_date():
    spec = to_spec(completed_after_the_data_date(SOURCE_XER))
    by_key = {t.key: t for t in spec.tasks}
    assert (by_key["A"].actual_start, by_key["A"].actual_finish) == (at(6, 10), at(6, 10))
    # finished before the data date: its actual dates stay as they are
    assert (by_key["C"].actual_start, by_key["C"].actual_finish) == (at(5, 8), at(5, 17))
    got = schedule(spec).tasks["B"]
    assert (got.early_start, got.early_finish) == (at(6, 10), at(6, 12))


def test_ms_project_keeps_a_late_actual_finish_driving_successors():
    doc = completed_after_the_data_date(SOURCE_MSPDI)
    doc.project.status_date = at(6, 10)
    spec = to_spec(doc)
    by_key = {t.key: t for t in spec.tasks}
    assert (by_key["A"].actual_start, by_key["A"].actual_finish) == (at(6, 13), at(6, 17))
    got = schedule(spec).tasks["B"]
    assert got.early_start == at(7, 8)


def test_a_document_without_calendars_gets_the_standard_one():
    doc = ScheduleDocument(project=ProjectInfo(start=MON))
    doc.tasks = [TaskDoc("A", duration=480)]
    spec = to_spec(doc)
    assert spec.default_calendar == "__standard__"
    assert spec.calendars["__standard__"].weekdays == frozenset(range(5))


def test_dates_with_no_working_time_between_them_are_equal():
    doc = document()
    doc.tasks = [task("A", at(4, 8), at(7, 17))]  # Thursday 17:00; Friday is a holiday
    same = result(doc, A=(at(1, 17), at(11, 8)))  # previous Friday 17:00, next Monday 08:00
    assert compare(doc, same) == []
    assert summarize(doc, same, []).equal == 1


def test_an_unexplained_difference_and_its_successors():
    doc = document()
    doc.tasks = [task("A", at(4, 8), at(4, 17), duration=480),
                 task("B", at(5, 8), at(5, 17), duration=480)]
    doc.links = [LinkDoc("A", "B")]
    got = result(doc, A=(at(4, 8), at(5, 17)), B=(at(6, 8), at(6, 17)))
    found = {(d.external_id, d.field): d for d in compare(doc, got)}
    assert found["A", "finish"].reason == "unexplained" and found["A", "finish"].via is None
    assert found["A", "finish"].delta_minutes == 480
    assert found["B", "start"].reason == "unexplained" and found["B", "start"].via == "A"
    assert ("A", "start") not in found
    summary = summarize(doc, got, list(found.values()))
    assert (summary.compared, summary.equal, summary.unexplained) == (2, 0, 2)


def test_known_causes_explain_differences_and_pass_to_successors():
    doc = document()
    doc.tasks = [
        task("ACT", at(4, 8), at(4, 17), duration=480, actual_start=at(4, 8)),
        task("CON", at(4, 8), at(4, 17), duration=480),
        task("LAG", at(5, 8), at(5, 17), duration=480),
        task("EXT", at(4, 8), at(4, 17), duration=480),
        task("NEXT", at(6, 8), at(6, 17), duration=480),
    ]
    doc.links = [LinkDoc("CON", "LAG", lag=1440, lag_kind=LAG_ELAPSED), LinkDoc("ACT", "NEXT")]
    doc.warn("unsupported_constraint", "CON", "CS_MANDSTART")
    doc.warn("external_link", "EXT", "predecessor in another project")
    later = (at(11, 8), at(11, 17))
    got = result(doc, ACT=(at(4, 8), at(5, 17)), CON=later, LAG=later, EXT=later,
                 NEXT=(at(7, 8), at(7, 17)))
    reasons = {d.external_id: (d.reason, d.via) for d in compare(doc, got)}
    assert reasons["ACT"] == ("has_actuals", None)
    assert reasons["CON"] == ("unsupported_constraint", None)
    assert reasons["LAG"] == ("elapsed_lag", None)
    assert reasons["EXT"] == ("external_link", None)
    assert reasons["NEXT"] == ("has_actuals", "ACT")


def test_a_calendar_the_engine_cannot_hold_explains_dates_in_its_window():
    doc = document()
    doc.calendars[0].week[2] = ((480, 720),)  # Wednesdays: mornings only
    doc.tasks = [task("A", at(4, 8), at(5, 17), duration=960),
                 task("B", at(18, 8), at(18, 17), duration=480)]
    got = result(doc, A=(at(4, 8), at(6, 12)), B=(at(18, 8), at(19, 17)))
    reasons = {d.external_id: d.reason for d in compare(doc, got)}
    assert reasons == {"A": "calendar_detail", "B": "unexplained"}  # B: Mon-Tue only


def test_a_later_file_date_without_driving_logic_is_resource_levelling():
    doc = document()
    doc.tasks = [task("P", at(4, 8), at(4, 17), duration=480),
                 task("LEVELLED", at(12, 8), at(12, 17), duration=480),
                 task("DRIVEN", at(12, 8), at(12, 17), duration=480)]
    doc.links = [LinkDoc("P", "LEVELLED"), LinkDoc("P", "DRIVEN", lag=1920)]
    early = (at(5, 8), at(5, 17))
    reasons = {d.external_id: d.reason
               for d in compare(doc, result(doc, LEVELLED=early, DRIVEN=early))}
    assert reasons == {"LEVELLED": "resource_levelling", "DRIVEN": "unexplained"}


def test_a_summary_differs_alone_or_through_its_children():
    doc = document()
    doc.tasks = [task("S", at(4, 8), at(5, 17), is_summary=True),
                 task("A", at(4, 8), at(5, 17), parent_id="S", duration=960),
                 task("T", at(4, 8), at(5, 17), is_summary=True),
                 task("B", at(4, 8), at(5, 17), parent_id="T", duration=960)]
    got = result(doc, S=(at(4, 8), at(6, 17)), T=(at(4, 8), at(6, 17)), B=(at(4, 8), at(6, 17)))
    reasons = {d.external_id: (d.reason, d.via) for d in compare(doc, got)}
    assert reasons["S"] == ("summary", None)
    assert reasons["B"] == ("unexplained", None) and reasons["T"] == ("unexplained", "B")


def test_file_dates_that_contradict_their_own_calendar_are_called_so():
    doc = document()
    doc.tasks = [task("A", at(4, 8), at(10, 17), duration=960)]  # ends on a Sunday
    reasons = {d.reason for d in compare(doc, result(doc, A=(at(4, 8), at(5, 17))))}
    assert reasons == {"file_off_calendar"}
