"""Primavera P6 XER: tables, encodings, calendars, projects, links."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from eoms.scheduling.engine.model import Constraint, LinkType
from eoms.scheduling.formats import FormatError, read_schedule
from eoms.scheduling.formats.p6common import ClndrSyntaxError, read_clndr_data, serial_to_date
from eoms.scheduling.formats.xer import read_xer
from eoms.scheduling.formats.xer_text import decode_xer, guess_legacy_encoding

CORPUS = Path("/work/shared/corpus/schedules")


def read(name: str, **kwargs):
    return read_xer((CORPUS / name).read_bytes(), **kwargs)


def tiny_xer(task_name: str = "Task", extra: str = "") -> str:
    rows = [
        "ERMHDR\t20.12\t2024-01-01\tProject\tadmin\tAdmin\tdb\tProject Management\tCNY",
        "%T\tPROJECT", "%F\tproj_id\tproj_short_name\tclndr_id\tplan_start_date\texport_flag",
        "%R\t1\tP1\t9\t2024-03-04 08:00\tY",
        "%T\tCALENDAR", "%F\tclndr_id\tclndr_name\tday_hr_cnt\tclndr_data",
        "%R\t9\tStd\t8\t(0||CalendarData()((0||DaysOfWeek()((0||2()((0||0(s|08:00|f|17:00)())))))"
        "(0||Exceptions()((0||0(d|45362)())))))",
        "%T\tTASK", "%F\ttask_id\tproj_id\twbs_id\tclndr_id\ttask_code\ttask_name\ttask_type"
        "\ttarget_drtn_hr_cnt\tremain_drtn_hr_cnt",
        f"%R\t100\t1\t\t9\tA1\t{task_name}\tTT_Task\t16\t16",
        "%R\t101\t1\t\t9\tM1\tDone\tTT_FinMile\t0\t0",
        "%T\tTASKPRED", "%F\ttask_pred_id\ttask_id\tpred_task_id\tproj_id\tpred_proj_id"
        "\tpred_type\tlag_hr_cnt",
        "%R\t1\t101\t100\t1\t1\tPR_FF\t-4", extra, "%E",
    ]
    return "\r\n".join(r for r in rows if r)


@pytest.mark.parametrize(("name", "activities", "wbs", "links", "calendars", "encoding"), [
    ("test.xer", 692, 152, 1592, 5, "cp1252"),
    ("encoding1251.xer", 2, 0, 0, 5, "cp1251"),
    ("MultiprojectWithExternal.xer", 2, 0, 0, 2, "cp1251"),
    ("PredecessorCalendar.xer", 1, 0, 0, 1, "utf-8"),
])
def test_it_counts_activities_wbs_links_and_calendars(name, activities, wbs, links, calendars,
                                                      encoding):
    doc = read(name)
    summaries = [t for t in doc.tasks if t.is_summary]
    assert (len(doc.tasks) - len(summaries), len(summaries)) == (activities, wbs)
    assert (len(doc.links), len(doc.calendars)) == (links, calendars)
    assert doc.project.encoding == encoding and doc.project.source_format == "xer"


def test_it_decodes_windows_1251_cyrillic_names():
    doc = read("encoding1251.xer")
    assert [t.name for t in doc.tasks] == ["Задача 1", "Тест2"]
    assert [t.external_id for t in doc.tasks] == ["A1000", "A1010"]


def test_the_encoding_decision_follows_the_bytes():
    cyrillic = "Задача 1\tТест2 Подготовительные работы".encode("cp1251")
    assert guess_legacy_encoding(cyrillic) == "cp1251"
    assert guess_legacy_encoding("Café déjà vu \u201cIA\u201d £5".encode("cp1252")) == "cp1252"
    assert guess_legacy_encoding("施工准备\t基础工程\t主体结构 竣工验收".encode("gbk")) == "gb18030"
    assert decode_xer("Задача".encode())[1] == "utf-8"
    assert decode_xer(b"\xef\xbb\xbfERMHDR")[0] == "ERMHDR"
    with pytest.raises(FormatError) as caught:
        decode_xer("Задача".encode("cp1251"), "ascii")
    assert caught.value.code == "encoding"


def test_a_chinese_gbk_xer_reads_with_its_names():
    data = tiny_xer("钢筋绑扎（一层）").encode("gbk")
    doc = read_schedule(data, "plan.xer")
    assert doc.project.encoding == "gb18030"
    assert doc.task("A1").name == "钢筋绑扎（一层）"


def test_a_caller_can_name_the_encoding():
    data = tiny_xer("Задача").encode("cp1251")
    assert read_xer(data, encoding="cp1251").task("A1").name == "Задача"
    assert read_xer(data, encoding="cp1252").task("A1").name != "Задача"


def test_it_reads_activities_with_types_durations_links_and_calendar():
    doc = read_schedule(tiny_xer().encode(), "tiny.xer")
    task, done = doc.task("A1"), doc.task("M1")
    assert task.duration == 16 * 60 and not task.is_milestone and task.calendar_id == "9"
    assert done.is_milestone
    (link,) = doc.links
    assert (link.predecessor_id, link.successor_id, link.type, link.lag) == (
        "A1", "M1", LinkType.FF, -240)
    cal = doc.resolve_calendar("9")
    assert cal.week[0] == ((480, 1020),) and cal.week[6] == ()
    assert cal.exceptions == {date(2024, 3, 11): ()}
    assert doc.project.start == datetime(2024, 3, 4, 8)


def test_it_reads_clndr_data_with_exceptions_and_24_hour_days():
    text = ("(0||CalendarData()(\x7f\x7f  (0||DaysOfWeek()((0||1()((0||0(s|00:00|f|00:00)())))"
            "(0||2()((0||0(f|12:00|s|8:00)())(0||1(s|13:00|f|17:00)())))))"
            "(0||VIEW(ShowTotal|Y)())(0||Exceptions()((0||0(d|45519)())"
            "(0||1(d|45604)((0||0(s|09:00|f|13:00)())))))))")
    week, exceptions = read_clndr_data(text)
    assert week == {6: ((0, 1440),), 0: ((480, 720), (780, 1020))}
    assert exceptions == {date(2024, 8, 15): (), date(2024, 11, 8): ((540, 780),)}
    assert serial_to_date(45519) == date(2024, 8, 15)
    with pytest.raises(ClndrSyntaxError):
        read_clndr_data("(0||CalendarData()((0||DaysOfWeek(")


def test_corpus_calendars_are_read():
    doc = read("test.xer")
    standard = doc.resolve_calendar("6660")
    assert standard.week[0] == ((480, 720), (780, 1020)) and standard.week[5] == ()
    assert len(standard.exceptions) == 41 and standard.exceptions[date(2024, 8, 15)] == ()
    assert doc.resolve_calendar("6630").week[2] == ((0, 1440),)
    assert doc.resolve_calendar("6597").week[4] == ((540, 1020),)
    seven = read("encoding1251.xer").resolve_calendar("6205")
    assert seven.week[6] == ((60, 720), (780, 1440))


def test_it_picks_the_exported_project_and_flags_links_to_others():
    doc = read("MultiprojectWithExternal.xer")
    assert doc.project.external_id == "TestProject2"
    assert [(w.code, w.external_id) for w in doc.warnings] == [("external_link", "A1010")]
    other = read("MultiprojectWithExternal.xer", project="TestProject")
    assert [t.name for t in other.tasks] == ["Задача 1"]
    assert [(w.code, w.external_id) for w in other.warnings] == [("external_link", "A1000")]
    by_id = read("MultiprojectWithExternal.xer", project="5494")
    assert by_id.project.external_id == "TestProject2"
    with pytest.raises(FormatError) as caught:
        read("MultiprojectWithExternal.xer", project="nope")
    assert caught.value.code == "project_not_found" and "TestProject2" in caught.value.detail


def test_it_reads_the_wbs_tree_options_constraints_and_progress():
    doc = read("test.xer")
    assert doc.project.name == "Post LOS Schedule" and doc.project.external_id == "10001"
    assert doc.project.status_date == datetime(2025, 4, 22, 9, 40)
    assert doc.project.options["lag_calendar"] == "successor"
    assert doc.project.options["retained_logic"] == "N"
    milestones = doc.task("WBS:1.1")
    assert milestones.is_summary and milestones.parent_id == "WBS:1"
    first = doc.task("M1000")
    assert first.parent_id == "WBS:1.1" and first.is_milestone and first.has_actuals
    assert doc.task("M1040").constraint == Constraint.MFO
    assert ("unsupported_constraint", "M1040") in {(w.code, w.external_id) for w in doc.warnings}
    active = doc.task("A5040")
    assert active.actual_start is not None and active.remaining_duration == 2400
    assert sum(1 for w in doc.warnings if w.code == "external_link") == 3
    order = [t.external_id for t in doc.tasks]
    assert order.index("WBS:1") < order.index("WBS:1.1") < order.index("M1000")


def test_types_and_lags_of_corpus_links():
    doc = read("test.xer")
    types = {link.type for link in doc.links}
    assert types == {LinkType.FS, LinkType.FF, LinkType.SS, LinkType.SF}
    ss = next(x for x in doc.links if (x.predecessor_id, x.successor_id) == ("A4580", "A4590"))
    assert ss.type == LinkType.SS and ss.lag == 120 * 60
