"""Actual dates and progress: done work stays put, remaining work follows the status date."""

from __future__ import annotations

from datetime import datetime

import pytest

from eoms.scheduling.engine import (
    CalendarSpec,
    LinkSpec,
    ScheduleError,
    ScheduleSpec,
    TaskSpec,
    schedule,
)

DAY = 480


def plan(tasks, links=(), status=None):
    return schedule(
        ScheduleSpec(
            start=datetime(2024, 1, 1, 8),
            calendars={"std": CalendarSpec("std")},
            default_calendar="std",
            tasks=list(tasks),
            links=list(links),
            status_date=status,
        )
    )


def jan(day: int, hour: int) -> datetime:
    return datetime(2024, 1, day, hour)


def test_it_keeps_completed_work_at_its_actual_dates():
    done = TaskSpec("A", DAY, actual_start=jan(1, 8), actual_finish=jan(2, 17))  # took 2 days
    result = plan([done, TaskSpec("B", DAY)], [LinkSpec("A", "B")])
    a = result.tasks["A"]
    assert (a.early_start, a.early_finish) == (jan(1, 8), jan(2, 17))
    assert (a.late_start, a.late_finish) == (jan(1, 8), jan(2, 17))
    assert not a.critical  # finished work cannot delay anything
    assert result.tasks["B"].early_start == jan(3, 8)
    assert result.critical_path == ["B"]


def test_it_places_completed_work_without_a_start_by_its_duration():
    done = TaskSpec("A", 2 * DAY, actual_finish=jan(5, 17))
    result = plan([done])
    assert result.tasks["A"].early_start == jan(4, 8)


def test_it_runs_remaining_work_from_the_status_date():
    started = TaskSpec("A", 4 * DAY, actual_start=jan(1, 8), percent_complete=25)
    result = plan([started, TaskSpec("B", DAY)], [LinkSpec("A", "B")], status=jan(3, 8))
    a = result.tasks["A"]
    assert a.early_start == jan(1, 8)
    assert a.early_finish == jan(5, 17)  # 3 days left from Wednesday
    assert result.tasks["B"].early_start == jan(8, 8)
    assert a.total_float == 0 and a.critical


def test_it_runs_started_work_for_its_duration_without_a_status_date():
    started = TaskSpec("A", 2 * DAY, actual_start=jan(2, 13), percent_complete=90)
    result = plan([started])
    assert (result.tasks["A"].early_start, result.tasks["A"].early_finish) == (
        jan(2, 13),
        jan(4, 12),
    )


def test_it_does_not_move_started_work_for_its_predecessors():
    tasks = [
        TaskSpec("P", 5 * DAY),
        TaskSpec("A", 2 * DAY, actual_start=jan(2, 8), percent_complete=50),
    ]
    result = plan(tasks, [LinkSpec("P", "A")], status=jan(3, 8))
    a = result.tasks["A"]
    assert a.early_start == jan(2, 8)  # not after P
    assert a.early_finish == jan(3, 17)
    assert result.tasks["P"].total_float == 0  # and started A does not hurry P either


def test_it_starts_unstarted_work_no_earlier_than_the_status_date():
    result = plan([TaskSpec("A", DAY)], status=jan(3, 10))
    assert result.tasks["A"].early_start == jan(3, 10)


def test_it_accepts_actual_dates_before_the_project_start():
    early = TaskSpec("A", DAY, actual_start=datetime(2023, 12, 28, 8), actual_finish=jan(1, 17))
    result = plan([early, TaskSpec("B", DAY)], [LinkSpec("A", "B")])
    assert result.tasks["A"].early_start == datetime(2023, 12, 28, 8)
    assert result.tasks["B"].early_start == jan(2, 8)


def test_it_refuses_a_finish_before_the_start():
    backwards = TaskSpec("A", DAY, actual_start=jan(3, 8), actual_finish=jan(2, 10))
    with pytest.raises(ScheduleError) as refused:
        plan([backwards])
    assert (refused.value.code, refused.value.key) == ("finish_before_start", "A")
