"""The variance arithmetic on plain rows (no database)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from eoms.scheduling import calendars
from eoms.scheduling.engine.model import CalendarSpec
from eoms.scheduling.variance import (
    ADDED,
    DELETED,
    MISSING,
    DayCounter,
    Plan,
    Snapshot,
    TaskInfo,
    arrange,
    compare,
    summarize,
)

CHINA = calendars.to_spec(None)  # Monday to Friday with the statutory holidays
WEEKDAYS = CalendarSpec(key="w")
DAY = timedelta(days=1)


def _info(key, name, counter=DayCounter(WEEKDAYS), **kw):
    return TaskInfo(key=key, name=name, wbs=str(key), counter=counter, **kw)


days = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31))
weekday_sets = st.frozensets(st.integers(0, 6), min_size=1)
some_dates = st.frozensets(days, max_size=30)


@settings(max_examples=300, deadline=None)
@given(first=days, span=st.integers(-10, 800), weekdays=weekday_sets, off=some_dates,
       on=some_dates)
def test_it_counts_working_days_as_the_calendar_does_day_by_day(first, span, weekdays, off,
                                                                 on):
    spec = CalendarSpec(key=1, weekdays=weekdays, holidays=off, extra_workdays=on)
    last = first + timedelta(days=span)
    assert DayCounter(spec).working_days(first, last) == calendars.working_days_inclusive(
        spec, first, last)


@settings(max_examples=200, deadline=None)
@given(a=days, b=days)
def test_a_shift_is_antisymmetric_and_counts_the_days_after_the_plan(a, b):
    counter = DayCounter(CHINA)
    assert counter.shift(a, b) == -counter.shift(b, a)
    if b >= a:
        assert counter.shift(a, b) == calendars.working_days_inclusive(CHINA, a + DAY, b)


def test_it_skips_the_golden_week_and_counts_its_makeup_saturday():
    counter = DayCounter(CHINA)
    assert counter.shift(date(2026, 9, 30), date(2026, 10, 8)) == 1  # 1–7 Oct are off
    assert counter.shift(date(2026, 10, 9), date(2026, 10, 12)) == 2  # Sat 10 Oct is worked


def test_compare_reports_late_early_added_and_deleted_rows():
    baseline = [
        Snapshot(1, "挖土", Plan(date(2026, 3, 2), date(2026, 3, 4), 3 * 480)),
        Snapshot(2, "垫层", Plan(date(2026, 3, 5), date(2026, 3, 6), 2 * 480)),
        Snapshot(None, "已删的任务", Plan(date(2026, 3, 9), date(2026, 3, 9), 480)),
    ]
    now = {1: Plan(date(2026, 3, 2), date(2026, 3, 9), 6 * 480),  # Fri → Mon: 3 days late
           2: Plan(date(2026, 3, 4), date(2026, 3, 5), 2 * 480),  # a day early
           3: Plan(date(2026, 3, 10), date(2026, 3, 10), 240)}
    tasks = {1: _info(1, "挖土"), 2: _info(2, "垫层"), 3: _info(3, "新增任务")}
    rows = {r.name: r for r in compare(baseline, now, tasks)}
    assert (rows["挖土"].finish_variance, rows["挖土"].duration_variance) == (3, Decimal(3))
    assert rows["挖土"].slipped and not rows["垫层"].slipped
    assert (rows["垫层"].start_variance, rows["垫层"].finish_variance) == (-1, -1)
    assert rows["新增任务"].state == ADDED and rows["新增任务"].current_days == Decimal("0.5")
    assert rows["新增任务"].state_label == "基线中无此任务"
    assert rows["已删的任务"].state == DELETED and rows["已删的任务"].start_variance is None
    assert [r.name for r in compare(baseline, now, tasks)][-1] == "已删的任务"


def test_actual_dates_stand_in_for_the_plan_unless_two_baselines_are_compared():
    baseline = [Snapshot(1, "挖土", Plan(date(2026, 3, 2), date(2026, 3, 4), 1440))]
    now = {1: Plan(date(2026, 3, 2), date(2026, 3, 4), 1440)}
    tasks = {1: _info(1, "挖土", actual_start=date(2026, 3, 3),
                      actual_finish=date(2026, 3, 6))}
    [row] = compare(baseline, now, tasks)
    assert (row.start_variance, row.finish_variance) == (1, 2)
    [row] = compare(baseline, {}, tasks, use_actuals=False, against_baseline=True)
    assert row.state == MISSING and row.finish_variance is None and row.actual_start is None


def test_a_summary_lasts_the_working_days_of_its_span():
    baseline = [Snapshot(1, "主体", Plan(date(2026, 3, 6), date(2026, 3, 9), 480))]
    tasks = {1: _info(1, "主体", is_summary=True)}
    [row] = compare(baseline, {1: baseline[0].plan}, tasks)
    assert row.baseline_days == Decimal(2)  # Friday and Monday, whatever its minutes say


def test_arrange_and_summarize():
    baseline = [Snapshot(k, n, Plan(date(2026, 3, 2), date(2026, 3, 2), 480))
                for k, n in ((1, "甲"), (2, "乙"), (3, "丙"))]
    now = {1: Plan(date(2026, 3, 2), date(2026, 3, 2), 480),
           2: Plan(date(2026, 3, 4), date(2026, 3, 4), 480),
           3: Plan(date(2026, 3, 3), date(2026, 3, 3), 0)}
    tasks = {1: _info(1, "甲"), 2: _info(2, "乙"), 3: _info(3, "丙", milestone="验收签字")}
    rows = compare(baseline, now, tasks)
    assert [r.name for r in arrange(rows, only_slipped=True)] == ["乙", "丙"]
    assert [r.name for r in arrange(rows, milestones_first=True)] == ["丙", "甲", "乙"]
    summary = summarize(rows, DayCounter(WEEKDAYS))
    assert (summary.baseline_finish, summary.current_finish) == (date(2026, 3, 2),
                                                                 date(2026, 3, 4))
    assert (summary.finish_variance, summary.slipped, summary.slipped_milestones,
            summary.worst) == (2, 2, 1, 2)
