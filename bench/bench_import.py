"""Schedule import time at 500 and 5,000 tasks, every file date different from EOMS's.

Generates an MS Project XML file (through EOMS's own MSPDI writer): a WBS of summaries and
leaf tasks (1-10 working days, some milestones), each leaf after one of the 30 leaves
before it (FS/SS/FF, some lags), one Monday-Friday calendar with holidays over several
years. The file's start of every task is a random working day up to two years after the
project start and its finish is that start plus the task's duration, so hardly any date
equals EOMS's and the import's comparison works on every task, months from the CPM dates.
Imports each file into a throw-away EOMS (SQLite in a temporary data directory) as the
system actor, best of N runs, and prints the seconds per size, the time of the comparison
alone, and the ratio 5,000 / 500 (linear is 10).

    .venv/bin/python bench/bench_import.py [--sizes 500 5000] [--repeat 3] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

START = datetime(2026, 1, 5, 8)
DAY = 480  # working minutes
SUMMARY_EVERY = 50
SPAN_DAYS = 2 * 365
WINDOW = 30  # a task's predecessor is one of the 30 leaf tasks before it


def holidays(first_year: int, last_year: int) -> list[date]:
    """A few fixed days off a year (New Year, Labour Day week, National Day week)."""
    days = []
    for year in range(first_year, last_year + 1):
        days.append(date(year, 1, 1))
        days += [date(year, 5, d) for d in range(1, 6)]
        days += [date(year, 10, d) for d in range(1, 8)]
    return [d for d in days if d.weekday() < 5]


def build_document(n: int, seed: int = 7) -> Any:
    """The synthetic schedule as a ScheduleDocument (no Django needed)."""
    from eoms.scheduling.engine.model import LinkType
    from eoms.scheduling.formats.document import (
        STANDARD_WEEK,
        CalendarDoc,
        CalendarException,
        LinkDoc,
        ProjectInfo,
        ScheduleDocument,
        TaskDoc,
    )
    from eoms.scheduling.formats.worktime import add_working

    rng = random.Random(seed)
    calendar = CalendarDoc(id="1", name="标准", week=dict(STANDARD_WEEK), exceptions=[
        CalendarException(day, (), "假日") for day in holidays(2025, 2031)])
    document = ScheduleDocument(
        project=ProjectInfo(name=f"基准导入 {n}", start=START, default_calendar_id="1"),
        calendars=[calendar])
    resolved = document.resolve_calendar("1")
    leaves: list[Any] = []
    parent: str | None = None
    for i in range(1, n + 1):
        task = TaskDoc(external_id=str(i), name=f"任务 {i}", parent_id=parent)
        if i % SUMMARY_EVERY == 1:
            task.is_summary, parent = True, task.external_id
            task.name = f"分部 {i // SUMMARY_EVERY + 1}"
            task.parent_id = None
        else:
            task.is_milestone = rng.random() < 0.05
            task.duration = 0 if task.is_milestone else rng.randint(1, 10) * DAY
            leaves.append(task)
        document.tasks.append(task)
    for task in leaves:  # a random working day, the finish after the task's duration
        day = START + timedelta(days=rng.randrange(SPAN_DAYS))
        start = add_working(day, 1, resolved) - timedelta(minutes=1)
        task.file_start = start
        task.file_finish = add_working(start, task.duration, resolved) or start
    for k, task in enumerate(leaves[1:], start=1):  # one predecessor among the last few
        pred = leaves[rng.randrange(max(0, k - WINDOW), k)]
        kind = rng.choice([LinkType.FS] * 6 + [LinkType.SS, LinkType.FF])
        lag = rng.choice([0, 0, DAY, 2 * DAY]) if kind != LinkType.FS else rng.choice([0, DAY])
        document.links.append(LinkDoc(pred.external_id, task.external_id, kind, lag))
    return document


def build_file(n: int, seed: int = 7) -> bytes:
    from eoms.scheduling.formats import write_mspdi

    return write_mspdi(build_document(n, seed))


def setup_django(data_dir: Path) -> None:
    os.environ["EOMS_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "eoms.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def time_import(data: bytes, name: str) -> float:
    from eoms.core.context import Channel, acting
    from eoms.scheduling.services_exchange import import_schedule

    began = time.perf_counter()
    with acting(Channel.COMMAND):
        report = import_schedule(data, name, actor=None)
    elapsed = time.perf_counter() - began
    assert report.task_count > 0
    return elapsed


def time_compare(data: bytes) -> float:
    """The file against the engine's own run of it: the comparison step alone."""
    from eoms.scheduling.engine import cpm
    from eoms.scheduling.formats import read_schedule, to_engine

    document = read_schedule(data)
    result = cpm.schedule(to_engine.to_spec(document))
    began = time.perf_counter()
    to_engine.compare(document, result)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, help="also write the generated files here")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="eoms-bench-import-"))
    try:
        setup_django(data_dir)
        files = {n: build_file(n, seed=n) for n in args.sizes}
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            for n, data in files.items():
                (args.out / f"import-{n}.xml").write_bytes(data)
        best: dict[int, float] = {}
        for n, data in files.items():
            runs = [time_import(data, f"bench-{n}.xml") for _ in range(args.repeat)]
            compare = min(time_compare(data) for _ in range(args.repeat))
            best[n] = min(runs)
            print(f"{n:>6} tasks: import {best[n]:7.2f} s (best of {args.repeat}; "
                  f"runs {' '.join(f'{r:.2f}' for r in runs)}), compare alone {compare:6.2f} s")
        sizes = sorted(best)
        if len(sizes) >= 2:
            small, large = sizes[0], sizes[-1]
            print(f"ratio {large}/{small}: {best[large] / best[small]:.1f} "
                  f"(linear: {large / small:.0f})")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
