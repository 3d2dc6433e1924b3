"""Properties of every schedule of random networks (hypothesis).

On a network without constraints, actuals or deadline:
* every link holds for the early dates and for the late dates;
* early dates are as early as the links allow, late dates as late (the passes are tight);
* total float is late minus early start, never negative, and free float lies in [0, total];
* the critical path is a chain of driving links from a task at the project start to a task
  finishing at the project finish, all of it critical;
* the several-calendar code path gives the same schedule as the one-calendar path.
"""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from eoms.scheduling.engine import (
    CalendarSpec,
    LinkSpec,
    LinkType,
    ScheduleSpec,
    TaskSpec,
    WorkingTime,
    schedule,
)

START = datetime(2024, 1, 29, 8)
CAL = CalendarSpec(  # with a holiday week and a Sunday make-up day in the way
    "cn",
    holidays=frozenset(date(2024, 2, d) for d in range(10, 18)),
    extra_workdays=frozenset({date(2024, 2, 4), date(2024, 2, 18)}),
)
CLOCK = WorkingTime(CAL, START.date())


@st.composite
def networks(draw) -> ScheduleSpec:
    n = draw(st.integers(1, 18))
    durations = draw(st.lists(st.integers(0, 3 * 480), min_size=n, max_size=n))
    rank = draw(st.permutations(range(n)))  # a hidden topological order
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n))
    links = []
    for a, b in pairs:
        if a == b:
            continue
        pred, succ = (a, b) if rank[a] < rank[b] else (b, a)
        link_type = draw(st.sampled_from(list(LinkType)))
        lag = draw(st.sampled_from([0, 0, 0, 60, 240, 480, 960, -240, -480]))
        links.append(LinkSpec(f"T{pred}", f"T{succ}", link_type, lag))
    tasks = [TaskSpec(f"T{i}", d) for i, d in enumerate(durations)]
    return ScheduleSpec(START, {"cn": CAL}, "cn", tasks, links)


def offsets(result):
    off = CLOCK.to_offset
    return {
        key: (off(t.early_start), off(t.early_finish), off(t.late_start), off(t.late_finish))
        for key, t in result.tasks.items()
    }


def bound(link: LinkSpec, dates: dict, late: bool) -> tuple[int, int]:
    """(value the link asks for, which end of the successor: 0 start / 1 finish)."""
    start, finish = dates[link.predecessor][2:4] if late else dates[link.predecessor][0:2]
    source = finish if link.type in (LinkType.FS, LinkType.FF) else start
    return source + link.lag, 1 if link.type in (LinkType.FF, LinkType.SF) else 0


def test_it_checks_the_properties_on_a_known_network():
    spec = ScheduleSpec(
        START,
        {"cn": CAL},
        "cn",
        [TaskSpec("T0", 480), TaskSpec("T1", 960)],
        [LinkSpec("T0", "T1", LinkType.FS, 240)],
    )
    check_schedule(spec)


@settings(max_examples=150, deadline=None)
@given(networks())
def test_every_link_holds_and_the_passes_are_tight(spec):
    check_schedule(spec)


def check_schedule(spec: ScheduleSpec) -> None:
    result = schedule(spec)
    dates = offsets(result)
    durations = {task.key: task.duration for task in spec.tasks}
    project_finish = CLOCK.to_offset(result.finish)
    assert project_finish == max(ef for _, ef, _, _ in dates.values())
    needs_start = {key: 0 for key in dates}  # the project start is offset 0
    allows_finish = {key: project_finish for key in dates}
    for link in spec.links:
        for late in (False, True):
            value, end = bound(link, dates, late)
            succ = dates[link.successor]
            assert (succ[2 + end] if late else succ[end]) >= value, (link, late)
        value, end = bound(link, dates, late=False)
        needs_start[link.successor] = max(
            needs_start[link.successor], value - end * durations[link.successor]
        )
        succ = dates[link.successor]
        source_is_finish = link.type in (LinkType.FS, LinkType.FF)
        limit = succ[2 + (1 if link.type in (LinkType.FF, LinkType.SF) else 0)] - link.lag
        if not source_is_finish:
            limit += durations[link.predecessor]
        allows_finish[link.predecessor] = min(allows_finish[link.predecessor], limit)
    for key, (es, ef, ls, lf) in dates.items():
        task = result.tasks[key]
        assert ef - es == lf - ls == durations[key]
        assert es == needs_start[key], key  # as early as allowed
        assert lf == allows_finish[key], key  # as late as allowed
        assert task.total_float == ls - es >= 0
        assert 0 <= task.free_float <= task.total_float
        assert task.critical == (task.total_float == 0)
    check_critical_path(spec, result, dates, project_finish)


def check_critical_path(spec, result, dates, project_finish) -> None:
    path = result.critical_path
    assert path
    assert all(result.tasks[key].critical for key in path)
    assert dates[path[0]][0] == 0  # set by the project start, not by a link
    assert dates[path[-1]][1] == project_finish
    durations = {task.key: task.duration for task in spec.tasks}
    for pred, succ in zip(path, path[1:], strict=False):
        driving = [
            link
            for link in spec.links
            if (link.predecessor, link.successor) == (pred, succ)
            and bound(link, dates, late=False)[0]
            - bound(link, dates, late=False)[1] * durations[succ]
            == dates[succ][0]
        ]
        assert driving, (pred, succ)


@settings(max_examples=60, deadline=None)
@given(networks(), st.data())
def test_the_several_calendar_path_agrees_with_the_one_calendar_path(spec, data):
    one = schedule(spec)
    twin = CalendarSpec("twin", holidays=CAL.holidays, extra_workdays=CAL.extra_workdays)
    spec.calendars["twin"] = twin
    for task in spec.tasks:
        if data.draw(st.booleans()):
            task.calendar = "twin"
    several = schedule(spec)
    assert several.tasks == one.tasks
    assert several.finish == one.finish
    assert several.critical_path == one.critical_path
