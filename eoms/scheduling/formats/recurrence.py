"""Expand MSPDI recurring calendar exceptions (Project 2010+ <Exceptions>) into dates.

Type: 1 daily, 7 every N days, 6 weekly, 4 monthly on a day, 5 monthly on the n-th
weekday, 2 yearly on a date, 3 yearly on the n-th weekday. Month is 0-based (0 = January),
DaysOfWeek is a bit mask (1 = Sunday ... 64 = Saturday), MonthItem 0 day, 1 weekday,
2 weekend day, 3..9 Sunday..Saturday, MonthPosition 0..3 first..fourth, 4 last.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from .common import MAX_DATES_PER_EXCEPTION

DAILY, YEARLY_DAY, YEARLY_NTH, MONTHLY_DAY, MONTHLY_NTH, WEEKLY, EVERY_N_DAYS = 1, 2, 3, 4, 5, 6, 7


@dataclass
class Recurrence:
    type: int
    first: date
    last: date
    occurrences: int | None = None  # when entered by occurrences: how many
    period: int = 1
    days_of_week: int = 0
    month_item: int = 0
    month_position: int = 0
    month: int = 0
    month_day: int = 1


def expand(rule: Recurrence) -> list[date]:
    """The dates the rule selects, from ``first`` to ``last`` (or ``occurrences`` of them)."""
    result: list[date] = []
    for day in _candidates(rule):
        if day > rule.last or len(result) >= MAX_DATES_PER_EXCEPTION:
            break
        if day >= rule.first:
            result.append(day)
            if rule.occurrences and len(result) >= rule.occurrences:
                break
    return result


def _candidates(rule: Recurrence) -> Iterator[date]:
    period = max(1, rule.period)
    if rule.type == EVERY_N_DAYS:
        yield from _stepped(rule.first, timedelta(days=period))
    elif rule.type == WEEKLY:
        yield from _weekly(rule.first, period, rule.days_of_week)
    elif rule.type in (MONTHLY_DAY, MONTHLY_NTH):
        for year, month in _months(rule.first, period):
            yield _pick(year, month, rule, by_day=rule.type == MONTHLY_DAY)
    elif rule.type in (YEARLY_DAY, YEARLY_NTH):
        for year in range(rule.first.year, rule.last.year + 1):
            yield _pick(year, rule.month % 12 + 1, rule, by_day=rule.type == YEARLY_DAY)
    else:  # daily, or a plain date range
        yield from _stepped(rule.first, timedelta(days=1))


def _stepped(first: date, step: timedelta) -> Iterator[date]:
    day = first
    while day <= date.max - step:
        yield day
        day += step


def _weekly(first: date, period: int, mask: int) -> Iterator[date]:
    # Weeks run Sunday..Saturday; the week holding ``first`` is the first week.
    week_start = first - timedelta(days=(first.weekday() + 1) % 7)
    while week_start <= date.max - timedelta(days=7 * period + 7):
        for offset in range(7):
            day = week_start + timedelta(days=offset)
            if mask & (1 << ((day.weekday() + 1) % 7)):
                yield day
        week_start += timedelta(days=7 * period)


def _months(first: date, period: int) -> Iterator[tuple[int, int]]:
    index = first.year * 12 + first.month - 1
    while index < 9999 * 12:
        yield index // 12, index % 12 + 1
        index += period


def _pick(year: int, month: int, rule: Recurrence, *, by_day: bool) -> date:
    last_day = calendar.monthrange(year, month)[1]
    if by_day:
        return date(year, month, min(max(rule.month_day, 1), last_day))
    days = [date(year, month, d) for d in range(1, last_day + 1)]
    matching = [d for d in days if _matches(d, rule.month_item)]
    if rule.month_position >= 4 or rule.month_position >= len(matching):
        return matching[-1]
    return matching[rule.month_position]


def _matches(day: date, item: int) -> bool:
    weekday = day.weekday()
    if item == 0:
        return True
    if item == 1:
        return weekday < 5
    if item == 2:
        return weekday >= 5
    return weekday == (item - 3 + 6) % 7  # 3 = Sunday (python 6), 4 = Monday (0) ...
