"""Baseline variance: a baseline's plan against the current schedule (or another baseline)
and the actual dates, per task and milestone.

The arithmetic (`compare`) is a pure function over plain rows, so it is tested without a
database; `load_report` reads those rows in a fixed number of queries whatever the number
of tasks (the order's network as the recompute sees it, and one query per baseline).

Variances are in working days of the task's own calendar, positive = later than the
baseline: a finish moved from Wednesday to the next Monday is 3 working days late.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from eoms.scheduling.engine.model import CalendarSpec

ONE_DAY = timedelta(days=1)
DEFAULT_MINUTES_PER_DAY = 480

ADDED = "added"  # in the compared plan only: 基线中无此任务
DELETED = "deleted"  # in the baseline only: the task was deleted since
MISSING = "missing"  # in the baseline only, compared with another baseline that lacks it
STATE_LABELS = {ADDED: _("基线中无此任务"), DELETED: _("任务已删除"),
                MISSING: _("对比基线中无此任务")}


class DayCounter:
    """Working days of one calendar between dates, in O(log holidays) a question."""

    def __init__(self, spec: CalendarSpec) -> None:
        self.weekdays = frozenset(spec.weekdays)
        extra = spec.extra_workdays
        self._off = sorted(d for d in spec.holidays
                           if d.weekday() in self.weekdays and d not in extra)
        self._on = sorted(d for d in extra if d.weekday() not in self.weekdays)

    def working_days(self, first: date, last: date) -> int:
        """Working days from first to last, both counted (0 when last < first)."""
        if last < first:
            return 0
        weeks, rest = divmod((last - first).days + 1, 7)
        count = weeks * len(self.weekdays)
        count += sum((first.weekday() + i) % 7 in self.weekdays for i in range(rest))
        count -= bisect_right(self._off, last) - bisect_left(self._off, first)
        count += bisect_right(self._on, last) - bisect_left(self._on, first)
        return count

    def shift(self, planned: date, actual: date) -> int:
        """How many working days `actual` lies after `planned` (negative: before)."""
        if actual > planned:
            return self.working_days(planned + ONE_DAY, actual)
        if actual < planned:
            return -self.working_days(actual + ONE_DAY, planned)
        return 0


def minutes_per_day(spec: CalendarSpec) -> int:
    total = sum((datetime.combine(date.min, b) - datetime.combine(date.min, a)).seconds // 60
                for a, b in spec.intervals)
    return total or DEFAULT_MINUTES_PER_DAY


@dataclass(frozen=True)
class Plan:
    """One task's dates and duration in one version of the plan."""

    start: date | None
    finish: date | None
    minutes: int = 0


@dataclass(frozen=True)
class TaskInfo:
    """What the current schedule says about a task besides its plan."""

    key: int
    name: str
    wbs: str = ""
    milestone: str = ""  # the milestone's label; "" for an ordinary task
    is_summary: bool = False
    actual_start: date | None = None
    actual_finish: date | None = None
    counter: DayCounter | None = None
    per_day: int = DEFAULT_MINUTES_PER_DAY


@dataclass(frozen=True)
class Snapshot:
    """One task as a baseline froze it; key None when the task was deleted since."""

    key: int | None
    name: str
    plan: Plan


@dataclass
class VarianceRow:
    key: int | None
    name: str
    wbs: str
    milestone: str
    is_summary: bool
    baseline: Plan | None  # None: 基线中无此任务
    current: Plan | None  # None: deleted since, or missing from the compared baseline
    baseline_days: Decimal | None = None
    current_days: Decimal | None = None
    actual_start: date | None = None
    actual_finish: date | None = None
    start_variance: int | None = None
    finish_variance: int | None = None
    duration_variance: Decimal | None = None
    state: str = ""  # "", ADDED, DELETED or MISSING

    @property
    def is_milestone(self) -> bool:
        return bool(self.milestone)

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS.get(self.state, ""))

    @property
    def slipped(self) -> bool:
        return (self.start_variance or 0) > 0 or (self.finish_variance or 0) > 0


def _tidy(value: Decimal) -> Decimal:
    """3.00 → 3, 2.50 → 2.5 (never 1E+1)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _days(plan: Plan | None, info: TaskInfo | None) -> Decimal | None:
    """Duration in working days: a summary spans its dates, a task has its minutes."""
    if plan is None:
        return None
    if info is not None and info.is_summary and info.counter and plan.start and plan.finish:
        return Decimal(info.counter.working_days(plan.start, plan.finish))
    per_day = info.per_day if info is not None else DEFAULT_MINUTES_PER_DAY
    return _tidy((Decimal(plan.minutes) / Decimal(per_day)).quantize(Decimal("0.01")))


def _shift(counter: DayCounter, planned: date | None, now: date | None) -> int | None:
    return counter.shift(planned, now) if planned and now else None


def _row(key: int | None, name: str, base: Plan | None, now: Plan | None,
         info: TaskInfo | None, use_actuals: bool, state: str) -> VarianceRow:
    row = VarianceRow(
        key=key, name=info.name if info else name, wbs=info.wbs if info else "",
        milestone=info.milestone if info else "", is_summary=bool(info and info.is_summary),
        baseline=base, current=now, baseline_days=_days(base, info),
        current_days=_days(now, info), state=state,
        actual_start=info.actual_start if info and use_actuals else None,
        actual_finish=info.actual_finish if info and use_actuals else None)
    if base is None or now is None or info is None or info.counter is None:
        return row
    start = row.actual_start or now.start
    finish = row.actual_finish or now.finish
    row.start_variance = _shift(info.counter, base.start, start)
    row.finish_variance = _shift(info.counter, base.finish, finish)
    if row.baseline_days is not None and row.current_days is not None:
        row.duration_variance = _tidy(row.current_days - row.baseline_days)
    return row


def _wbs_key(row: VarianceRow) -> tuple[Any, ...]:
    parts = tuple(int(p) if p.isdigit() else 0 for p in row.wbs.split(".")) if row.wbs else ()
    return (row.key is None, parts, row.key or 0)


def compare(baseline: Iterable[Snapshot], compared: dict[int, Plan],
            tasks: dict[int, TaskInfo], *, use_actuals: bool = True,
            against_baseline: bool = False) -> list[VarianceRow]:
    """One row per task of the baseline or the compared plan, in WBS order; the deleted
    tasks (known only by their snapshot name) last.

    `compared`: the current plan of each task (or another baseline's); `tasks`: the tasks
    that exist now. With `use_actuals`, an actual date stands in for the planned one."""
    rows: list[VarianceRow] = []
    seen: set[int] = set()
    gone = MISSING if against_baseline else DELETED
    for snap in baseline:
        info = tasks.get(snap.key) if snap.key is not None else None
        now = compared.get(snap.key) if snap.key is not None else None
        state = "" if now is not None else gone
        if info is None:
            state = DELETED
        rows.append(_row(snap.key, snap.name, snap.plan, now, info, use_actuals, state))
        if snap.key is not None:
            seen.add(snap.key)
    for key, now in compared.items():
        if key not in seen:
            info = tasks.get(key)
            rows.append(_row(key, info.name if info else "", None, now, info, use_actuals,
                             ADDED))
    return sorted(rows, key=_wbs_key)


def arrange(rows: list[VarianceRow], *, only_slipped: bool = False,
            milestones_first: bool = False) -> list[VarianceRow]:
    """The rows a page shows: the slipped ones only, milestones on top (stable)."""
    shown = [r for r in rows if r.slipped] if only_slipped else list(rows)
    if milestones_first:
        shown.sort(key=lambda r: not r.is_milestone)
    return shown


@dataclass
class Summary:
    """The whole plan's finish against the baseline's, and how many tasks slipped."""

    baseline_finish: date | None
    current_finish: date | None
    finish_variance: int | None
    slipped: int
    slipped_milestones: int
    worst: int  # the largest finish variance (0 when nothing slipped)


def summarize(rows: list[VarianceRow], counter: DayCounter) -> Summary:
    base = [r.baseline.finish for r in rows if r.baseline and r.baseline.finish]
    now = [d for d in (r.actual_finish or (r.current.finish if r.current else None)
                       for r in rows if r.current) if d is not None]
    base_finish, now_finish = (max(base) if base else None), (max(now) if now else None)
    slipped = [r for r in rows if r.slipped]
    return Summary(base_finish, now_finish, _shift(counter, base_finish, now_finish),
                   len(slipped), sum(1 for r in slipped if r.is_milestone),
                   max([r.finish_variance or 0 for r in slipped], default=0))


# --- the queries --------------------------------------------------------------------------

@dataclass
class Report:
    rows: list[VarianceRow]
    summary: Summary


def _snapshots(baseline: Any) -> list[Snapshot]:
    from eoms.scheduling.models import BaselineTask

    values = BaselineTask.objects.filter(baseline=baseline).order_by("pk").values_list(
        "task_id", "name", "start", "finish", "duration")
    return [Snapshot(key, name, Plan(start, finish, duration))
            for key, name, start, finish, duration in values]


def _task_infos(network: Any) -> tuple[dict[int, TaskInfo], dict[int, Plan]]:
    counters = {key: DayCounter(spec) for key, spec in network.spec.calendars.items()}
    per_day = {key: minutes_per_day(spec) for key, spec in network.spec.calendars.items()}
    calendar_of = {spec.key: spec.calendar if spec.calendar is not None else "default"
                   for spec in network.spec.tasks}
    infos, plans = {}, {}
    for task in network.tasks:
        cal = calendar_of.get(task.pk, "default")
        label = (task.milestone_label or task.get_milestone_display()) if task.milestone else ""
        infos[task.pk] = TaskInfo(
            key=task.pk, name=task.name, wbs=task.wbs, milestone=str(label),
            is_summary=task.is_summary, actual_start=task.actual_start,
            actual_finish=task.actual_finish, counter=counters[cal], per_day=per_day[cal])
        plans[task.pk] = Plan(task.early_start, task.early_finish, task.duration)
    return infos, plans


def load_report(baseline: Any, against: Any = None) -> Report:
    """The variance of a baseline against the current schedule, or against another
    baseline of the same order (`against`)."""
    from eoms.scheduling import recompute

    network = recompute.build_network(baseline.order)
    infos, current = _task_infos(network)
    if against is not None:
        current = {s.key: s.plan for s in _snapshots(against) if s.key is not None}
    rows = compare(_snapshots(baseline), current, infos, use_actuals=against is None,
                   against_baseline=against is not None)
    summary = summarize(rows, DayCounter(network.spec.calendars["default"]))
    return Report(rows=rows, summary=summary)
