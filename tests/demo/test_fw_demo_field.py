"""The demo's field work: the crews' last working days on site, with photos, one check-in
outside the fence and one without location, a signed daily log and a gate terminal."""

import pytest
from django.db import transaction
from django.utils import timezone

from eoms.demo import loader
from eoms.fieldwork.choices import DailyLogState, LocationStatus
from eoms.fieldwork.models import CheckIn, DailyLog, DeviceToken, Photo, TimesheetEntry
from eoms.fieldwork.queries import photos_of_day
from eoms.fieldwork.services_log import hash_matches


@pytest.fixture(scope="module")
def module_demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield loader.run()
        transaction.set_rollback(True)


@pytest.fixture
def demo(module_demo, db):
    return module_demo


def test_it_checks_the_crews_in_on_three_working_days_and_out_in_the_evening(demo):
    today = timezone.localdate()
    past = CheckIn.objects.exclude(checked_in_at__date=today)
    workers = past.values("worker").distinct().count()
    assert workers >= 3
    assert past.count() == 3 * workers
    assert TimesheetEntry.objects.count() == past.count()
    assert not past.filter(checked_out_at=None).exists()
    assert demo.created["check-ins"] == CheckIn.objects.count()  # the summary says how many


def test_it_leaves_one_outside_and_one_without_location_with_reasons(demo):
    outside = CheckIn.objects.get(location_status=LocationStatus.OUTSIDE)
    blind = CheckIn.objects.get(location_status=LocationStatus.NO_LOCATION)
    assert outside.flagged and blind.flagged
    assert outside.distance_m > outside.site.geofence_radius_m
    assert "搅拌站" in outside.flag_reason and "定位" in blind.flag_reason


def test_it_keeps_watermarked_photos_and_a_signed_log_whose_hash_holds(demo):
    assert Photo.objects.count() >= 3
    assert all(photo.image and photo.original for photo in Photo.objects.all())
    log = DailyLog.objects.get()
    assert log.state == DailyLogState.SIGNED and log.crews.exists() and log.work_done
    assert hash_matches(log)
    assert photos_of_day(log.site, log.log_date).exists()  # the log shows its day's photos
    assert DeviceToken.objects.filter(site=log.site, revoked_at=None).count() == 1


def test_it_adds_no_field_work_when_run_again(demo):
    before = (CheckIn.objects.count(), Photo.objects.count(), DailyLog.objects.count())
    again = loader.run()
    assert (CheckIn.objects.count(), Photo.objects.count(), DailyLog.objects.count()) == before
    assert again.existing["check-ins"] == before[0] and not again.created["check-ins"]
