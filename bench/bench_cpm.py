"""CPM engine speed against graphlib's topological sort of the same graph.

A random DAG of n tasks and 2n links (mixed link types, lags and leads, one calendar) is
scheduled by ``eoms.scheduling.engine.schedule``; the baseline is
``graphlib.TopologicalSorter(graph).static_order()`` on the same graph, which only orders
the tasks. N runs each, alternating, in the same process; CPU time. Prints the medians (and
the fastest runs), the ratio engine/graphlib of the medians (target <= 1 at 10k tasks, with
the engine under 25 ms), how the engine's time grows from 10k to 100k tasks (near-linear is
about 10; graphlib's own growth is printed beside it), and at 10k tasks what reading every
``TaskResult`` of the answer adds (they are made on first access).

    .venv/bin/python bench/bench_cpm.py [--sizes 1000 10000 100000] [--repeat 15]
"""

from __future__ import annotations

import argparse
import gc
import graphlib
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eoms.scheduling.engine import (  # noqa: E402
    CalendarSpec,
    LinkSpec,
    LinkType,
    ScheduleSpec,
    TaskSpec,
    cpm,
    network,
    schedule,
)

DAY = 480
TYPES = [LinkType.FS] * 7 + [LinkType.SS, LinkType.FF, LinkType.SF]
LAGS = [0] * 7 + [DAY, 2 * DAY, -DAY // 2]


def build_spec(n: int, seed: int = 7) -> ScheduleSpec:
    rng = random.Random(seed)
    keys = list(range(1, n + 1))
    rng.shuffle(keys)  # task order is not a topological order
    durations = [0 if rng.random() < 0.05 else rng.randint(1, 10) * DAY for _ in keys]
    tasks = [TaskSpec(key=k, duration=d) for k, d in zip(keys, durations, strict=True)]
    pairs: set[tuple[int, int]] = set()
    links = []  # in creation order, as they come back from the database
    while len(links) < 2 * n:
        a, b = rng.randrange(n), rng.randrange(n)
        if a < b and (a, b) not in pairs:
            pairs.add((a, b))
            links.append(LinkSpec(keys[a], keys[b], rng.choice(TYPES), rng.choice(LAGS)))
    return ScheduleSpec(
        start=datetime(2026, 1, 5, 8),
        calendars={"std": CalendarSpec("std")},
        default_calendar="std",
        tasks=tasks,
        links=links,
    )


def graph_of(spec: ScheduleSpec) -> dict[int, list[int]]:
    graph: dict[int, list[int]] = {task.key: [] for task in spec.tasks}  # type: ignore[misc]
    for link in spec.links:
        graph[link.successor].append(link.predecessor)  # type: ignore[index]
    return graph


def timed(repeat: int, *runs: Callable[[], object]) -> list[list[float]]:
    """CPU milliseconds of each run, `repeat` times. CPU time of this process, not wall
    time, so other programs on the machine matter less; the runs alternate so the rest hits
    them alike."""
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(repeat):
        for position, run in enumerate(runs):
            gc.collect()
            started = time.process_time()
            kept = run()  # freed after the clock stops: a caller keeps what it asked for
            times[position].append((time.process_time() - started) * 1000)
            del kept
    return times


def medians(repeat: int, *runs: Callable[[], object]) -> list[float]:
    return [statistics.median(t) for t in timed(repeat, *runs)]


def phases(spec: ScheduleSpec, repeat: int) -> list[float]:
    """Where the engine's time goes: reading the spec, the passes, the results."""
    collecting = gc.isenabled()
    gc.disable()  # as schedule() does
    try:
        net = network.build_network(spec)
        times = cpm._passes_single(net, spec)
        return medians(
            repeat,
            lambda: network.build_network(spec),
            lambda: cpm._passes_single(net, spec),
            lambda: cpm._result(net, spec, times),
        )
    finally:
        if collecting:
            gc.enable()


def every_result(spec: ScheduleSpec) -> object:
    """The engine, then every task's TaskResult read (as recompute does)."""
    result = schedule(spec)
    return result, list(result.tasks.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    ours_ms: dict[int, float] = {}
    theirs_ms: dict[int, float] = {}
    print(
        f"{'tasks':>8} {'links':>8} {'engine ms':>10} {'graphlib ms':>12} {'ratio':>6}"
        f"   fastest: {'engine':>7} {'graphlib':>8} {'ratio':>6}"
    )
    for n in args.sizes:
        spec = build_spec(n)
        graph = graph_of(spec)
        repeat = args.repeat if n <= 10_000 else max(3, args.repeat // 3)
        ours, theirs = timed(
            repeat,
            lambda spec=spec: schedule(spec),
            lambda graph=graph: list(graphlib.TopologicalSorter(graph).static_order()),
        )
        ours_ms[n], theirs_ms[n] = statistics.median(ours), statistics.median(theirs)
        print(
            f"{n:>8} {len(spec.links):>8} {ours_ms[n]:>10.1f} {theirs_ms[n]:>12.1f} "
            f"{ours_ms[n] / theirs_ms[n]:>6.2f}            {min(ours):>7.1f} {min(theirs):>8.1f} "
            f"{min(ours) / min(theirs):>6.2f}"
        )
        if n == 10_000:
            reading, passes, results = phases(spec, repeat)
            full, baseline = medians(
                repeat,
                lambda spec=spec: every_result(spec),
                lambda graph=graph: list(graphlib.TopologicalSorter(graph).static_order()),
            )
            print(
                f"{'':>8} engine at 10k: reading the spec {reading:.1f} ms, topological order "
                f"+ both passes {passes:.1f} ms, results {results:.1f} ms; with every "
                f"TaskResult read {full:.1f} ms ({full / baseline:.2f} × graphlib)"
            )
    if 10_000 in ours_ms:
        verdict = "ok" if ours_ms[10_000] <= 25 else "over the 25 ms target"
        print(f"engine at 10k tasks: {ours_ms[10_000]:.1f} ms ({verdict})")
    if 10_000 in ours_ms and 100_000 in ours_ms:
        growth = ours_ms[100_000] / ours_ms[10_000]
        theirs = theirs_ms[100_000] / theirs_ms[10_000]
        print(f"time(100k) / time(10k) = {growth:.1f}, graphlib's {theirs:.1f} (linear = 10)")


if __name__ == "__main__":
    main()
