"""The engine's answer per task: `result.tasks` is a mapping whose TaskResult objects are
made when they are read. Read one by one or all at once, they are the same values, on
networks with summaries, constraints, progress, zero-length tasks and several calendars."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given, reject, settings
from hypothesis import strategies as st

from eoms.scheduling.engine import (
    CalendarSpec,
    Constraint,
    CycleError,
    LinkSpec,
    LinkType,
    ScheduleSpec,
    TaskResult,
    TaskSpec,
    schedule,
)

START = datetime(2024, 1, 29, 8)
CALENDARS = {
    "cn": CalendarSpec(
        "cn", holidays=frozenset(date(2024, 2, d) for d in range(10, 18)),
        known_until=date(2024, 2, 20),
    ),
    "site": CalendarSpec("site", weekdays=frozenset(range(6))),
}


@st.composite
def networks(draw) -> ScheduleSpec:
    n = draw(st.integers(1, 14))
    tasks = []
    above: list[set[int]] = []  # each task's ancestors: a link to one of them is a loop
    for i in range(n):
        parent = draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None
        above.append(set() if parent is None else {parent, *above[parent]})
        constraint = draw(st.sampled_from([Constraint.ASAP] * 4 + list(Constraint)))
        started = draw(st.integers(0, 5)) == 0
        tasks.append(TaskSpec(
            f"T{i}", draw(st.sampled_from([0, 240, 480, 960, 2400])),
            parent=None if parent is None else f"T{parent}",
            calendar=draw(st.sampled_from([None, None, "site"])),
            constraint=constraint,
            constraint_date=START + timedelta(days=draw(st.integers(0, 20))),
            actual_start=START + timedelta(days=draw(st.integers(0, 3))) if started else None,
            percent_complete=draw(st.sampled_from([0.0, 50.0])),
        ))
    links = []
    for a, b in draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)),
                              max_size=2 * n)):
        if a < b and a not in above[b]:
            links.append(LinkSpec(f"T{a}", f"T{b}", draw(st.sampled_from(list(LinkType))),
                                  draw(st.sampled_from([0, 480, -240]))))
    finish = draw(st.one_of(st.none(), st.just(START + timedelta(days=30))))
    return ScheduleSpec(START, CALENDARS, "cn", tasks, links,
                        status_date=START + timedelta(days=2), finish=finish)


@settings(max_examples=120, deadline=None)
@given(networks())
def test_it_gives_the_same_results_one_by_one_and_all_at_once(spec):
    keys = [task.key for task in spec.tasks]
    try:
        fresh = schedule(spec)
    except CycleError:  # through a summary: links into it reach all its children
        reject()
    one_by_one = [fresh.tasks[key] for key in keys]
    result = schedule(spec)
    assert list(result.tasks) == keys
    assert list(result.tasks.values()) == one_by_one
    assert dict(result.tasks.items()) == dict(zip(keys, one_by_one, strict=True))
    summaries = {task.parent for task in spec.tasks if task.parent is not None}
    assert {key for key, r in result.tasks.items() if r.is_summary} == summaries


def test_it_hands_out_the_same_results_each_time():
    spec = ScheduleSpec(START, CALENDARS, "cn", [TaskSpec("A", 480), TaskSpec("B", 960)],
                        [LinkSpec("A", "B")])
    result = schedule(spec)
    first = result.tasks["B"]
    assert first == result.tasks["B"] and first.early_start < first.early_finish
    assert next(r for r in result.tasks.values() if r.key == "B") == first


def test_it_behaves_as_a_mapping():
    spec = ScheduleSpec(START, CALENDARS, "cn", [TaskSpec("A", 480)], [])
    tasks = schedule(spec).tasks
    assert len(tasks) == 1 and "A" in tasks and "Z" not in tasks
    assert tasks.get("Z") is None and isinstance(tasks.get("A"), TaskResult)
    assert tasks == {"A": tasks["A"]} and list(tasks.keys()) == ["A"]
    assert "TaskResult" in repr(tasks)
