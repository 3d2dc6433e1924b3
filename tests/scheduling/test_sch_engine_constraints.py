"""Date constraints with MS Project's meaning, hand-checked (Mon 1 Jan 2024 08:00 start)."""

from __future__ import annotations

from datetime import datetime

import pytest

from eoms.scheduling.engine import (
    CalendarSpec,
    Constraint,
    LinkSpec,
    ScheduleError,
    ScheduleSpec,
    TaskSpec,
    schedule,
)

DAY = 480


def plan(tasks, links=(), finish=None):
    return schedule(
        ScheduleSpec(
            start=datetime(2024, 1, 1, 8),
            calendars={"std": CalendarSpec("std")},
            default_calendar="std",
            tasks=list(tasks),
            links=list(links),
            finish=finish,
        )
    )


def jan(day: int, hour: int) -> datetime:
    return datetime(2024, 1, day, hour)


def chain(constraint, at, *, parallel_days=0):
    """A (2 days) -> B (1 day, constrained), optionally beside an unlinked long task."""
    tasks = [
        TaskSpec("A", 2 * DAY),
        TaskSpec("B", DAY, constraint=constraint, constraint_date=at),
    ]
    if parallel_days:
        tasks.append(TaskSpec("LONG", parallel_days * DAY))
    return plan(tasks, [LinkSpec("A", "B")])


def test_it_starts_snet_tasks_no_earlier_than_the_date():
    result = chain(Constraint.SNET, jan(5, 8))
    b = result.tasks["B"]
    assert (b.early_start, b.early_finish) == (jan(5, 8), jan(5, 17))
    assert result.tasks["A"].free_float == 2 * DAY
    assert result.critical_path == ["B"]  # the constraint, not A, drives B


def test_it_moves_a_snet_date_on_a_weekend_to_monday_morning():
    result = plan([TaskSpec("A", DAY, constraint=Constraint.SNET, constraint_date=jan(6, 10))])
    assert result.tasks["A"].early_start == jan(8, 8)


def test_it_ignores_a_snet_date_the_links_already_pass():
    result = chain(Constraint.SNET, jan(2, 8))
    assert result.tasks["B"].early_start == jan(3, 8)
    assert result.critical_path == ["A", "B"]


def test_it_finishes_fnet_tasks_no_earlier_than_the_date():
    result = chain(Constraint.FNET, jan(8, 17))
    b = result.tasks["B"]
    assert (b.early_start, b.early_finish) == (jan(8, 8), jan(8, 17))


def test_it_shows_negative_float_when_a_snlt_date_is_missed():
    result = chain(Constraint.SNLT, jan(2, 8))
    b = result.tasks["B"]
    assert b.early_start == jan(3, 8)  # the links win over the constraint
    assert b.late_start == jan(2, 8)
    assert b.total_float == -DAY
    assert b.critical
    assert result.tasks["A"].total_float == -DAY  # the constraint pulls its predecessor
    assert ("B", "constraint_violated") in result.warnings


def test_it_limits_late_dates_with_a_snlt_date_that_is_met():
    result = chain(Constraint.SNLT, jan(5, 8), parallel_days=10)
    b = result.tasks["B"]
    assert b.late_start == jan(5, 8)  # not Friday 12th, where the project end would allow
    assert b.total_float == 2 * DAY
    assert result.tasks["A"].total_float == 2 * DAY
    assert result.warnings == []


def test_it_limits_late_finish_with_fnlt():
    met = chain(Constraint.FNLT, jan(4, 17), parallel_days=10)
    assert met.tasks["B"].late_finish == jan(4, 17)
    assert met.tasks["B"].total_float == DAY
    missed = chain(Constraint.FNLT, jan(2, 17))
    assert missed.tasks["B"].total_float == -DAY
    assert ("B", "constraint_violated") in missed.warnings


def test_it_pins_mso_tasks_and_gives_their_predecessors_the_room():
    result = chain(Constraint.MSO, jan(10, 8), parallel_days=20)
    b = result.tasks["B"]
    assert (b.early_start, b.late_start) == (jan(10, 8), jan(10, 8))
    assert b.total_float == 0
    assert b.critical
    assert result.tasks["A"].total_float == 5 * DAY  # free until Tuesday 9th 17:00
    assert result.warnings == []


def test_it_keeps_an_mso_date_earlier_than_the_links_allow_and_warns():
    result = chain(Constraint.MSO, jan(2, 8))
    assert result.tasks["B"].early_start == jan(2, 8)
    assert result.tasks["A"].total_float == -DAY
    assert ("B", "constraint_violated") in result.warnings


def test_it_pins_mfo_tasks_by_their_finish():
    result = chain(Constraint.MFO, jan(5, 17), parallel_days=20)
    b = result.tasks["B"]
    assert (b.early_start, b.early_finish) == (jan(5, 8), jan(5, 17))
    assert (b.late_start, b.late_finish) == (jan(5, 8), jan(5, 17))


def test_it_moves_alap_tasks_as_late_as_their_successors_allow():
    tasks = [
        TaskSpec("A", DAY, constraint=Constraint.ALAP),
        TaskSpec("B", 3 * DAY),
        TaskSpec("C", DAY),
    ]
    result = plan(tasks, [LinkSpec("A", "C"), LinkSpec("B", "C")])
    a = result.tasks["A"]
    assert (a.early_start, a.early_finish) == (jan(3, 8), jan(3, 17))
    assert a.free_float == 0
    assert a.total_float == 0
    assert result.tasks["C"].early_start == jan(4, 8)  # its successor does not move


def test_it_leaves_an_alap_task_without_free_float_where_it_is():
    tasks = [TaskSpec("A", DAY, constraint=Constraint.ALAP), TaskSpec("B", DAY)]
    result = plan(tasks, [LinkSpec("A", "B")])
    assert result.tasks["A"].early_start == jan(1, 8)


@pytest.mark.parametrize("constraint", ["SNET", "SNLT", "FNET", "FNLT", "MSO", "MFO"])
def test_it_refuses_a_dated_constraint_without_a_date(constraint):
    with pytest.raises(ScheduleError) as refused:
        plan([TaskSpec("A", DAY, constraint=Constraint(constraint))])
    assert (refused.value.code, refused.value.key) == ("missing_constraint_date", "A")
