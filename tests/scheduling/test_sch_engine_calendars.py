"""Scheduling on several calendars, holidays, 调休 make-up days and far-future dates."""

from __future__ import annotations

from datetime import date, datetime

from eoms.scheduling.engine import (
    CalendarSpec,
    LinkSpec,
    ScheduleSpec,
    TaskSpec,
    schedule,
)

DAY = 480
STD = CalendarSpec("std")
SIX = CalendarSpec("six", weekdays=frozenset(range(6)))  # Monday to Saturday
# 2024 Spring Festival: 10-17 February off, Sundays 4 and 18 February worked (调休).
CN = CalendarSpec(
    "cn",
    holidays=frozenset(date(2024, 2, d) for d in range(10, 18)),
    extra_workdays=frozenset({date(2024, 2, 4), date(2024, 2, 18)}),
    known_until=date(2024, 12, 31),
)


def plan(tasks, links=(), start=datetime(2024, 1, 1, 8), default="std", finish=None):
    return schedule(
        ScheduleSpec(
            start=start,
            calendars={"std": STD, "six": SIX, "cn": CN},
            default_calendar=default,
            tasks=list(tasks),
            links=list(links),
            finish=finish,
        )
    )


def span(result, key):
    task = result.tasks[key]
    return task.early_start, task.early_finish


def test_it_runs_a_task_on_its_own_calendar():
    tasks = [TaskSpec("A", 5 * DAY), TaskSpec("B", DAY, calendar="six")]
    result = plan(tasks, [LinkSpec("A", "B")])
    assert span(result, "A") == (datetime(2024, 1, 1, 8), datetime(2024, 1, 5, 17))
    assert span(result, "B") == (datetime(2024, 1, 6, 8), datetime(2024, 1, 6, 17))  # Saturday


def test_it_counts_a_lag_on_the_successors_calendar():
    tasks = [TaskSpec("A", 5 * DAY), TaskSpec("B", DAY, calendar="six"), TaskSpec("C", DAY)]
    links = [LinkSpec("A", "B", lag=DAY), LinkSpec("A", "C", lag=DAY)]
    result = plan(tasks, links)
    assert result.tasks["B"].early_start == datetime(2024, 1, 8, 8)  # Saturday was the lag
    assert result.tasks["C"].early_start == datetime(2024, 1, 9, 8)  # Monday was the lag


def test_it_carries_late_dates_back_across_calendars():
    tasks = [TaskSpec("A", 5 * DAY), TaskSpec("B", DAY, calendar="six"), TaskSpec("C", 6 * DAY)]
    result = plan(tasks, [LinkSpec("A", "B")])
    assert result.finish == datetime(2024, 1, 8, 17)  # C, Monday to Monday
    b = result.tasks["B"]
    assert b.late_start == datetime(2024, 1, 8, 8)
    assert b.total_float == DAY  # Monday, counted on B's six-day calendar
    a = result.tasks["A"]
    assert a.late_finish == datetime(2024, 1, 5, 17)  # B's latest start is Monday 08:00
    assert a.total_float == 0
    assert result.critical_path == ["C"]


def test_it_works_make_up_days_and_skips_the_holiday():
    tasks = [TaskSpec("A", 4 * DAY), TaskSpec("B", 2 * DAY)]
    result = plan(tasks, [LinkSpec("A", "B")], start=datetime(2024, 2, 5, 8), default="cn")
    assert span(result, "A") == (datetime(2024, 2, 5, 8), datetime(2024, 2, 8, 17))
    # Friday 9th, then the holiday week, then Sunday 18th (调休).
    assert span(result, "B") == (datetime(2024, 2, 9, 8), datetime(2024, 2, 18, 17))
    assert result.warnings == []


def test_it_schedules_in_years_without_holiday_data_and_warns():
    tasks = [TaskSpec("A", 3 * DAY), TaskSpec("B", DAY)]
    result = plan(tasks, [LinkSpec("A", "B")], start=datetime(2024, 12, 30, 8), default="cn")
    assert span(result, "B") == (datetime(2025, 1, 2, 8), datetime(2025, 1, 2, 17))
    assert ("B", "calendar_beyond_known_data") in result.warnings
    assert ("A", "calendar_beyond_known_data") in result.warnings  # finishes 1 Jan 2025


def test_it_does_not_warn_about_a_calendar_without_a_data_limit():
    result = plan([TaskSpec("A", 100 * DAY)], start=datetime(2031, 1, 6, 8))
    assert result.warnings == []


def test_it_schedules_far_into_the_future():
    tasks = [TaskSpec("A", 1000 * DAY), TaskSpec("B", DAY)]
    result = plan(tasks, [LinkSpec("A", "B")], start=datetime(2090, 1, 2, 8))
    a, b = result.tasks["A"], result.tasks["B"]
    assert a.early_finish.year == 2093
    assert a.early_finish.weekday() < 5 and b.early_start.weekday() < 5
    assert b.early_start > a.early_finish


def test_it_gives_the_same_answer_on_two_identical_calendars():
    """The several-calendar path (instants carried through absolute minutes) and the
    one-calendar path (plain integers) must agree when the calendars are the same."""
    twin = CalendarSpec("twin")
    tasks = [TaskSpec("A", 3 * DAY), TaskSpec("B", DAY, calendar="twin"), TaskSpec("C", DAY)]
    links = [LinkSpec("A", "B", lag=-DAY // 2), LinkSpec("B", "C")]
    spec = ScheduleSpec(
        start=datetime(2024, 1, 1, 8),
        calendars={"std": STD, "twin": twin},
        default_calendar="std",
        tasks=tasks,
        links=links,
    )
    several = schedule(spec)
    for task in tasks:
        task.calendar = None
    one = schedule(spec)
    assert several.tasks == one.tasks
    assert several.critical_path == one.critical_path == ["A", "B", "C"]
