"""Critical path method: :func:`schedule` a :class:`~.model.ScheduleSpec`.

Semantics (MS Project's unless said otherwise):

* links FS/SS/FF/SF with lags and leads in working minutes of the successor's calendar;
* nothing unstarted starts before the project start, nor before the status date when one
  is given (Primavera's data date: unstarted work cannot happen in the past);
* constraints: SNET/FNET push the early dates; SNLT/FNLT limit the late dates (negative
  float and ``constraint_violated`` when the early date is past them); MSO/MFO pin both
  early and late dates (``constraint_violated`` when a link or a successor disagrees);
  ALAP tasks are moved later by their free float, so they delay no successor (Primavera's
  ALAP: MS Project would also move the successors);
* completed work (``actual_finish``) stays where it happened and is never critical;
  started work keeps its actual start and its remaining duration runs from
  ``max(status_date, actual_start)``; links into started work are ignored;
* a summary task's dates roll up (earliest child start, latest child finish); its total
  float is the least float of its children and its free float equals its total float
  (what MS Project reports for a summary without links of its own); links to or from a
  summary apply to all its leaf descendants (see :mod:`.network`);
* free float is the slack before any successor's early date moves (or before the project
  finish for a task without successors), never below 0 nor above the total float;
* a zero-duration task shows the date its driver gives: after a finish (FS, FF, an FNET or
  MFO constraint) it shows that finish, e.g. 17:00, otherwise the start, e.g. 08:00; after
  another zero-duration task it shows what that one shows;
* ``critical_path`` is the driving chain (each task set by its predecessor through a link)
  ending at the task that finishes last: the longest path, back to a task set by the project
  start, a constraint, its actual start or completed work. Without a deadline or
  constraints all its tasks are critical.
"""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import compress, repeat
from operator import add, eq, ge, not_, sub

from .model import (
    Constraint,
    Key,
    LinkSpec,
    ScheduleResult,
    ScheduleSpec,
    TaskResult,
)
from .network import NO_BOUND, SOURCE_FINISH, Driver, Network, Special, build_network
from .passes import (
    Carrier,
    backward_multi,
    backward_single,
    forward_multi,
    forward_single,
    single_gaps,
)

_FINISH_CONSTRAINTS = frozenset({Constraint.FNET, Constraint.MFO})


@dataclass
class _Times:
    """Offsets per node, each on the node's own calendar."""

    order: list[int]
    start: list[int]
    late: list[int]
    free_until: list[int]
    driver: list[int]
    finish_abs: int  # the project's early finish, absolute minutes


def schedule(spec: ScheduleSpec) -> ScheduleResult:
    # The run allocates many small objects and frees none until it ends: the cyclic
    # garbage collector would walk them over and over for nothing (10-15% of the time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        net = build_network(spec)
        times = _passes_single(net, spec) if net.single_calendar else _passes_multi(net, spec)
        _place_alap(net, times)
        return _result(net, spec, times)
    finally:
        if collecting:
            gc.enable()


def _passes_single(net: Network, spec: ScheduleSpec) -> _Times:
    clock = net.clocks[0]
    gaps = single_gaps(net)
    order, start, driver, out = forward_single(net, gaps)
    early_finish = max(map(add, start, net.span), default=net.floors[0])
    project_finish = early_finish if spec.finish is None else clock.to_offset(spec.finish)
    late, free_until = backward_single(net, order, out, gaps, start, project_finish)
    return _Times(order, start, late, free_until, driver, clock.abs_of_finish(early_finish))


def _passes_multi(net: Network, spec: ScheduleSpec) -> _Times:
    carrier = Carrier(net.clocks)
    order, start, driver, out = forward_multi(net, carrier)
    clocks, calendar_of, span = net.clocks, net.calendar_of, net.span
    finish_abs = max(
        (clocks[c].abs_of_finish(s + d) for c, s, d in zip(calendar_of, start, span, strict=True)),
        default=clocks[0].abs_of_finish(net.floors[0]),
    )
    if spec.finish is None:
        project_finish = [clock.offset_of_abs(finish_abs) for clock in clocks]
    else:
        project_finish = [clock.to_offset(spec.finish) for clock in clocks]
    late, free_until = backward_multi(net, carrier, order, out, start, project_finish)
    return _Times(order, start, late, free_until, driver, finish_abs)


def _place_alap(net: Network, times: _Times) -> None:
    start, late, span = times.start, times.late, net.span
    for node in net.alap:
        room = min(times.free_until[node] - start[node] - span[node], late[node] - start[node])
        if room > 0:
            start[node] += room


# --- results ----------------------------------------------------------------------------


def _result(net: Network, spec: ScheduleSpec, times: _Times) -> ScheduleResult:
    n = net.n_tasks
    span = net.span[:n]
    start, late = times.start[:n], times.late[:n]
    finish, late_finish = list(map(add, start, span)), list(map(add, late, span))
    total = list(map(sub, late, start))
    free = list(map(sub, times.free_until[:n], finish))
    if net.has_special or net.alap or spec.finish is not None:
        # Without them free float already lies in [0, total float]; with them, clamp it.
        free = [
            0 if f <= 0 or t <= 0 else (f if f < t else t) for f, t in zip(free, total, strict=True)
        ]
    critical = list(map(ge, repeat(0), total))
    if net.has_special:
        for node, sp in enumerate(net.special[:n]):
            if sp is not None and sp.completed:
                critical[node] = False
    dates = _dates(net, times, start, finish, late, late_finish)
    results = list(map(TaskResult, net.keys[:n], *dates, total, free, critical))
    _roll_up(net, results)
    warnings = list(net.warnings) + _warnings(net, spec, results)
    return ScheduleResult(
        tasks=dict(zip(net.keys[:n], results, strict=True)),
        critical_path=_critical_path(net, times, _comparable(net, finish)),
        finish=net.clocks[0].datetime_of_abs(times.finish_abs),
        warnings=warnings,
    )


def _comparable(net: Network, finish: list[int]) -> list[int]:
    """Early finishes as offsets (one calendar) or absolute minutes (several)."""
    if net.single_calendar:
        return finish
    clocks, calendar_of = net.clocks, net.calendar_of
    return [clocks[calendar_of[node]].abs_of_finish(f) for node, f in enumerate(finish)]


def _dates(
    net: Network,
    times: _Times,
    start: list[int],
    finish: list[int],
    late: list[int],
    late_finish: list[int],
) -> list[list[datetime]]:
    if net.single_calendar:
        clock = net.clocks[0]
        starts, finishes = clock.start_table(), clock.finish_table()
        dates = [
            list(map(starts.__getitem__, start)),
            list(map(finishes.__getitem__, finish)),
            list(map(starts.__getitem__, late)),
            list(map(finishes.__getitem__, late_finish)),
        ]
    else:
        clocks = [net.clocks[c] for c in net.calendar_of[: net.n_tasks]]
        dates = [
            [clock.as_start(offset) for clock, offset in zip(clocks, start, strict=True)],
            [clock.as_finish(offset) for clock, offset in zip(clocks, finish, strict=True)],
            [clock.as_start(offset) for clock, offset in zip(clocks, late, strict=True)],
            [clock.as_finish(offset) for clock, offset in zip(clocks, late_finish, strict=True)],
        ]
    for node, at_finish in _zero_length(net, times).items():
        if node < net.n_tasks:
            clock = net.clocks[net.calendar_of[node]]
            show = clock.as_finish if at_finish else clock.as_start
            dates[0][node] = dates[1][node] = show(start[node])
            dates[2][node] = dates[3][node] = show(late[node])
    return dates


def _zero_length(net: Network, times: _Times) -> dict[int, bool]:
    """Zero-length nodes: is the date they show a finish (see the module doc)?"""
    zero = set(compress(range(len(net.span)), map(not_, net.span)))
    zero.difference_update(net.children)
    decided: dict[int, bool] = {}
    for node in zero:
        chain = []  # nodes that show what the zero-length node driving them shows
        answer = False
        while node not in decided:
            link = times.driver[node]
            if link < 0:
                answer = _finish_constrained(net.special[node])
                break
            pred = net.preds[link]
            if pred not in zero:
                answer = net.types[link] in SOURCE_FINISH
                break
            chain.append(node)
            node = pred
        else:
            answer = decided[node]
        decided[node] = answer
        decided.update(zip(chain, repeat(answer)))
    return {node: decided[node] for node in zero}


def _finish_constrained(sp: Special | None) -> bool:
    if sp is None:
        return False
    if sp.driver is Driver.CONSTRAINT:
        return sp.constraint in _FINISH_CONSTRAINTS
    return sp.driver is Driver.ACTUAL and sp.completed


def _roll_up(net: Network, results: list[TaskResult]) -> None:
    """Summary dates from their children, deepest summaries first."""
    depth: dict[int, int] = {}
    for summary in net.children:
        chain = [summary]
        while net.parent_of[chain[-1]] >= 0 and chain[-1] not in depth:
            chain.append(net.parent_of[chain[-1]])
        level = depth.get(chain[-1], 0)
        for task in reversed(chain):
            depth[task] = level
            level += 1
    for summary in sorted(net.children, key=depth.__getitem__, reverse=True):
        kids = [results[child] for child in net.children[summary]]
        result = results[summary]
        result.early_start = min(kid.early_start for kid in kids)
        result.early_finish = max(kid.early_finish for kid in kids)
        result.late_start = min(kid.late_start for kid in kids)
        result.late_finish = max(kid.late_finish for kid in kids)
        result.total_float = result.free_float = min(kid.total_float for kid in kids)
        result.critical = any(kid.critical for kid in kids)
        result.is_summary = True


def _warnings(net: Network, spec: ScheduleSpec, results: list[TaskResult]) -> list:
    warnings: list[tuple[Key | None, str]] = []
    if net.has_special:
        for node, sp in enumerate(net.special[: net.n_tasks]):
            if sp is not None and sp.violated:
                warnings.append((net.keys[node], "constraint_violated"))
    limits = [clock.known_until for clock in net.clocks]
    if any(limit is not None for limit in limits):
        for node, result in enumerate(results):
            limit = limits[net.calendar_of[node]]
            last = max(result.early_finish, result.late_finish, result.early_start)
            if limit is not None and not result.is_summary and last.date() > limit:
                warnings.append((net.keys[node], "calendar_beyond_known_data"))
    late = spec.finish is not None and any(r.early_finish > spec.finish for r in results)
    if late:
        warnings.append((None, "deadline_missed"))
    return warnings


def _critical_path(net: Network, times: _Times, finishes: list[int]) -> list[Key]:
    """``finishes``: per task, its early finish in a unit comparable across tasks."""
    if net.children:
        finishes = list(finishes)
        for summary in net.children:
            finishes[summary] = NO_BOUND
    latest = max(finishes, default=NO_BOUND)
    if latest == NO_BOUND:
        return []
    last = list(compress(range(net.n_tasks), map(eq, finishes, repeat(latest))))
    if len(last) > 1:  # ties: a critical one, the last in topological order
        critical = [node for node in last if times.late[node] <= times.start[node]]
        chosen = set(critical or last)
        last = list(compress(times.order, map(chosen.__contains__, times.order)))
    node = last[-1]
    chain = [node]
    link = times.driver[node]
    while link >= 0:
        node = net.preds[link]
        sp = net.special[node]
        if sp is not None and sp.completed:
            break  # finished work is history, not part of the critical path
        if net.is_leaf_node(node):
            chain.append(node)
        link = times.driver[node]
    chain.reverse()
    return [net.keys[node] for node in chain]


# --- link editing -----------------------------------------------------------------------


def find_cycle_if_added(links: Iterable[LinkSpec], new_link: LinkSpec) -> list[Key] | None:
    """The cycle ``new_link`` would close, as keys in link order (first repeated last)."""
    start, goal = new_link.successor, new_link.predecessor
    if start == goal:
        return [goal, goal]
    after: dict[Key, list[Key]] = {}
    for link in links:
        after.setdefault(link.predecessor, []).append(link.successor)
    came_from: dict[Key, Key] = {start: start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for successor in after.get(node, ()):
            if successor in came_from:
                continue
            came_from[successor] = node
            if successor == goal:
                return _path(came_from, start, goal)
            queue.append(successor)
    return None


def _path(came_from: dict[Key, Key], start: Key, goal: Key) -> list[Key]:
    path = [goal]
    while path[-1] != start:
        path.append(came_from[path[-1]])
    path.reverse()  # start ... goal
    return [goal, *path]
