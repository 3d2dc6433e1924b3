"""From a :class:`~.model.ScheduleSpec` to the flat arrays the passes work on.

Every task is a *node* at its position in ``spec.tasks``. A summary task (one with
children) is an inert node: links to and from it are redirected to up to four zero-length
*virtual* nodes appended after the tasks, which stand for "every leaf below it":

* into its start (FS, SS) / into its finish (FF, SF): the virtual node is linked SS / FF
  to each child, so every leaf descendant waits for the predecessor;
* out of its finish (FS, FF) / out of its start (SS, SF): each child is linked FF / SS to
  the virtual node, which therefore waits for the last leaf.

This is the linear-size form of "a link to or from a summary applies to its leaf
descendants". Links into started or completed work are kept for the topological order
only: predecessors do not move started work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum
from operator import attrgetter

from .calendar import WorkingTime
from .model import (
    CalendarSpec,
    Constraint,
    Key,
    LinkType,
    ScheduleError,
    ScheduleSpec,
    TaskSpec,
)

NO_BOUND = -(1 << 62)  # a link bound that never binds: links into started work

SOURCE_FINISH = frozenset({LinkType.FS, LinkType.FF})
TARGET_FINISH = frozenset({LinkType.FF, LinkType.SF})
_CANONICAL_TYPE: dict[object, LinkType] = {t: t for t in LinkType}  # also maps "FS" etc.
_DATED = frozenset(Constraint) - {Constraint.ASAP, Constraint.ALAP}
_PINNED = frozenset({Constraint.MSO, Constraint.MFO})


class Driver(IntEnum):
    """What set a node's early start."""

    LINK = 0
    FLOOR = 1  # the project start or the status date
    CONSTRAINT = 2
    ACTUAL = 3


@dataclass
class Special:
    """A node that is not plain "as soon as possible": a dated constraint or actuals.

    Offsets are on the node's own calendar.
    """

    constraint: Constraint = Constraint.ASAP
    at: int = 0  # the constraint date
    fixed_start: int | None = None  # started or completed work starts here
    completed: bool = False
    driver: Driver = Driver.LINK
    violated: bool = False

    def forward(self, link_bound: int, floor: int, span: int) -> int:
        """The early start, given the latest start the links ask for."""
        if self.fixed_start is not None:
            self.driver = Driver.ACTUAL
            return self.fixed_start
        constraint, at = self.constraint, self.at
        natural = link_bound if link_bound >= floor else floor
        self.driver = Driver.LINK if link_bound >= floor else Driver.FLOOR
        start = natural
        if constraint is Constraint.MSO or constraint is Constraint.MFO:
            start = at if constraint is Constraint.MSO else at - span
            self.violated = link_bound > start
            self.driver = Driver.CONSTRAINT
        elif constraint is Constraint.SNET and at > natural:
            start, self.driver = at, Driver.CONSTRAINT
        elif constraint is Constraint.FNET and at - span > natural:
            start, self.driver = at - span, Driver.CONSTRAINT
        elif constraint is Constraint.SNLT:
            self.violated = start > at
        elif constraint is Constraint.FNLT:
            self.violated = start + span > at
        return start

    def backward(self, latest_finish: int, early_start: int, span: int) -> int:
        """The late start, given the latest finish the successors allow."""
        if self.fixed_start is not None:
            return early_start if self.completed else latest_finish - span
        constraint, at = self.constraint, self.at
        if constraint in _PINNED:
            self.violated = self.violated or latest_finish < early_start + span
            return early_start
        if constraint is Constraint.SNLT:
            return min(latest_finish - span, at)
        if constraint is Constraint.FNLT:
            return min(latest_finish, at) - span
        return latest_finish - span


class Role(IntEnum):
    IN_START = 0
    IN_FINISH = 1
    OUT_START = 2
    OUT_FINISH = 3


@dataclass
class Network:
    keys: list[Key]  # per node; a virtual node carries its summary's key
    index: dict[Key, int]  # task key -> its node
    n_tasks: int
    parent_of: list[int]  # per task: index of the WBS parent, -1 at the top
    children: dict[int, list[int]]  # summary task -> its direct children
    durations: list[int]  # per task, as given (0 for summaries)
    span: list[int]  # per node: working minutes from early start to early finish
    calendar_of: list[int]  # per node: index into clocks
    clocks: list[WorkingTime]
    floors: list[int]  # per clock: nothing unstarted starts earlier
    special: list[Special | None]  # per node
    alap: list[int]  # ALAP tasks
    preds: list[int] = field(default_factory=list)  # per link
    succs: list[int] = field(default_factory=list)
    lags: list[int] = field(default_factory=list)
    types: list[LinkType] = field(default_factory=list)
    ignored: list[bool] = field(default_factory=list)  # into started work: order only
    warnings: list[tuple[Key | None, str]] = field(default_factory=list)
    virtual: dict[tuple[int, Role], int] = field(default_factory=dict)
    has_special: bool = False

    def source_finish(self) -> list[bool]:
        """Per link: the predecessor's finish (not its start) gives the bound."""
        return list(map(SOURCE_FINISH.__contains__, self.types))

    def target_finish(self) -> list[bool]:
        """Per link: the bound is on the successor's finish (not its start)."""
        return list(map(TARGET_FINISH.__contains__, self.types))

    @property
    def single_calendar(self) -> bool:
        return len(self.clocks) == 1

    def is_summary(self, task: int) -> bool:
        return task in self.children

    def is_leaf_node(self, node: int) -> bool:
        return node < self.n_tasks and node not in self.children


def build_network(spec: ScheduleSpec) -> Network:
    tasks = spec.tasks
    keys: list[Key] = list(map(attrgetter("key"), tasks))
    index = dict(zip(keys, range(len(keys)), strict=True))
    if len(index) != len(keys):
        raise ScheduleError("duplicate_task", _first_duplicate(keys))
    parent_of, children = _wbs(tasks, index)
    calendar_of, clocks = _calendars(spec)
    durations = list(map(attrgetter("duration"), tasks))
    if min(durations, default=0) < 0:
        raise ScheduleError("bad_duration", keys[durations.index(min(durations))])
    for summary in children:
        durations[summary] = 0
    floors = _floors(spec, clocks)
    net = Network(
        keys=keys,
        index=index,
        n_tasks=len(keys),
        parent_of=parent_of,
        children=children,
        durations=durations,
        span=list(durations),
        calendar_of=calendar_of,
        clocks=clocks,
        floors=floors,
        special=[None] * len(keys),
        alap=[],
    )
    _specials(spec, net)
    _links(spec, net, index)
    return net


def _first_duplicate(keys: Sequence[Key]) -> Key:
    seen: set[Key] = set()
    for key in keys:
        if key in seen:
            return key
        seen.add(key)
    return None  # pragma: no cover - only called when there is a duplicate


def _wbs(tasks: list[TaskSpec], index: dict[Key, int]) -> tuple[list[int], dict[int, list[int]]]:
    parents = list(map(attrgetter("parent"), tasks))
    if parents.count(None) == len(parents):
        return [-1] * len(tasks), {}
    parent_of = []
    children: dict[int, list[int]] = {}
    for position, parent in enumerate(parents):
        if parent is None:
            parent_of.append(-1)
            continue
        if parent not in index:
            raise ScheduleError("unknown_task", parent)
        parent_of.append(index[parent])
        children.setdefault(index[parent], []).append(position)
    rooted: set[int] = set()  # tasks whose parent chain is known to end at the top
    for position in range(len(tasks)):
        chain = [position]
        up = parent_of[position]
        while up >= 0 and up not in rooted:
            if up in chain:
                raise ScheduleError("wbs_cycle", tasks[up].key)
            chain.append(up)
            up = parent_of[up]
        rooted.update(chain)
    return parent_of, children


def _calendars(spec: ScheduleSpec) -> tuple[list[int], list[WorkingTime]]:
    if spec.default_calendar not in spec.calendars:
        raise ScheduleError("unknown_calendar", spec.default_calendar)
    wanted = list(map(attrgetter("calendar"), spec.tasks))
    used: dict[Key, int] = {spec.default_calendar: 0}
    for key in set(wanted) - {None, spec.default_calendar}:
        if key not in spec.calendars:
            raise ScheduleError("unknown_calendar", key)
        used[key] = len(used)
    origin = spec.start.date()
    clocks = [WorkingTime(_calendar(spec, key), origin) for key in used]
    if len(used) == 1:
        return [0] * len(wanted), clocks
    default = used[spec.default_calendar]
    return [default if key is None else used[key] for key in wanted], clocks


def _calendar(spec: ScheduleSpec, key: Key) -> CalendarSpec:
    return spec.calendars[key]


def _floors(spec: ScheduleSpec, clocks: list[WorkingTime]) -> list[int]:
    floors = [clock.to_offset(spec.start) for clock in clocks]
    if spec.status_date is not None:
        status = spec.status_date
        floors = [
            max(floor, clock.to_offset(status)) for floor, clock in zip(floors, clocks, strict=True)
        ]
    return floors


def _specials(spec: ScheduleSpec, net: Network) -> None:
    tasks = spec.tasks
    constraints = list(map(attrgetter("constraint"), tasks))
    no_actuals = not any(map(attrgetter("actual_start"), tasks)) and not any(
        map(attrgetter("actual_finish"), tasks)
    )
    if no_actuals and constraints.count(Constraint.ASAP) == len(tasks):
        return
    for position, task in enumerate(tasks):
        has_actuals = task.actual_start is not None or task.actual_finish is not None
        if task.constraint is Constraint.ASAP and not has_actuals:
            continue
        if net.is_summary(position):
            net.warnings.append((task.key, "summary_constraint_ignored"))
            continue
        clock = net.clocks[net.calendar_of[position]]
        if has_actuals:
            net.special[position] = _progress(task, clock, spec.status_date, net, position)
        elif task.constraint is Constraint.ALAP:
            net.alap.append(position)
        else:
            net.special[position] = _constrained(task, clock)


def _constrained(task: TaskSpec, clock: WorkingTime) -> Special:
    constraint = Constraint(task.constraint)
    if constraint in _DATED and task.constraint_date is None:
        raise ScheduleError("missing_constraint_date", task.key)
    assert task.constraint_date is not None
    return Special(constraint=constraint, at=clock.to_offset(task.constraint_date))


def _progress(
    task: TaskSpec, clock: WorkingTime, status: datetime | None, net: Network, position: int
) -> Special:
    """Started or completed work: fixed where it happened, the rest after the status date."""
    duration = net.durations[position]
    if task.actual_finish is not None:
        finish = clock.to_offset(task.actual_finish)
        start = finish - duration
        if task.actual_start is not None:
            start = clock.to_offset(task.actual_start)
        if finish < start:
            raise ScheduleError("finish_before_start", task.key)
        net.span[position] = finish - start
        return Special(fixed_start=start, completed=True)
    assert task.actual_start is not None
    start = clock.to_offset(task.actual_start)
    finish = start + duration
    if status is not None:
        done = min(max(task.percent_complete, 0.0), 100.0) / 100.0
        remaining = round(duration * (1.0 - done))
        finish = max(clock.to_offset(status), start) + remaining
    net.span[position] = finish - start
    return Special(fixed_start=start)


def _links(spec: ScheduleSpec, net: Network, index: dict[Key, int]) -> None:
    if spec.links:
        # LinkSpec is a tuple: one transposition reads every field of every link
        preds, succs, types, lags = zip(*spec.links, strict=True)
        if all(type(kind) is LinkType for kind in set(types)):
            net.types = list(types)
        else:  # also "FS" etc.
            try:
                net.types = list(map(_CANONICAL_TYPE.__getitem__, types))
            except KeyError as bad:
                raise ScheduleError("bad_link_type", bad.args[0]) from None
        try:
            net.preds = list(map(index.__getitem__, preds))
            net.succs = list(map(index.__getitem__, succs))
        except KeyError as unknown:
            raise ScheduleError("unknown_task", unknown.args[0]) from None
        net.lags = list(lags)
    if net.children:
        _redirect_summary_links(net)
    special = net.special
    net.has_special = any(special)
    if net.has_special:
        net.ignored = [
            sp is not None and sp.fixed_start is not None
            for sp in map(special.__getitem__, net.succs)
        ]
    else:
        net.ignored = [False] * len(net.succs)


def _redirect_summary_links(net: Network) -> None:
    children = net.children
    for k in range(len(net.preds)):
        pred, succ, link_type = net.preds[k], net.succs[k], net.types[k]
        if pred in children:
            role = Role.OUT_FINISH if link_type in SOURCE_FINISH else Role.OUT_START
            net.preds[k] = _virtual(net, pred, role)
        if succ in children:
            role = Role.IN_FINISH if link_type in TARGET_FINISH else Role.IN_START
            net.succs[k] = _virtual(net, succ, role)


def _virtual(net: Network, summary: int, role: Role) -> int:
    """The virtual node of ``summary`` for ``role``, made (with its links, and those of the
    summaries below it) on first use."""
    node = net.virtual.get((summary, role))
    if node is not None:
        return node
    node = _new_virtual(net, summary, role)
    into = role in (Role.IN_START, Role.IN_FINISH)
    link_type = LinkType.FF if role in (Role.IN_FINISH, Role.OUT_FINISH) else LinkType.SS
    pending = [summary]
    while pending:
        parent = pending.pop()
        here = net.virtual[(parent, role)]
        for child in net.children[parent]:
            end = child
            if child in net.children:
                end = net.virtual.get((child, role), -1)
                if end < 0:
                    end = _new_virtual(net, child, role)
                    pending.append(child)
            net.preds.append(here if into else end)
            net.succs.append(end if into else here)
            net.lags.append(0)
            net.types.append(link_type)
    return node


def _new_virtual(net: Network, summary: int, role: Role) -> int:
    node = len(net.keys)
    net.virtual[(summary, role)] = node
    net.keys.append(net.keys[summary])
    net.span.append(0)
    net.calendar_of.append(net.calendar_of[summary])
    net.special.append(None)
    return node
