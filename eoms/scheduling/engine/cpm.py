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

from collections import deque
from collections.abc import Iterable
from itertools import compress, repeat
from operator import add, eq

from .model import Key, LinkSpec, ScheduleResult, ScheduleSpec
from .network import NO_BOUND, Network, build_network
from .passes import (
    Carrier,
    backward_multi,
    backward_single,
    forward_multi,
    forward_single,
    single_gaps,
)
from .results import ResultRows, TaskResults, Times, paused_gc, warnings


def schedule(spec: ScheduleSpec) -> ScheduleResult:
    with paused_gc():
        net = build_network(spec)
        times = _passes_single(net, spec) if net.single_calendar else _passes_multi(net, spec)
        _place_alap(net, times)
        return _result(net, spec, times)


def _passes_single(net: Network, spec: ScheduleSpec) -> Times:
    clock = net.clocks[0]
    gaps = single_gaps(net)
    order, start, driver, out = forward_single(net, gaps)
    finish = list(map(add, start, net.span))
    early_finish = max(finish, default=net.floors[0])
    project_finish = early_finish if spec.finish is None else clock.to_offset(spec.finish)
    late, free_until = backward_single(net, order, out, gaps, start, project_finish)
    return Times(order, start, finish, late, free_until, driver, clock.abs_of_finish(early_finish))


def _passes_multi(net: Network, spec: ScheduleSpec) -> Times:
    carrier = Carrier(net.clocks)
    order, start, driver, out = forward_multi(net, carrier)
    clocks, calendar_of = net.clocks, net.calendar_of
    finish = list(map(add, start, net.span))
    finish_abs = max(
        (clocks[c].abs_of_finish(f) for c, f in zip(calendar_of, finish, strict=True)),
        default=clocks[0].abs_of_finish(net.floors[0]),
    )
    if spec.finish is None:
        project_finish = [clock.offset_of_abs(finish_abs) for clock in clocks]
    else:
        project_finish = [clock.to_offset(spec.finish) for clock in clocks]
    late, free_until = backward_multi(net, carrier, order, out, start, project_finish)
    return Times(order, start, finish, late, free_until, driver, finish_abs)


def _place_alap(net: Network, times: Times) -> None:
    start, finish, late = times.start, times.finish, times.late
    for node in net.alap:
        room = min(times.free_until[node] - finish[node], late[node] - start[node])
        if room > 0:
            start[node] += room
            finish[node] += room


# --- results ----------------------------------------------------------------------------


def _result(net: Network, spec: ScheduleSpec, times: Times) -> ScheduleResult:
    clamp_free = net.has_special or bool(net.alap) or spec.finish is not None
    rows = ResultRows(net, times, clamp_free=clamp_free)
    n = net.n_tasks
    return ScheduleResult(
        tasks=TaskResults(net.index, rows),
        critical_path=_critical_path(net, times, _comparable(net, times.finish[:n])),
        finish=net.clocks[0].datetime_of_abs(times.finish_abs),
        warnings=list(net.warnings) + warnings(rows, spec.finish),
    )


def _comparable(net: Network, finish: list[int]) -> list[int]:
    """Early finishes as offsets (one calendar) or absolute minutes (several)."""
    if net.single_calendar:
        return finish
    clocks, calendar_of = net.clocks, net.calendar_of
    return [clocks[calendar_of[node]].abs_of_finish(f) for node, f in enumerate(finish)]


def _critical_path(net: Network, times: Times, finishes: list[int]) -> list[Key]:
    """``finishes``: per task, its early finish in a unit comparable across tasks."""
    if net.children:
        finishes = list(finishes)
        for summary in net.children:
            finishes[summary] = NO_BOUND
    latest = max(finishes, default=NO_BOUND)
    if latest == NO_BOUND:
        return []
    if finishes.count(latest) == 1:
        last = [finishes.index(latest)]
    else:  # ties: a critical one, the last in topological order
        last = list(compress(range(net.n_tasks), map(eq, finishes, repeat(latest))))
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
