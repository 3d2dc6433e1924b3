"""Check-in and check-out rules (eoms.fieldwork.services): what is flagged, what is refused,
what reaches the schedule and the timesheet. Every refusal writes nothing."""

import contextlib
import math
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from eoms.audit.models import AuditEntry
from eoms.fieldwork import services
from eoms.fieldwork.choices import CheckInState, LocationStatus
from eoms.fieldwork.models import CheckIn, Photo, TimesheetEntry
from eoms.lib.geo import EARTH_RADIUS_M
from eoms.scheduling.models import Task
from eoms.testing.fieldwork_world import at_site, build_fieldwork

METRES_PER_DEGREE = EARTH_RADIUS_M * math.pi / 180


@pytest.fixture
def world(module_world, db):
    for cached in ("_schedule", "_orders"):  # rolled back with the previous test
        module_world.__dict__.pop(cached, None)
    return module_world


@pytest.fixture
def field(world):
    return build_fieldwork(world)


def _state():
    return (CheckIn.objects.count(), TimesheetEntry.objects.count(), Photo.objects.count(),
            AuditEntry.objects.count(), list(Task.objects.order_by("pk").values_list(
                "pk", "version", "percent_complete")),
            list(CheckIn.objects.order_by("pk").values_list("pk", "version", "state")))


@contextlib.contextmanager
def refused(field_name=None, code=None, error=ValidationError):
    """The block raises `error` (on `field_name`, with `code`) and writes nothing."""
    before = _state()
    with pytest.raises(error) as caught:
        yield caught
    if field_name is not None:
        errors = caught.value.error_dict
        assert list(errors) == [field_name], errors
        assert code is None or errors[field_name][0].code == code
    elif code is not None:
        assert caught.value.code == code
    assert _state() == before, "a refused check-in or check-out wrote something"


def _north(site, metres):
    return {"latitude": float(site.latitude) + metres / METRES_PER_DEGREE,
            "longitude": float(site.longitude), "accuracy": 10}


def test_it_records_a_check_in_inside_the_fence_unflagged(world, field):
    checkin = services.check_in(world.site, actor=world.pm, **at_site(world.site))
    assert checkin.location_status == LocationStatus.INSIDE and not checkin.flagged
    assert checkin.distance_m == 0 and checkin.state == CheckInState.OPEN


def test_it_keeps_a_check_in_outside_the_fence_flagged_with_the_reason(world, field):
    checkin = services.check_in(world.site, actor=world.pm, flag_reason="在材料市场采购",
                                **_north(world.site, 1000))
    checkin.refresh_from_db()
    assert checkin.location_status == LocationStatus.OUTSIDE and checkin.flagged
    assert checkin.distance_m == 1000 and checkin.flag_reason == "在材料市场采购"


def test_it_keeps_a_check_in_without_location_flagged(world, field):
    checkin = services.check_in(world.site, actor=world.pm)
    assert checkin.location_status == LocationStatus.NO_LOCATION and checkin.flagged
    assert checkin.latitude is None


def test_it_refuses_a_second_open_check_in_the_same_day(world, field):
    with refused(code="already_checked_in"):
        services.check_in(world.site, actor=world.worker, **at_site(world.site))


def test_it_checks_in_again_after_checking_out(world, field):
    services.check_out(field.checkin, actor=world.worker)
    again = services.check_in(world.site, actor=world.worker, **at_site(world.site))
    assert again.state == CheckInState.OPEN


def test_it_refuses_a_time_in_the_future(world, field):
    with refused("checked_in_at", "future"):
        services.check_in(world.site, actor=world.pm, at=timezone.now() + timedelta(minutes=10))
    # A phone clock a minute or two ahead is tolerated.
    services.check_in(world.site, actor=world.pm, at=timezone.now() + timedelta(minutes=2))


def test_it_refuses_a_check_in_sent_too_late(world, field, settings):
    settings.CHECKIN_MAX_DELAY_DAYS = 7
    with refused("checked_in_at", "too_old"):
        services.check_in(world.site, actor=world.pm, at=timezone.now() - timedelta(days=8))
    made = services.check_in(world.site, actor=world.pm, at=timezone.now() - timedelta(days=6))
    assert timezone.now() - made.checked_in_at > timedelta(days=5)


def test_it_refuses_a_task_of_another_site(world, field):
    with refused("task", "other_site"):
        services.check_in(world.site, actor=world.manager, task=field.plan.other_task)


def test_it_refuses_a_task_that_is_not_the_workers(world, field):
    services.check_out(field.checkin, actor=world.worker)
    with refused("task", "not_yours"):
        services.check_in(world.site, actor=world.worker, task=field.plan.design,
                          **at_site(world.site))


def test_it_refuses_people_who_do_not_work_at_the_site(world, field):
    with refused(error=PermissionDenied):
        services.check_in(world.site, actor=field.other_worker, **at_site(world.site))
    with refused(error=PermissionDenied):
        services.check_in(world.site, actor=world.client)
    with refused(error=PermissionDenied):
        services.check_in(world.site, actor=world.finance)


@pytest.mark.parametrize(("values", "field_name", "code"), [
    ({"progress_percent": 101}, "progress_percent", "out_of_range"),
    ({"progress_percent": "七成"}, "progress_percent", "invalid"),
    ({"quantity_done": -1}, "quantity_done", "out_of_range"),
    ({"quantity_done": "NaN"}, "quantity_done", "out_of_range"),
    ({"latitude": 95, "longitude": 121}, "latitude", "out_of_range"),
    ({"latitude": 31.2}, "latitude", "incomplete"),
])
def test_it_refuses_bad_figures_naming_the_field(world, field, values, field_name, code):
    with refused(field_name, code):
        services.check_in(world.site, actor=world.pm, **values)


def test_it_reports_progress_to_the_task_through_scheduling(world, field):
    services.check_out(field.checkin, actor=world.worker)
    before = AuditEntry.objects.filter(event="task.progress").count()
    services.check_in(world.site, actor=world.worker, task=field.plan.pour,
                      progress_percent=40, **at_site(world.site))
    pour = Task.objects.get(pk=field.plan.pour.pk)
    assert pour.percent_complete == 40 and pour.actual_start == timezone.localdate()
    assert AuditEntry.objects.filter(event="task.progress").count() > before


def test_it_reports_progress_at_check_out(world, field):
    services.check_out(field.checkin, actor=world.worker, progress_percent=100,
                       quantity_done="12.5")
    pour = Task.objects.get(pk=field.plan.pour.pk)
    assert pour.percent_complete == 100 and pour.actual_finish == timezone.localdate()
    checkin = CheckIn.objects.get(pk=field.checkin.pk)
    assert checkin.progress_percent == 100 and checkin.quantity_done == Decimal("12.50")


def test_a_refused_progress_report_refuses_the_check_in(world, field):
    # A summary task's progress is summed from its tasks: when scheduling refuses the
    # report, nothing of the check-in stays either.
    with refused(code="summary"):
        services.check_in(world.site, actor=world.manager, task=field.plan.summary,
                          progress_percent=50)


def test_it_writes_the_timesheet_entry_at_check_out(world, field):
    services.check_out(field.checkin, actor=world.worker)
    start = timezone.now() - timedelta(hours=8, minutes=30)
    checkin = services.check_in(world.site, actor=world.worker, task=field.plan.pour,
                                at=start, **at_site(world.site))
    closed = services.check_out(checkin, actor=world.worker, hours_worked="8",
                                note="收工")
    entry = TimesheetEntry.objects.get(checkin=closed)
    assert entry.hours == Decimal("8.00") and closed.hours_worked == Decimal("8.00")
    assert entry.work_date == timezone.localtime(start).date()
    assert (entry.worker, entry.site, entry.task, entry.order, entry.crew) == (
        world.worker, world.site, field.plan.pour, field.plan.order, world.crew)
    assert closed.state == CheckInState.CLOSED and closed.checkout_note == "收工"
    assert AuditEntry.objects.filter(event="checkin.closed").exists()


def test_it_counts_the_time_on_site_when_no_hours_are_given(world, field):
    services.check_out(field.checkin, actor=world.worker)
    checkin = services.check_in(world.site, actor=world.worker,
                                at=timezone.now() - timedelta(hours=3))
    closed = services.check_out(checkin, actor=world.worker)
    assert closed.hours_worked == Decimal("3.00")
    assert TimesheetEntry.objects.get(checkin=closed).hours == Decimal("3.00")


def test_it_rounds_the_time_on_site_to_the_quarter_hour(world, field):
    services.check_out(field.checkin, actor=world.worker)
    checkin = services.check_in(world.site, actor=world.worker,
                                at=timezone.now() - timedelta(hours=3, minutes=5))
    assert services.check_out(checkin, actor=world.worker).hours_worked == Decimal("3.00")


def test_it_refuses_more_hours_than_the_time_on_site(world, field):
    services.check_out(field.checkin, actor=world.worker)
    checkin = services.check_in(world.site, actor=world.worker,
                                at=timezone.now() - timedelta(hours=2))
    with refused("hours_worked", "exceeds_time_on_site"):
        services.check_out(checkin, actor=world.worker, hours_worked="3")
    closed = services.check_out(checkin, actor=world.worker, hours_worked="2.2")  # rounding
    assert closed.hours_worked == Decimal("2.20")


@pytest.mark.parametrize("hours", ["0", "-1", "25", "八", "Infinity"])
def test_it_refuses_impossible_hours(world, field, hours):
    with refused("hours_worked"):
        services.check_out(field.checkin, actor=world.worker, hours_worked=hours)


def test_it_refuses_a_check_out_before_the_check_in(world, field):
    with refused("checked_out_at", "before_check_in"):
        services.check_out(field.checkin, actor=world.worker,
                           at=field.checkin.checked_in_at - timedelta(minutes=1))


def test_it_refuses_checking_out_twice(world, field):
    services.check_out(field.checkin, actor=world.worker)
    with refused(code="already_checked_out"):
        services.check_out(field.checkin, actor=world.worker)
    assert TimesheetEntry.objects.filter(checkin=field.checkin).count() == 1


def test_it_refuses_a_stale_check_out(world, field):
    with refused(code="stale"):
        services.check_out(field.checkin, actor=world.worker,
                           expected_version=field.checkin.version + 1)


def test_only_the_worker_or_management_checks_out(world, field):
    with refused(error=PermissionDenied):
        services.check_out(field.checkin, actor=world.pm)
    with refused(error=PermissionDenied):
        services.check_out(field.checkin, actor=field.mate)
    assert services.check_out(field.checkin, actor=world.manager).state == CheckInState.CLOSED


def test_it_audits_the_check_in_with_its_event(world, field):
    before = AuditEntry.objects.filter(event="checkin.created").count()
    services.check_in(world.site, actor=world.pm, **at_site(world.site))
    assert AuditEntry.objects.filter(event="checkin.created").count() == before + 1
