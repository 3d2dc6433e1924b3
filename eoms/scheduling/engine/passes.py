"""The forward and backward passes over a :class:`~.network.Network`.

Kahn's topological order is fused with the forward pass: a node is scheduled when its last
predecessor is, and pushes its bounds to its successors. The backward pass walks the same
order in reverse. Everything is flat lists indexed by node.

Two variants:

* one calendar: every link is reduced to "the successor starts no earlier than the
  predecessor's early finish plus ``gap``" (``gap`` folds in the lag and the spans that the
  link type involves), so both passes are a few integer operations a link;
* several calendars: each link carries its type and lag, and the instant a predecessor
  gives is carried to the successor's calendar (where the lag is counted) through
  absolute minutes.
"""

from __future__ import annotations

from collections import deque
from itertools import compress, repeat
from operator import is_not, not_

from .calendar import WorkingTime
from .model import CycleError, Key, LinkType
from .network import NO_BOUND, Driver, Network, Special

Out = list[list[int]]  # per node: the indices of the links leaving it


def _degrees(net: Network) -> list[int]:
    degree = [0] * len(net.keys)
    for succ in net.succs:
        degree[succ] += 1
    return degree


def _adjacency(net: Network) -> Out:
    out: Out = list(map(list, repeat((), len(net.keys))))
    deque(map(list.append, map(out.__getitem__, net.preds), range(len(net.preds))), maxlen=0)
    return out


def single_gaps(net: Network) -> list[int]:
    """Per link: successor start >= predecessor finish + gap (one calendar)."""
    span, preds, succs, types = net.span, net.preds, net.succs, net.types
    gaps = list(net.lags)
    ss, ff = LinkType.SS, LinkType.FF  # an enum member lookup costs more than a local
    for k in compress(range(len(types)), map(is_not, types, repeat(LinkType.FS))):
        link_type = types[k]
        if link_type is ss:
            gaps[k] -= span[preds[k]]
        elif link_type is ff:
            gaps[k] -= span[succs[k]]
        else:
            gaps[k] -= span[preds[k]] + span[succs[k]]
    if net.has_special and any(net.ignored):
        gaps = [
            NO_BOUND if ignored else gap for gap, ignored in zip(gaps, net.ignored, strict=True)
        ]
    return gaps


# --- one calendar -----------------------------------------------------------------------


def forward_single(net: Network, gaps: list[int]) -> tuple[list[int], list[int], list[int], Out]:
    """Early starts; also the topological order, each node's driving link (-1: none) and
    the adjacency the backward pass reuses."""
    out = _adjacency(net)
    degree = _degrees(net)
    floor = net.floors[0]
    start = [floor] * len(net.keys)
    driver = [-1] * len(net.keys)
    order = list(compress(range(len(degree)), map(not_, degree)))
    links = (net.succs, gaps)
    if net.has_special:
        _forward_special(net, out, links, degree, start, driver, order)
    else:
        _forward_plain(net.span, out, links, degree, start, driver, order)
    if len(order) < len(net.keys):
        raise CycleError(find_cycle(net, degree))
    return order, start, driver, out


def _forward_plain(
    span: list[int],
    out: Out,
    links: tuple[list[int], list[int]],
    degree: list[int],
    start: list[int],
    driver: list[int],
    order: list[int],
) -> None:
    """The hot loop: Kahn's order and the early starts, nothing else."""
    succs, gaps = links
    ready = order.append
    for node in order:
        finish = start[node] + span[node]
        for link in out[node]:
            succ = succs[link]
            bound = finish + gaps[link]
            if bound > start[succ]:
                start[succ] = bound
                driver[succ] = link
            left = degree[succ] - 1
            degree[succ] = left
            if not left:
                ready(succ)


def _forward_special(
    net: Network,
    out: Out,
    links: tuple[list[int], list[int]],
    degree: list[int],
    start: list[int],
    driver: list[int],
    order: list[int],
) -> None:
    """The hot loop where some nodes have constraints or actuals."""
    special, span, floor = net.special, net.span, net.floors[0]
    succs, gaps = links
    for node in compress(range(len(special)), special):
        start[node] = NO_BOUND
    for node in order:
        sp = special[node]
        if sp is None:
            finish = start[node] + span[node]
        else:
            begin = sp.forward(start[node], floor, span[node])
            if sp.driver is not Driver.LINK:
                driver[node] = -1
            start[node] = begin
            finish = begin + span[node]
        for link in out[node]:
            succ = succs[link]
            bound = finish + gaps[link]
            if bound > start[succ]:
                start[succ] = bound
                driver[succ] = link
            left = degree[succ] - 1
            degree[succ] = left
            if not left:
                order.append(succ)


def backward_single(
    net: Network,
    order: list[int],
    out: Out,
    gaps: list[int],
    start: list[int],
    project_finish: int,
) -> tuple[list[int], list[int]]:
    """Late starts, and per node the latest finish that delays no successor's early start."""
    if not net.has_special:
        return _backward_plain(net.span, order, out, (net.succs, gaps), start, project_finish)
    special, span, succs = net.special, net.span, net.succs
    late = [0] * len(order)
    free_until = [0] * len(order)
    for node in reversed(order):
        latest = until = project_finish
        for link in out[node]:
            succ = succs[link]
            gap = gaps[link]
            bound = late[succ] - gap
            if bound < latest:
                latest = bound
            bound = start[succ] - gap
            if bound < until:
                until = bound
        sp = special[node]
        if sp is None:
            late[node] = latest - span[node]
        else:
            late[node] = sp.backward(latest, start[node], span[node])
        free_until[node] = until
    return late, free_until


def _backward_plain(
    span: list[int],
    order: list[int],
    out: Out,
    links: tuple[list[int], list[int]],
    start: list[int],
    project_finish: int,
) -> tuple[list[int], list[int]]:
    """The backward hot loop when no node has constraints or actuals."""
    succs, gaps = links
    late = [0] * len(order)
    free_until = [0] * len(order)
    for node in reversed(order):
        latest = until = project_finish
        for link in out[node]:
            succ = succs[link]
            gap = gaps[link]
            bound = late[succ] - gap
            if bound < latest:
                latest = bound
            bound = start[succ] - gap
            if bound < until:
                until = bound
        late[node] = latest - span[node]
        free_until[node] = until
    return late, free_until


# --- several calendars ------------------------------------------------------------------


class Carrier:
    """Carries an offset from one calendar to another, remembering what it computed."""

    def __init__(self, clocks: list[WorkingTime]):
        self.clocks = clocks
        self._memo: dict[tuple[int, int, int, bool, bool], int] = {}

    def forward(self, source: int, target: int, offset: int, is_finish: bool) -> int:
        """The target-calendar offset of the instant a start/finish at ``offset`` is."""
        if source == target:
            return offset
        key = (source, target, offset, is_finish, True)
        carried = self._memo.get(key)
        if carried is None:
            clock = self.clocks[source]
            moment = clock.abs_of_finish(offset) if is_finish else clock.abs_of_start(offset)
            carried = self._memo[key] = self.clocks[target].offset_of_abs(moment)
        return carried

    def backward(self, source: int, target: int, offset: int, is_finish: bool) -> int:
        """The latest target-calendar start/finish whose instant is at most ``offset``
        carried forward: the inverse of :meth:`forward` for late dates."""
        if source == target:
            return offset
        key = (source, target, offset, is_finish, False)
        carried = self._memo.get(key)
        if carried is None:
            moment = self.clocks[source].abs_of_start(offset)
            clock = self.clocks[target]
            carried = clock.offset_of_abs(moment)
            if not is_finish and clock.abs_of_start(carried) > moment:
                carried -= 1
            self._memo[key] = carried
        return carried


def forward_multi(net: Network, carrier: Carrier) -> tuple[list[int], list[int], list[int], Out]:
    out = _adjacency(net)
    degree = _degrees(net)
    special, span, calendar_of, floors = net.special, net.span, net.calendar_of, net.floors
    succs, lags, ignored = net.succs, net.lags, net.ignored
    from_finish, to_finish = net.source_finish(), net.target_finish()
    start = [floors[c] for c in calendar_of]
    for node in compress(range(len(special)), special):
        start[node] = NO_BOUND
    driver = [-1] * len(net.keys)
    order = list(compress(range(len(degree)), map(not_, degree)))
    for node in order:
        here = calendar_of[node]
        sp = special[node]
        if sp is not None:
            start[node] = sp.forward(start[node], floors[here], span[node])
            if sp.driver is not Driver.LINK:
                driver[node] = -1
        begin = start[node]
        finish = begin + span[node]
        for link in out[node]:
            succ = succs[link]
            left = degree[succ] - 1
            degree[succ] = left
            if not left:
                order.append(succ)
            if ignored[link]:
                continue
            instant, is_finish = (finish, True) if from_finish[link] else (begin, False)
            bound = carrier.forward(here, calendar_of[succ], instant, is_finish) + lags[link]
            if to_finish[link]:
                bound -= span[succ]
            if bound > start[succ]:
                start[succ] = bound
                driver[succ] = link
    if len(order) < len(net.keys):
        raise CycleError(find_cycle(net, degree))
    return order, start, driver, out


def backward_multi(
    net: Network,
    carrier: Carrier,
    order: list[int],
    out: Out,
    start: list[int],
    project_finish: list[int],
) -> tuple[list[int], list[int]]:
    special, span, calendar_of = net.special, net.span, net.calendar_of
    succs, lags, ignored = net.succs, net.lags, net.ignored
    from_finish, to_finish = net.source_finish(), net.target_finish()
    late = [0] * len(order)
    free_until = [0] * len(order)
    for node in reversed(order):
        here = calendar_of[node]
        latest = until = project_finish[here]
        for link in out[node]:
            if ignored[link]:
                continue
            succ = succs[link]
            there, is_finish = calendar_of[succ], from_finish[link]
            shift = (span[succ] if to_finish[link] else 0) - lags[link]
            extra = 0 if is_finish else span[node]
            bound = carrier.backward(there, here, late[succ] + shift, is_finish) + extra
            latest = min(latest, bound)
            bound = carrier.backward(there, here, start[succ] + shift, is_finish) + extra
            until = min(until, bound)
        sp: Special | None = special[node]
        if sp is None:
            late[node] = latest - span[node]
        else:
            late[node] = sp.backward(latest, start[node], span[node])
        free_until[node] = until
    return late, free_until


# --- cycles -----------------------------------------------------------------------------


def find_cycle(net: Network, degree: list[int]) -> list[Key]:
    """A cycle among the nodes Kahn's order could not reach, as task keys in link order."""
    stuck = {node for node, left in enumerate(degree) if left}
    into: dict[int, list[int]] = {}
    for pred, succ in zip(net.preds, net.succs, strict=True):
        if pred in stuck and succ in stuck:
            into.setdefault(succ, []).append(pred)
    node = next(iter(stuck))
    walked: list[int] = []
    seen: dict[int, int] = {}
    while node not in seen:  # every stuck node has a stuck predecessor
        seen[node] = len(walked)
        walked.append(node)
        node = into[node][0]
    loop = walked[seen[node] :]
    loop.reverse()  # we walked against the links
    keys: list[Key] = []
    for member in loop:
        key = net.keys[member]
        if not keys or keys[-1] != key:
            keys.append(key)
    if len(keys) > 1 and keys[0] == keys[-1]:
        keys.pop()
    return [*keys, keys[0]]
