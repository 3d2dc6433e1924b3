"""What the engine refuses, and how it names the fault."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from eoms.scheduling.engine import (
    CalendarSpec,
    CycleError,
    LinkSpec,
    ScheduleError,
    ScheduleSpec,
    TaskSpec,
    find_cycle_if_added,
    schedule,
)

DAY = 480


def spec(tasks, links=(), calendars=None, default="std"):
    return ScheduleSpec(
        start=datetime(2024, 1, 1, 8),
        calendars=calendars if calendars is not None else {"std": CalendarSpec("std")},
        default_calendar=default,
        tasks=list(tasks),
        links=list(links),
    )


def refusal(bad_spec) -> ScheduleError:
    with pytest.raises(ScheduleError) as refused:
        schedule(bad_spec)
    return refused.value


def tasks(*keys):
    return [TaskSpec(key, DAY) for key in keys]


def links(*pairs):
    return [LinkSpec(a, b) for a, b in pairs]


def assert_is_the_loop(cycle, expected_members, all_links):
    assert cycle[0] == cycle[-1]
    assert set(cycle) == set(expected_members)
    assert len(cycle) == len(expected_members) + 1
    linked = {(link.predecessor, link.successor) for link in all_links}
    assert all((a, b) in linked for a, b in zip(cycle, cycle[1:], strict=False))


def test_it_names_the_cycle_in_link_order():
    loop = links(("A", "B"), ("B", "C"), ("C", "A"))
    with pytest.raises(CycleError) as refused:
        schedule(spec(tasks("A", "B", "C"), loop))
    assert_is_the_loop(refused.value.cycle, "ABC", loop)
    assert "→" in str(refused.value)


def test_it_names_only_the_loop_not_the_tasks_hanging_off_it():
    network = links(("X", "A"), ("A", "B"), ("B", "A"), ("B", "Y"), ("Y", "Z"))
    with pytest.raises(CycleError) as refused:
        schedule(spec(tasks("X", "A", "B", "Y", "Z"), network))
    assert_is_the_loop(refused.value.cycle, "AB", network)


def test_it_names_a_task_linked_to_itself():
    with pytest.raises(CycleError) as refused:
        schedule(spec(tasks("A", "B"), links(("A", "A"))))
    assert refused.value.cycle == ["A", "A"]


def test_it_names_a_loop_through_a_summary_by_the_summary():
    network = [TaskSpec("S"), TaskSpec("A", DAY, parent="S"), TaskSpec("B", DAY)]
    with pytest.raises(CycleError) as refused:
        schedule(spec(network, links(("S", "B"), ("B", "A"))))
    assert refused.value.cycle[0] == refused.value.cycle[-1]
    assert set(refused.value.cycle) == {"S", "A", "B"}


def test_it_names_an_unknown_task_in_a_link():
    error = refusal(spec(tasks("A"), links(("A", "GHOST"))))
    assert (error.code, error.key) == ("unknown_task", "GHOST")
    error = refusal(spec(tasks("A"), links(("GHOST", "A"))))
    assert (error.code, error.key) == ("unknown_task", "GHOST")


def test_it_names_an_unknown_parent():
    error = refusal(spec([TaskSpec("A", parent="NOBODY")]))
    assert (error.code, error.key) == ("unknown_task", "NOBODY")


def test_it_refuses_a_wbs_loop():
    error = refusal(spec([TaskSpec("A", parent="B"), TaskSpec("B", parent="A")]))
    assert error.code == "wbs_cycle"
    assert error.key in {"A", "B"}


def test_it_refuses_two_tasks_with_one_key():
    error = refusal(spec(tasks("A", "B", "A")))
    assert (error.code, error.key) == ("duplicate_task", "A")


def test_it_refuses_a_negative_duration():
    error = refusal(spec([TaskSpec("A", DAY), TaskSpec("B", -1)]))
    assert (error.code, error.key) == ("bad_duration", "B")


def test_it_names_an_unknown_calendar():
    error = refusal(spec([TaskSpec("A", DAY, calendar="night")]))
    assert (error.code, error.key) == ("unknown_calendar", "night")
    error = refusal(spec(tasks("A"), default="missing"))
    assert (error.code, error.key) == ("unknown_calendar", "missing")


def test_it_names_a_broken_calendar():
    broken = CalendarSpec("broken", intervals=((time(9), time(8)),))
    error = refusal(spec(tasks("A"), calendars={"std": broken}))
    assert (error.code, error.key) == ("bad_calendar", "broken")


def test_it_refuses_an_unknown_link_type():
    error = refusal(spec(tasks("A", "B"), [LinkSpec("A", "B", type="XX")]))
    assert (error.code, error.key) == ("bad_link_type", "XX")


def test_it_accepts_link_types_given_as_plain_strings():
    result = schedule(spec(tasks("A", "B"), [LinkSpec("A", "B", type="SS")]))
    assert result.tasks["B"].early_start == datetime(2024, 1, 1, 8)


def test_it_schedules_an_empty_plan():
    result = schedule(spec([]))
    assert result.tasks == {}
    assert result.critical_path == []


def test_it_finds_the_cycle_a_new_link_would_close():
    existing = links(("A", "B"), ("B", "C"), ("C", "D"))
    assert find_cycle_if_added(existing, LinkSpec("D", "A")) == ["D", "A", "B", "C", "D"]
    assert find_cycle_if_added(existing, LinkSpec("C", "B")) == ["C", "B", "C"]
    assert find_cycle_if_added(existing, LinkSpec("A", "A")) == ["A", "A"]


def test_it_allows_a_new_link_that_closes_no_cycle():
    existing = links(("A", "B"), ("B", "C"), ("A", "D"))
    assert find_cycle_if_added(existing, LinkSpec("A", "C")) is None
    assert find_cycle_if_added(existing, LinkSpec("D", "C")) is None
    assert find_cycle_if_added([], LinkSpec("X", "Y")) is None


def test_it_refuses_a_duration_that_ends_past_the_year_9999():
    error = refusal(spec([TaskSpec("A", 480 * 10**7)]))
    assert (error.code, error.key) == ("date_out_of_range", "std")
