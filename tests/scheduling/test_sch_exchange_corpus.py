"""Every real MS Project / Primavera schedule of the corpus imports into an order, and every
date of EOMS that differs from the file's has a known reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from eoms.core.context import Channel, acting
from eoms.scheduling.models import CalendarException, Schedule, Task, TaskLink
from eoms.scheduling.services_exchange import import_schedule

CORPUS = Path("/work/shared/corpus/schedules")
CALENDAR_ONLY = ("calendar-calendars-project2019-mspdi.xml",
                 "calendar-recurring-exceptions-project2016-mspdi.xml")
# file: (tasks, links) EOMS keeps (blank rows and WBS nodes without activities are left
# out), and the least number of tasks whose dates equal the file's.
EXPECTED = {
    "MultiprojectWithExternal.xer": (2, 0, 2),
    "MultiprojectWithExternal.xml": (2, 0, 2),
    "New Product.xml": (42, 37, 42),
    "PredecessorCalendar.xer": (1, 0, 0),
    "PredecessorCalendar.xml": (1, 0, 0),
    "PrimaveraProject.xml": (18, 12, 0),
    "encoding1251.xer": (2, 0, 2),
    "mspdinulltasks.xml": (5, 0, 5),
    "mspdirelations.xml": (5, 4, 5),
    "mspditimephased.xml": (40, 0, 22),
    "primavera.xml": (176, 498, 41),
    "sample.xml": (19, 6, 17),
    "test.xer": (842, 1582, 385),
}


@pytest.fixture
def world(module_world, db):
    return module_world


def run_import(world, name):
    with acting(Channel.TEST):
        return import_schedule((CORPUS / name).read_bytes(), name, actor=world.manager)


def test_it_knows_every_file_of_the_corpus():
    files = {p.name for p in CORPUS.iterdir() if p.suffix in (".xml", ".xer")}
    assert files == set(EXPECTED) | set(CALENDAR_ONLY)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_it_imports_the_file_and_explains_every_difference(world, name):
    report = run_import(world, name)
    tasks, links, least_matched = EXPECTED[name]
    assert (report.task_count, report.link_count) == (tasks, links)
    assert Task.objects.filter(order=report.order).count() == tasks
    assert TaskLink.objects.filter(successor__order=report.order).count() == links
    assert report.matched >= least_matched
    assert [d for d in report.differences if d["reason"] == "unexplained"] == []
    assert Schedule.objects.get(order=report.order).computed_at is not None


@pytest.mark.parametrize("name", CALENDAR_ONLY)
def test_a_file_with_calendars_only_is_refused_with_a_clear_message(world, name):
    from django.core.exceptions import ValidationError

    before = Task.objects.count(), CalendarException.objects.count()
    with pytest.raises(ValidationError) as caught:
        run_import(world, name)
    assert caught.value.messages == ["文件中没有任务。"]
    assert (Task.objects.count(), CalendarException.objects.count()) == before


def test_cyrillic_names_of_a_windows_1251_xer_survive(world):
    report = run_import(world, "encoding1251.xer")
    names = set(Task.objects.filter(order=report.order).values_list("name", flat=True))
    assert names == {"Задача 1", "Тест2"}
    assert report.order.title == "(New Project)"


def test_the_link_types_and_lags_of_the_file_are_kept(world):
    report = run_import(world, "mspdirelations.xml")
    links = {(link.predecessor.name, link.successor.name, link.link_type, link.lag)
             for link in TaskLink.objects.filter(successor__order=report.order)
             .select_related("predecessor", "successor")}
    assert {t for _p, _s, t, _l in links} == {"FS", "SS", "FF", "SF"}
    assert len(links) == 4


def test_the_files_calendar_becomes_the_schedules_calendar(world):
    report = run_import(world, "test.xer")
    calendar = Schedule.objects.get(order=report.order).calendar
    assert calendar.name == "test.xer 日历" and calendar.statutory_holidays is False
    exceptions = calendar.exceptions.all()
    assert exceptions.count() > 20
    assert {e.source for e in exceptions} == {"imported"}
    assert exceptions.filter(date="2025-12-25", kind="holiday").exists()


def test_milestones_constraints_and_actuals_come_along(world):
    report = run_import(world, "test.xer")
    tasks = Task.objects.filter(order=report.order)
    assert tasks.filter(milestone="custom").count() == 30
    assert tasks.exclude(constraint="ASAP").count() > 0
    done = tasks.get(external_id="A1090")
    assert (done.actual_start.isoformat(), done.actual_finish.isoformat()) == (
        "2025-01-20", "2025-01-21")
    assert done.percent_complete == 100 and done.status == "done"
