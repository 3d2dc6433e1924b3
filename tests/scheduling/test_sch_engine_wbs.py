"""Summary tasks (WBS) and milestones (Mon 1 Jan 2024 08:00 start, 480-minute days)."""

from __future__ import annotations

from datetime import datetime

from eoms.scheduling.engine import (
    CalendarSpec,
    Constraint,
    LinkSpec,
    LinkType,
    ScheduleSpec,
    TaskSpec,
    schedule,
)

DAY = 480


def plan(tasks, links=()):
    return schedule(
        ScheduleSpec(
            start=datetime(2024, 1, 1, 8),
            calendars={"std": CalendarSpec("std")},
            default_calendar="std",
            tasks=list(tasks),
            links=list(links),
        )
    )


def jan(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 1, day, hour, minute)


def phase():
    """S (summary) holds A (2 days) -> B (3 days); X (1 day) and Y (1 day) are outside."""
    return [
        TaskSpec("S", duration=99 * DAY),  # a summary's own duration is ignored
        TaskSpec("A", 2 * DAY, parent="S"),
        TaskSpec("B", 3 * DAY, parent="S"),
        TaskSpec("X", DAY),
        TaskSpec("Y", DAY),
    ]


def test_it_rolls_summary_dates_up_from_the_children():
    result = plan(phase(), [LinkSpec("A", "B")])
    s = result.tasks["S"]
    assert s.is_summary
    assert (s.early_start, s.early_finish) == (jan(1, 8), jan(5, 17))
    assert (s.late_start, s.late_finish) == (jan(1, 8), jan(5, 17))
    assert not result.tasks["A"].is_summary
    assert s.critical


def test_it_gives_a_summary_the_least_float_of_its_children():
    tasks = [*phase(), TaskSpec("LONG", 10 * DAY)]
    result = plan(tasks, [LinkSpec("A", "B")])
    assert result.tasks["S"].total_float == 5 * DAY
    assert result.tasks["S"].free_float == 5 * DAY
    assert not result.tasks["S"].critical


def test_it_applies_a_link_into_a_summary_to_every_leaf_below_it():
    result = plan(phase(), [LinkSpec("X", "S")])
    assert result.tasks["A"].early_start == jan(2, 8)
    assert result.tasks["B"].early_start == jan(2, 8)
    assert result.tasks["S"].early_start == jan(2, 8)
    assert result.critical_path == ["X", "B"]


def test_it_applies_a_link_out_of_a_summary_after_its_last_leaf():
    result = plan(phase(), [LinkSpec("A", "B"), LinkSpec("S", "Y")])
    assert result.tasks["Y"].early_start == jan(8, 8)
    assert result.tasks["X"].total_float == 5 * DAY
    assert result.critical_path == ["A", "B", "Y"]


def test_it_reads_ss_and_ff_links_of_summaries_per_leaf():
    tasks = [*phase(), TaskSpec("Z", 6 * DAY)]
    links = [LinkSpec("S", "Y", LinkType.SS, lag=DAY), LinkSpec("Z", "S", LinkType.FF)]
    result = plan(tasks, links)
    # FF into S: each leaf finishes no earlier than Z (Mon 8th): A on Fri 5th-Mon 8th.
    assert result.tasks["A"].early_finish == jan(8, 17)
    assert result.tasks["B"].early_start == jan(4, 8)
    # SS out of S: Y starts a day after the last leaf starts (A and B: Thu 4th).
    assert result.tasks["Y"].early_start == jan(8, 8)


def test_it_reaches_leaves_of_nested_summaries():
    tasks = [
        TaskSpec("TOP"),
        TaskSpec("MID", parent="TOP"),
        TaskSpec("A", DAY, parent="MID"),
        TaskSpec("B", DAY, parent="TOP"),
        TaskSpec("X", 2 * DAY),
        TaskSpec("Y", DAY),
    ]
    result = plan(tasks, [LinkSpec("X", "TOP"), LinkSpec("TOP", "Y")])
    assert result.tasks["A"].early_start == jan(3, 8)
    assert result.tasks["B"].early_start == jan(3, 8)
    assert result.tasks["MID"].early_start == jan(3, 8)
    assert result.tasks["TOP"].is_summary and result.tasks["MID"].is_summary
    assert result.tasks["Y"].early_start == jan(4, 8)


def test_it_ignores_a_constraint_on_a_summary_and_says_so():
    tasks = phase()
    tasks[0] = TaskSpec("S", constraint=Constraint.SNET, constraint_date=jan(10, 8))
    result = plan(tasks)
    assert result.tasks["A"].early_start == jan(1, 8)
    assert ("S", "summary_constraint_ignored") in result.warnings


def test_it_shows_a_milestone_after_a_finish_at_that_finish():
    tasks = [TaskSpec("A", 2 * DAY), TaskSpec("M", milestone=True), TaskSpec("B", DAY)]
    result = plan(tasks, [LinkSpec("A", "M"), LinkSpec("M", "B")])
    m = result.tasks["M"]
    assert (m.early_start, m.early_finish) == (jan(2, 17), jan(2, 17))
    assert (m.late_start, m.late_finish) == (jan(2, 17), jan(2, 17))
    assert m.critical
    assert result.tasks["B"].early_start == jan(3, 8)
    assert result.critical_path == ["A", "M", "B"]


def test_it_shows_a_milestone_at_the_project_start_in_the_morning():
    result = plan([TaskSpec("M", milestone=True), TaskSpec("A", DAY)], [LinkSpec("M", "A")])
    assert result.tasks["M"].early_start == result.tasks["M"].early_finish == jan(1, 8)


def test_it_shows_a_milestone_after_a_start_at_that_start():
    tasks = [TaskSpec("A", 2 * DAY), TaskSpec("M", milestone=True), TaskSpec("N")]
    links = [LinkSpec("A", "M", LinkType.SS, lag=DAY // 2), LinkSpec("M", "N")]
    result = plan(tasks, links)
    assert result.tasks["M"].early_start == jan(1, 13)  # after lunch, not 12:00
    assert result.tasks["N"].early_start == jan(1, 13)  # shown like M, which drives it


def test_it_shows_a_milestone_chain_after_a_finish_at_that_finish():
    tasks = [TaskSpec("A", DAY), TaskSpec("M1"), TaskSpec("M2")]
    links = [LinkSpec("A", "M1"), LinkSpec("M1", "M2", LinkType.SS)]
    result = plan(tasks, links)
    assert result.tasks["M1"].early_start == jan(1, 17)
    assert result.tasks["M2"].early_start == jan(1, 17)


def test_it_shows_an_fnet_milestone_at_the_evening():
    milestone = TaskSpec("M", constraint=Constraint.FNET, constraint_date=jan(3, 17))
    result = plan([milestone])
    assert result.tasks["M"].early_finish == jan(3, 17)


def test_it_keeps_a_milestone_that_was_given_a_duration():
    result = plan([TaskSpec("M", DAY, milestone=True)])
    assert result.tasks["M"].early_finish == jan(1, 17)


def test_it_handles_a_very_deep_wbs():
    depth = 3000  # far beyond Python's recursion limit
    tasks = [TaskSpec("L0")] + [TaskSpec(f"L{i}", parent=f"L{i - 1}") for i in range(1, depth)]
    tasks += [TaskSpec("LEAF", DAY, parent=f"L{depth - 1}"), TaskSpec("X", DAY), TaskSpec("Y")]
    result = plan(tasks, [LinkSpec("X", "L0"), LinkSpec("L0", "Y")])
    assert result.tasks["LEAF"].early_start == jan(2, 8)
    assert result.tasks["L0"].early_finish == jan(2, 17)
    assert result.tasks["Y"].early_start == jan(2, 17)
