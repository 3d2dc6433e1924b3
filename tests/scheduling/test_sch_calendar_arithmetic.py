"""Working-time arithmetic: offsets, snapping, working days, holidays and 调休 days."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from eoms.scheduling.engine import CalendarSpec, ScheduleError, WorkingTime

STD = CalendarSpec("std")  # Monday to Friday, 08:00-12:00 and 13:00-17:00
MON = date(2024, 1, 1)  # a Monday

# 2024 Spring Festival as the State Council published it: 10-17 February off,
# Sunday 4 February and Sunday 18 February worked instead (调休).
SPRING_2024 = CalendarSpec(
    "cn",
    holidays=frozenset(date(2024, 2, d) for d in range(10, 18)),
    extra_workdays=frozenset({date(2024, 2, 4), date(2024, 2, 18)}),
)


def at(day: int, hour: int, minute: int = 0, month: int = 1, year: int = 2024) -> datetime:
    return datetime(year, month, day, hour, minute)


def test_it_counts_working_minutes_from_the_origin_morning():
    clock = WorkingTime(STD, MON)
    assert clock.minutes_per_day == 480
    assert clock.to_offset(at(1, 8)) == 0
    assert clock.to_offset(at(1, 10, 30)) == 150
    assert clock.to_offset(at(1, 12, 30)) == 240  # lunch counts nothing
    assert clock.to_offset(at(1, 17)) == 480
    assert clock.to_offset(at(1, 20)) == 480
    assert clock.to_offset(at(2, 8)) == 480
    assert clock.to_offset(at(6, 12)) == 5 * 480  # Saturday: Friday evening = Monday morning
    assert clock.to_offset(at(8, 9)) == 5 * 480 + 60


def test_it_turns_a_day_boundary_into_next_morning_as_start_and_last_evening_as_finish():
    clock = WorkingTime(STD, MON)
    assert clock.as_start(480) == at(2, 8)
    assert clock.as_finish(480) == at(1, 17)
    assert clock.as_start(5 * 480) == at(8, 8)  # over the weekend
    assert clock.as_finish(5 * 480) == at(5, 17)
    assert clock.as_start(240) == at(1, 13)  # after lunch
    assert clock.as_finish(240) == at(1, 12)
    assert clock.as_start(0) == at(1, 8)
    assert clock.as_finish(0) == datetime(2023, 12, 29, 17)


def test_it_snaps_a_start_forward_and_a_finish_backward():
    clock = WorkingTime(STD, MON)
    saturday = at(6, 10)
    assert clock.snap_start(saturday) == at(8, 8)
    assert clock.snap_finish(saturday) == at(5, 17)
    assert clock.snap_start(at(3, 12, 20)) == at(3, 13)
    assert clock.snap_finish(at(3, 12, 20)) == at(3, 12)
    assert clock.snap_start(at(3, 9, 15)) == clock.snap_finish(at(3, 9, 15)) == at(3, 9, 15)


def test_it_goes_back_before_the_origin():
    clock = WorkingTime(STD, MON)
    assert clock.to_offset(datetime(2023, 12, 29, 16)) == -60
    assert clock.as_start(-480) == datetime(2023, 12, 29, 8)
    assert clock.as_start(-481) == datetime(2023, 12, 28, 16, 59)
    assert clock.to_offset(datetime(2023, 12, 25, 8)) == -5 * 480


def test_it_skips_holidays_and_works_make_up_days():
    clock = WorkingTime(SPRING_2024, date(2024, 2, 1))
    assert clock.is_working_day(date(2024, 2, 4))  # a Sunday, worked
    assert not clock.is_working_day(date(2024, 2, 12))  # a Monday, holiday
    assert clock.is_working_day(date(2024, 2, 19))
    # Thu 1, Fri 2, Sun 4 (调休), Mon 5 .. Fri 9 = 8 working days, then Sun 18.
    assert clock.working_days_between(date(2024, 2, 1), date(2024, 2, 10)) == 8
    assert clock.add_working_days(date(2024, 2, 9), 1) == date(2024, 2, 18)
    assert clock.add_working_days(date(2024, 2, 18), -1) == date(2024, 2, 9)
    assert clock.as_start(8 * 480) == datetime(2024, 2, 18, 8)
    assert clock.as_finish(8 * 480) == datetime(2024, 2, 9, 17)


def test_it_adds_working_days_from_working_days_and_days_off():
    clock = WorkingTime(STD, MON)
    assert clock.add_working_days(date(2024, 1, 3), 0) == date(2024, 1, 3)
    assert clock.add_working_days(date(2024, 1, 3), 3) == date(2024, 1, 8)
    assert clock.add_working_days(date(2024, 1, 3), -3) == date(2023, 12, 29)
    saturday = date(2024, 1, 6)
    assert clock.add_working_days(saturday, 0) == date(2024, 1, 8)
    assert clock.add_working_days(saturday, 1) == date(2024, 1, 8)
    assert clock.add_working_days(saturday, 2) == date(2024, 1, 9)
    assert clock.add_working_days(saturday, -1) == date(2024, 1, 5)
    assert clock.next_working_day(saturday) == date(2024, 1, 8)


def test_it_counts_working_days_with_the_last_day_excluded():
    clock = WorkingTime(STD, MON)
    assert clock.working_days_between(date(2024, 1, 1), date(2024, 1, 8)) == 5
    assert clock.working_days_between(date(2024, 1, 8), date(2024, 1, 1)) == -5
    assert clock.working_days_between(date(2024, 1, 6), date(2024, 1, 7)) == 0
    assert clock.working_days_between(date(2023, 12, 1), date(2024, 1, 1)) == 21


def test_it_reaches_far_future_and_far_past_dates_without_holiday_data():
    clock = WorkingTime(SPRING_2024, MON, horizon_days=10)
    far = datetime(2091, 3, 14, 9)  # a Wednesday
    offset = clock.to_offset(far)
    assert clock.as_start(offset) == far
    assert clock.add_working_days(date(2091, 3, 16), 1) == date(2091, 3, 19)  # Fri -> Mon
    assert clock.as_start(clock.to_offset(datetime(1950, 6, 3, 9))) == datetime(1950, 6, 5, 8)
    years = clock.working_days_between(date(2024, 1, 1), date(2124, 1, 1))
    assert 26000 < years < 26100  # about 261 working days a year, 8 - 2 = 6 holidays known


def test_it_reports_dates_past_the_known_holiday_data():
    clock = WorkingTime(CalendarSpec("cn", known_until=date(2026, 12, 31)), MON)
    assert clock.known_until == date(2026, 12, 31)
    assert not clock.is_beyond_known(datetime(2026, 12, 31, 17))
    assert clock.is_beyond_known(datetime(2027, 1, 4, 8))
    assert not WorkingTime(STD, MON).is_beyond_known(datetime(2500, 1, 1))


def test_it_handles_a_night_shift_across_midnight():
    night = CalendarSpec(
        "night",
        weekdays=frozenset(range(7)),
        intervals=((time(0), time(3)), (time(4), time(8)), (time(23), time(0))),
    )
    clock = WorkingTime(night, MON)
    assert clock.minutes_per_day == 8 * 60
    assert clock.to_offset(datetime(2024, 1, 1, 23, 30)) == 7 * 60 + 30
    assert clock.as_finish(480) == datetime(2024, 1, 2, 0, 0)  # 24:00 of the first day
    assert clock.as_start(480) == datetime(2024, 1, 2, 0, 0)
    assert clock.as_start(180) == datetime(2024, 1, 1, 4, 0)


def test_it_gives_the_working_day_start_and_end_of_a_plain_date():
    clock = WorkingTime(STD, MON)
    assert clock.day_start(date(2024, 1, 3)) == at(3, 8)
    assert clock.day_end(date(2024, 1, 3)) == at(3, 17)
    assert clock.to_offset(clock.day_end(date(2024, 1, 3))) == 3 * 480


def test_it_converts_many_offsets_at_once_like_one_by_one():
    clock = WorkingTime(SPRING_2024, date(2024, 2, 1))
    offsets = [0, 240, 480, 3360, 3360, -5, 99999]
    assert clock.as_starts(offsets) == [clock.as_start(o) for o in offsets]
    assert clock.as_finishes(offsets) == [clock.as_finish(o) for o in offsets]


@pytest.mark.parametrize(
    "bad",
    [
        CalendarSpec("empty", intervals=()),
        CalendarSpec("overlap", intervals=((time(8), time(12)), (time(11), time(17)))),
        CalendarSpec("backwards", intervals=((time(12), time(8)),)),
        CalendarSpec("no days", weekdays=frozenset()),
        CalendarSpec("day 9", weekdays=frozenset({9})),
    ],
    ids=lambda c: c.key,
)
def test_it_refuses_a_calendar_it_cannot_count_on(bad):
    with pytest.raises(ScheduleError) as refused:
        WorkingTime(bad, MON)
    assert refused.value.code == "bad_calendar"
    assert refused.value.key == bad.key


def test_it_refuses_offsets_and_dates_beyond_what_a_datetime_holds():
    clock = WorkingTime(STD, MON)
    for reach in (lambda: clock.as_start(480 * 10**7), lambda: clock.as_finish(-(480 * 10**7))):
        with pytest.raises(ScheduleError) as refused:
            reach()
        assert (refused.value.code, refused.value.key) == ("date_out_of_range", "std")
    with pytest.raises(ScheduleError):
        clock.to_offset(datetime(9999, 12, 31, 9))
