"""`eoms schedule import|cpm|export`: what each prints, exit status, nothing written on error,
and EOMS's dates against the dates MS Project and Primavera wrote into the corpus files."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from eoms.orders.models import Order
from eoms.scheduling.formats import read_schedule
from eoms.scheduling.models import ScheduleImport, Task

CORPUS = Path("/work/shared/corpus/schedules")


@pytest.fixture
def world(module_world, db):
    return module_world


def schedule(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("schedule", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def import_file(name: str, *args: str) -> str:
    out, _err = schedule("import", str(CORPUS / name), *args)
    return out.strip()


def test_import_prints_only_the_orders_code_and_the_summary_on_stderr(world):
    out, err = schedule("import", str(CORPUS / "sample.xml"))
    order = Order.objects.get(code=out.strip())
    assert out == f"{order.code}\n"
    assert err.startswith(f"sample.xml (mspdi) -> {order.code}: 19 tasks, 6 links; 17 dates as "
                          "in the file, 2 differ (2 explained, 0 unexplained)")
    assert "  calendar_detail: 2" in err
    assert Task.objects.filter(order=order).count() == 19


def test_import_into_an_order_and_as_a_user(world):
    code = import_file("mspdirelations.xml", "--project", "PRJ-T001", "--user", "pm")
    order = Order.objects.get(code=code)
    assert (order.project.code, order.created_by) == ("PRJ-T001", world.pm)
    again = import_file("sample.xml", "--order", code, "--user", "pm")
    assert again == code
    assert Task.objects.filter(order=order).count() == 19
    assert ScheduleImport.objects.filter(order=order).count() == 2


@pytest.mark.parametrize(("args", "message"), [
    (["--order", "ORD-NOPE"], "no order 'ORD-NOPE'"),
    (["--project", "PRJ-NOPE"], "no project 'PRJ-NOPE'"),
    (["--user", "nobody"], "no active user 'nobody'"),
    (["--project", "PRJ-T002", "--user", "pm"], "no project 'PRJ-T002'"),
    (["--project", "PRJ-T001", "--user", "worker"], "user worker may not plan this order"),
    (["--user", "pm"], "请选择项目：内部项目“导入的进度计划”还没有建立，只有管理层可以建立。"),
])
def test_import_refusals_exit_1_and_write_nothing(world, args, message):
    before = Order.objects.count(), Task.objects.count()
    with pytest.raises(CommandError) as caught:
        schedule("import", str(CORPUS / "sample.xml"), *args)
    assert caught.value.returncode == 1 and message in str(caught.value)
    assert (Order.objects.count(), Task.objects.count()) == before


def test_a_file_that_cannot_be_read_exits_1_with_the_reason(world, tmp_path):
    bad = tmp_path / "plan.xml"
    bad.write_bytes((CORPUS / "sample.xml").read_bytes()[:3000])
    with pytest.raises(CommandError, match="plan.xml: XML 格式错误：文件已损坏或不完整。"):
        schedule("import", str(bad))
    with pytest.raises(CommandError, match="cannot read"):
        schedule("import", str(tmp_path / "missing.xml"))
    assert not Order.objects.exists()


def _working_day(day, calendar, step):
    while not calendar.hours_on(day):
        day += timedelta(days=step)
    return day


def file_dates(task, document) -> tuple[str, str]:
    """The file's start and finish as the days they work on: a start at the end of a day's
    hours is the next working day's, a finish at their beginning the previous one's (a
    moment without duration, a milestone, is on its own day)."""
    calendar = document.resolve_calendar(task.calendar_id)

    def minutes(moment: datetime) -> int:
        return moment.hour * 60 + moment.minute

    start, finish = task.compare_start, task.compare_finish
    if start == finish:
        return start.date().isoformat(), finish.date().isoformat()
    day = start.date()
    hours = calendar.hours_on(day)
    if not hours or minutes(start) >= hours[-1][1]:
        day = _working_day(day + timedelta(days=1), calendar, 1)
    end = finish.date()
    hours = calendar.hours_on(end)
    if not hours or minutes(finish) <= hours[0][0]:
        end = _working_day(end - timedelta(days=1), calendar, -1)
    return day.isoformat(), max(day, end).isoformat()


@pytest.mark.parametrize(("name", "least"), [("sample.xml", 17), ("mspdirelations.xml", 5),
                                             ("test.xer", 310)])
def test_cpm_gives_the_files_dates_for_tasks_without_actuals(world, name, least):
    code = import_file(name)
    rows = json.loads(schedule("cpm", code, "--json")[0])
    document = read_schedule((CORPUS / name).read_bytes(), name)
    report = ScheduleImport.objects.get(order__code=code)
    explained = {d["external_id"] for d in report.differences if d["reason"] != "unexplained"}
    assert len(explained) == len({d["external_id"] for d in report.differences})
    checked = 0
    for row in rows:
        task = document.task(row["external_id"])
        if task.has_actuals or task.compare_start is None or task.external_id in explained:
            continue
        assert (row["early_start"], row["early_finish"]) == file_dates(task, document), \
            row["name"]
        checked += 1
    assert checked >= least


def test_cpm_json_has_every_field_of_every_task(world):
    code = import_file("mspdirelations.xml")
    rows = json.loads(schedule("cpm", code, "--json")[0])
    assert rows[0] == {
        "external_id": "1", "name": "Task 1", "is_summary": False,
        "early_start": "2006-09-21", "early_finish": "2006-09-21",
        "late_start": "2006-09-21", "late_finish": "2006-09-21",
        "total_float": 0, "free_float": 0, "critical": True}
    assert [r["external_id"] for r in rows] == ["1", "2", "3", "4", "5"]


def test_cpm_shows_a_user_only_what_he_sees(world):
    code = import_file("mspdirelations.xml", "--project", "PRJ-T001")
    with pytest.raises(CommandError, match=f"no order '{code}'"):
        schedule("cpm", code, "--json", "--user", "other_pm")
    assert len(json.loads(schedule("cpm", code, "--json", "--user", "pm")[0])) == 5
    with pytest.raises(CommandError, match=f"no order '{code}'"):
        schedule("cpm", code, "--json", "--user", "worker")


def test_export_writes_ms_project_xml(world, tmp_path):
    code = import_file("sample.xml", "--project", "PRJ-T001")
    target = tmp_path / "out.xml"
    out, _err = schedule("export", code, "--format", "mspdi", "-o", str(target))
    assert out == f"wrote {target}\n"
    document = read_schedule(target.read_bytes(), "out.xml")
    assert len(document.tasks) == 19 and len(document.links) == 6
    with pytest.raises(CommandError, match="cannot write"):
        schedule("export", code, "--format", "mspdi", "-o", str(tmp_path / "no" / "x.xml"))
    with pytest.raises(CommandError, match="may not export"):
        schedule("export", code, "-o", str(tmp_path / "y.xml"), "--user", "buyer")
    assert not (tmp_path / "y.xml").exists()


def test_the_eoms_command_exits_1_for_a_file_that_is_no_schedule(tmp_path):
    bad = tmp_path / "plan.xer"
    bad.write_bytes(b"\x00\x01 definitely not a schedule")
    env = {**os.environ, "EOMS_DATA_DIR": str(tmp_path / "data"), "EOMS_TESTING": "1"}
    done = subprocess.run([sys.executable, "-m", "eoms.cli", "schedule", "import", str(bad)],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stdout == ""
    assert "不是 MS Project XML 或 Primavera XER/XML 文件。" in done.stderr
