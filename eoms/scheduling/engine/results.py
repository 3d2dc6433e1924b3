"""Per-task results from the passes' offsets, made when they are first read.

The passes leave every number the schedule needs in flat lists of working-time offsets
(:class:`Times`). What is per task — four ``datetime`` values, two floats, the critical
flag — is turned into :class:`~.model.TaskResult` tuples by :class:`TaskResults`, all at
once at list speed, when the first one is read (``result.tasks[key]``, ``.values()`` ...):
a caller that only wants the critical path or the finish does not pay for ten thousand
tuples. What needs the whole network is decided when the schedule is made: the date a
zero-length task shows, the summaries' roll-ups, the warnings (:class:`ResultRows`).
"""

from __future__ import annotations

import gc
from collections.abc import ItemsView, Iterator, Mapping, ValuesView
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from itertools import compress, repeat
from operator import add, ge, not_, sub
from typing import Any

from .model import Constraint, Key, TaskResult
from .network import SOURCE_FINISH, Driver, Network, Special

_FINISH_CONSTRAINTS = frozenset({Constraint.FNET, Constraint.MFO})

Dates = tuple[datetime, datetime, datetime, datetime]  # early start/finish, late start/finish
Row = tuple[datetime, datetime, datetime, datetime, int, int, bool]  # + floats, critical


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while many small objects are made and none freed: it
    would walk them over and over for nothing (10-15% of the engine's time)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@dataclass
class Times:
    """Offsets per node, each on the node's own calendar."""

    order: list[int]
    start: list[int]
    finish: list[int]  # early finish
    late: list[int]
    free_until: list[int]
    driver: list[int]  # the link that set the early start, -1: none
    finish_abs: int  # the project's early finish, absolute minutes


class ResultRows:
    """The values of each task, from a network and its passes."""

    def __init__(self, net: Network, times: Times, *, clamp_free: bool):
        self.net = net
        self.times = times
        # Without constraints, actuals, ALAP or a deadline, free float already lies in
        # [0, total float]; with them it is clamped.
        self.clamp_free = clamp_free
        self.shown: dict[int, Dates] = {}  # zero-length tasks: the one date they show
        self.rolled: dict[int, Row] = {}  # summary tasks
        _show_zero_length(self)
        _roll_up(self)

    def completed(self, node: int) -> bool:
        sp = self.net.special[node]
        return sp is not None and sp.completed

    def dates(self, node: int) -> Dates:
        shown = self.shown.get(node)
        if shown is not None:
            return shown
        rolled = self.rolled.get(node)
        if rolled is not None:
            return rolled[:4]
        net, times = self.net, self.times
        clock = net.clocks[net.calendar_of[node]]
        late = times.late[node]
        return (
            clock.as_start(times.start[node]),
            clock.as_finish(times.finish[node]),
            clock.as_start(late),
            clock.as_finish(late + net.span[node]),
        )

    def row(self, node: int) -> Row:
        rolled = self.rolled.get(node)
        if rolled is not None:
            return rolled
        times = self.times
        total = times.late[node] - times.start[node]
        free = times.free_until[node] - times.finish[node]
        if self.clamp_free:
            free = 0 if free <= 0 or total <= 0 else min(free, total)
        critical = total <= 0 and not self.completed(node)
        return (*self.dates(node), total, free, critical)

    def columns(self) -> list[list[Any]]:
        """Every task's values, a list per field of :class:`TaskResult` after the key."""
        net, times, n = self.net, self.times, self.net.n_tasks
        start, finish, late = times.start[:n], times.finish[:n], times.late[:n]
        total = list(map(sub, late, start))
        free = list(map(sub, times.free_until[:n], finish))
        if self.clamp_free:
            free = [0 if f <= 0 or t <= 0 else min(f, t) for f, t in zip(free, total, strict=True)]
        critical = list(map(ge, repeat(0), total))
        if net.has_special:
            for node in compress(range(n), net.special[:n]):
                critical[node] = critical[node] and not self.completed(node)
        columns: list[list[Any]] = [*_dates(net, start, finish, late), total, free, critical]
        columns.append([False] * n)  # is_summary
        for node, dates in self.shown.items():
            for column, moment in zip(columns, dates, strict=False):
                column[node] = moment
        for node, row in self.rolled.items():
            for column, value in zip(columns, (*row, True), strict=True):
                column[node] = value
        return columns


def _dates(
    net: Network, start: list[int], finish: list[int], late: list[int]
) -> list[list[datetime]]:
    late_finish = map(add, late, net.span)  # as long as `late`: the tasks, not virtual nodes
    if net.single_calendar:
        clock = net.clocks[0]
        starts, finishes = clock.start_table(), clock.finish_table()
        return [
            list(map(starts.__getitem__, start)),
            list(map(finishes.__getitem__, finish)),
            list(map(starts.__getitem__, late)),
            list(map(finishes.__getitem__, late_finish)),
        ]
    clocks = [net.clocks[c] for c in net.calendar_of[: net.n_tasks]]
    return [
        [clock.as_start(offset) for clock, offset in zip(clocks, start, strict=True)],
        [clock.as_finish(offset) for clock, offset in zip(clocks, finish, strict=True)],
        [clock.as_start(offset) for clock, offset in zip(clocks, late, strict=True)],
        [clock.as_finish(offset) for clock, offset in zip(clocks, late_finish, strict=True)],
    ]


# --- what needs the whole network -------------------------------------------------------


def _show_zero_length(rows: ResultRows) -> None:
    """A zero-length task shows one date, a start or a finish (see :mod:`.cpm`)."""
    net, times = rows.net, rows.times
    start, late, n = times.start, times.late, net.n_tasks
    for node, at_finish in _zero_length(net, times).items():
        if node < n:
            clock = net.clocks[net.calendar_of[node]]
            show = clock.as_finish if at_finish else clock.as_start
            early, latest = show(start[node]), show(late[node])
            rows.shown[node] = (early, early, latest, latest)


def _zero_length(net: Network, times: Times) -> dict[int, bool]:
    """Zero-length nodes: is the date they show a finish?"""
    zero = set(compress(range(len(net.span)), map(not_, net.span)))
    zero.difference_update(net.children)
    driver, preds, types, special = times.driver, net.preds, net.types, net.special
    decided: dict[int, bool] = {}
    for node in zero:
        chain = []  # nodes that show what the zero-length node driving them shows
        while node not in decided:
            link = driver[node]
            if link < 0:
                decided[node] = _finish_constrained(special[node])
                break
            pred = preds[link]
            if pred not in zero:
                decided[node] = types[link] in SOURCE_FINISH
                break
            chain.append(node)
            node = pred
        answer = decided[node]
        for follower in chain:
            decided[follower] = answer
    return {node: decided[node] for node in zero}


def _finish_constrained(sp: Special | None) -> bool:
    if sp is None:
        return False
    if sp.driver is Driver.CONSTRAINT:
        return sp.constraint in _FINISH_CONSTRAINTS
    return sp.driver is Driver.ACTUAL and sp.completed


def _roll_up(rows: ResultRows) -> None:
    """Summary dates from their children, deepest summaries first. A summary's free float
    is its total float: the least of its children's."""
    net = rows.net
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
        kids = list(map(rows.row, net.children[summary]))
        least = min(kid[4] for kid in kids)
        rows.rolled[summary] = (
            min(kid[0] for kid in kids),
            max(kid[1] for kid in kids),
            min(kid[2] for kid in kids),
            max(kid[3] for kid in kids),
            least,
            least,
            any(kid[6] for kid in kids),
        )


def warnings(rows: ResultRows, deadline: datetime | None) -> list[tuple[Key | None, str]]:
    net = rows.net
    found: list[tuple[Key | None, str]] = []
    if net.has_special:
        for node, sp in enumerate(net.special[: net.n_tasks]):
            if sp is not None and sp.violated:
                found.append((net.keys[node], "constraint_violated"))
    limits = [clock.known_until for clock in net.clocks]
    if any(limit is not None for limit in limits):
        for node in range(net.n_tasks):
            limit = limits[net.calendar_of[node]]
            if limit is not None and node not in net.children:
                early_start, early_finish, _, late_finish = rows.dates(node)
                if max(early_start, early_finish, late_finish).date() > limit:
                    found.append((net.keys[node], "calendar_beyond_known_data"))
    if deadline is not None and any(rows.dates(node)[1] > deadline for node in range(net.n_tasks)):
        found.append((None, "deadline_missed"))
    return found


# --- the mapping ------------------------------------------------------------------------


class TaskResults(Mapping[Key, TaskResult]):
    """Task key -> :class:`TaskResult`. Every value is computed with the schedule; the
    ``TaskResult`` tuples are made, all at once, when the first one is read."""

    def __init__(self, index: dict[Key, int], rows: ResultRows):
        self._index = index  # key -> position, in task order
        self._rows: ResultRows | None = rows
        self._made: list[TaskResult] = []

    def _all(self) -> list[TaskResult]:
        if self._rows is not None:
            with paused_gc():
                keys = list(self._index)
                fields = zip(keys, *self._rows.columns(), strict=True)
                self._made = list(map(tuple.__new__, repeat(TaskResult), fields))
            self._rows = None  # the network and offsets are no longer needed
        return self._made

    def __getitem__(self, key: Key) -> TaskResult:
        return self._all()[self._index[key]]

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __iter__(self) -> Iterator[Key]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def __repr__(self) -> str:
        return f"TaskResults({dict(self.items())!r})"

    def values(self) -> ValuesView[TaskResult]:
        return _Values(self)

    def items(self) -> ItemsView[Key, TaskResult]:
        return _Items(self)


class _Values(ValuesView[TaskResult]):
    _mapping: TaskResults

    def __iter__(self) -> Iterator[TaskResult]:
        return iter(self._mapping._all())


class _Items(ItemsView[Key, TaskResult]):
    _mapping: TaskResults

    def __iter__(self) -> Iterator[tuple[Key, TaskResult]]:
        return zip(self._mapping, self._mapping._all(), strict=True)
