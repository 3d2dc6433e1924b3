"""The four link types with lags and leads, hand-checked on a Monday-Friday calendar.

Monday 1 January 2024 08:00 is the project start; a day is 480 working minutes.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from eoms.scheduling.engine import (
    CalendarSpec,
    LinkSpec,
    LinkType,
    ScheduleSpec,
    TaskSpec,
    schedule,
)

DAY = 480
FS, SS, FF, SF = LinkType.FS, LinkType.SS, LinkType.FF, LinkType.SF


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


def dates(result, key):
    task = result.tasks[key]
    return task.early_start, task.early_finish


@pytest.mark.parametrize(
    ("link", "start", "finish"),
    [
        (LinkSpec("A", "B", FS), jan(3, 8), jan(3, 17)),
        (LinkSpec("A", "B", FS, lag=DAY), jan(4, 8), jan(4, 17)),
        (LinkSpec("A", "B", FS, lag=-DAY), jan(2, 8), jan(2, 17)),
        (LinkSpec("A", "B", FS, lag=-DAY // 2), jan(2, 13), jan(3, 12)),
        (LinkSpec("A", "B", SS), jan(1, 8), jan(1, 17)),
        (LinkSpec("A", "B", SS, lag=DAY // 2), jan(1, 13), jan(2, 12)),
        (LinkSpec("A", "B", FF), jan(2, 8), jan(2, 17)),
        (LinkSpec("A", "B", FF, lag=2 * DAY), jan(4, 8), jan(4, 17)),
        (LinkSpec("A", "B", FF, lag=-DAY), jan(1, 8), jan(1, 17)),
        (LinkSpec("A", "B", SF, lag=2 * DAY), jan(2, 8), jan(2, 17)),
        (LinkSpec("A", "B", SF, lag=DAY), jan(1, 8), jan(1, 17)),  # floor: project start
    ],
    ids=lambda v: f"{v.type}{v.lag:+d}" if isinstance(v, LinkSpec) else "",
)
def test_it_places_the_successor_of_each_link_type(link, start, finish):
    result = plan([TaskSpec("A", 2 * DAY), TaskSpec("B", DAY)], [link])
    assert dates(result, "A") == (jan(1, 8), jan(2, 17))
    assert dates(result, "B") == (start, finish)


def test_it_counts_a_lag_in_working_days_across_the_weekend():
    result = plan([TaskSpec("A", 4 * DAY), TaskSpec("B", DAY)], [LinkSpec("A", "B", lag=2 * DAY)])
    assert dates(result, "A") == (jan(1, 8), jan(4, 17))  # Monday to Thursday
    assert dates(result, "B") == (jan(9, 8), jan(9, 17))  # Friday and Monday of lag


def test_it_finishes_sf_successors_when_the_predecessor_starts():
    tasks = [TaskSpec("X", 2 * DAY), TaskSpec("A", DAY), TaskSpec("B", DAY)]
    result = plan(tasks, [LinkSpec("X", "A"), LinkSpec("A", "B", SF)])
    assert dates(result, "A") == (jan(3, 8), jan(3, 17))
    assert dates(result, "B") == (jan(2, 8), jan(2, 17))  # finishes as A starts


def test_it_takes_the_latest_of_several_predecessors():
    tasks = [TaskSpec("A", DAY), TaskSpec("B", 3 * DAY), TaskSpec("C", DAY)]
    result = plan(tasks, [LinkSpec("A", "C"), LinkSpec("B", "C")])
    assert dates(result, "C") == (jan(4, 8), jan(4, 17))
    assert result.tasks["A"].total_float == 2 * DAY
    assert result.tasks["A"].free_float == 2 * DAY
    assert not result.tasks["A"].critical
    assert result.critical_path == ["B", "C"]


def test_it_computes_late_dates_and_floats_through_every_link_type():
    tasks = [TaskSpec("A", 2 * DAY), TaskSpec("B", DAY), TaskSpec("C", DAY), TaskSpec("D", DAY)]
    tasks.append(TaskSpec("E", DAY))
    tasks.append(TaskSpec("LONG", 6 * DAY))
    links = [
        LinkSpec("A", "B", SS, lag=DAY),  # B may start a day after A starts
        LinkSpec("B", "C", FF),  # C must not finish before B
        LinkSpec("C", "D", SF, lag=3 * DAY),  # D finishes 3 days after C starts
        LinkSpec("D", "E", FS),
    ]
    result = plan(tasks, links)
    assert dates(result, "B") == (jan(2, 8), jan(2, 17))
    assert dates(result, "C") == (jan(2, 8), jan(2, 17))
    assert dates(result, "D") == (jan(4, 8), jan(4, 17))
    assert dates(result, "E") == (jan(5, 8), jan(5, 17))
    # LONG ends the project on Monday 8th: E can slip one day, and so can all before it.
    assert result.finish == jan(8, 17)
    assert [result.tasks[k].total_float for k in "ABCDE"] == [DAY] * 5
    assert result.tasks["E"].late_start == jan(8, 8)
    assert result.tasks["D"].late_finish == jan(5, 17)
    assert result.tasks["C"].late_start == jan(3, 8)  # SF: D's late finish - 3 days
    assert result.tasks["A"].late_finish == jan(3, 17)  # bounded by the project finish
    assert result.tasks["A"].late_start == jan(2, 8)  # SS: B's late start - 1 day
    assert result.tasks["A"].free_float == 0
    assert result.tasks["LONG"].critical
    assert result.critical_path == ["LONG"]


def test_it_measures_float_against_a_project_deadline():
    tasks = [TaskSpec("A", DAY), TaskSpec("B", DAY)]
    late = plan(tasks, [LinkSpec("A", "B")], finish=jan(4, 17))
    assert late.tasks["A"].total_float == 2 * DAY
    assert late.tasks["B"].free_float == 2 * DAY
    assert late.warnings == []
    tight = plan(tasks, [LinkSpec("A", "B")], finish=jan(1, 17))
    assert tight.tasks["A"].total_float == -DAY
    assert tight.tasks["A"].free_float == 0
    assert tight.tasks["B"].critical
    assert (None, "deadline_missed") in tight.warnings


def test_it_lets_a_task_with_leads_start_no_earlier_than_the_project():
    result = plan([TaskSpec("A", DAY), TaskSpec("B", DAY)], [LinkSpec("A", "B", lag=-3 * DAY)])
    assert dates(result, "B") == (jan(1, 8), jan(1, 17))
