"""Geofence arithmetic: where a phone stands against a site's fence (eoms.fieldwork.geofence
on eoms.lib.geo), at the edge of the radius, with a poor GPS fix, near the poles and across
the antimeridian, and the coordinates it refuses."""

import math
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from eoms.fieldwork.choices import LocationStatus
from eoms.fieldwork.geofence import locate
from eoms.lib.geo import EARTH_RADIUS_M, haversine_m, validate_lat_lon, within_radius
from eoms.masterdata.models import Site

METRES_PER_DEGREE = EARTH_RADIUS_M * math.pi / 180  # along a meridian, on the sphere


@pytest.fixture(autouse=True)
def tolerance(settings):
    settings.GEOFENCE_TOLERANCE_M = 100


def site_at(lat, lon, radius=300):
    return Site(code="S", name="测试工地", latitude=Decimal(str(lat)), longitude=Decimal(str(lon)),
                geofence_radius_m=radius)


def north_of(site, metres):
    """A phone `metres` due north of the site (a meridian arc: exact on the sphere)."""
    return float(site.latitude) + metres / METRES_PER_DEGREE, float(site.longitude)


def test_it_counts_a_phone_just_inside_the_radius_as_inside():
    site = site_at(31.2304, 121.4737)
    found = locate(site, *north_of(site, 299.6))
    assert found.status == LocationStatus.INSIDE and not found.flagged
    assert found.distance_m == 300  # rounded for display; the test used the exact value


def test_it_flags_a_phone_just_outside_the_radius():
    site = site_at(31.2304, 121.4737)
    found = locate(site, *north_of(site, 300.4))
    assert found.status == LocationStatus.OUTSIDE and found.flagged
    assert found.distance_m == 300


def test_it_widens_the_fence_by_the_reported_accuracy():
    site = site_at(31.2304, 121.4737)
    lat, lon = north_of(site, 350)
    assert locate(site, lat, lon, accuracy=60).status == LocationStatus.INSIDE
    assert locate(site, lat, lon, accuracy=40).status == LocationStatus.OUTSIDE
    assert locate(site, lat, lon).status == LocationStatus.OUTSIDE


def test_it_caps_the_accuracy_tolerance(settings):
    site = site_at(31.2304, 121.4737)
    assert locate(site, *north_of(site, 399), accuracy=5000).status == LocationStatus.INSIDE
    far = locate(site, *north_of(site, 401), accuracy=5000)
    assert far.status == LocationStatus.OUTSIDE and far.accuracy_m == 5000
    settings.GEOFENCE_TOLERANCE_M = 0
    assert locate(site, *north_of(site, 301), accuracy=5000).status == LocationStatus.OUTSIDE


def test_it_measures_across_the_north_pole():
    # 180° of longitude apart, yet 22 m apart: the short way is over the pole.
    site = site_at(89.9999, 0)
    found = locate(site, 89.9999, 180)
    assert found.status == LocationStatus.INSIDE
    assert found.distance_m == round(0.0002 * METRES_PER_DEGREE) == 22


def test_it_measures_from_a_site_at_the_pole_itself():
    site = site_at(90, 0)
    # Every longitude meets at the pole: only the latitude counts.
    for lon in (-179.5, -45, 0, 123.456, 180):
        assert locate(site, 89.998, lon).distance_m == round(0.002 * METRES_PER_DEGREE)
        assert locate(site, 89.998, lon).status == LocationStatus.INSIDE
        assert locate(site, 89.996, lon).status == LocationStatus.OUTSIDE


def test_it_measures_near_the_south_pole():
    site = site_at(-89.9995, 45)
    assert locate(site, -89.9995, -135).distance_m == round(0.001 * METRES_PER_DEGREE) == 111
    assert locate(site, -89.9995, -135).status == LocationStatus.INSIDE
    assert locate(site, -89.9950, 45).status == LocationStatus.OUTSIDE  # 445 m north


def test_it_measures_across_the_antimeridian():
    site = site_at(0, 179.9995)
    found = locate(site, 0, -179.9995)  # 0.001° east, across ±180°
    assert found.status == LocationStatus.INSIDE
    assert found.distance_m == round(0.001 * METRES_PER_DEGREE) == 111
    # On the 60th parallel a degree of longitude is half as long.
    north = site_at(60, 179.9995)
    assert locate(north, 60, -179.9995).distance_m == pytest.approx(56, abs=1)
    # 0.0205° east over the line, 2.3 km: outside, and not 40,000 km away either.
    assert locate(site, 0, -179.98).distance_m == round(0.0205 * METRES_PER_DEGREE) == 2279
    assert locate(site, 0, -179.98).status == LocationStatus.OUTSIDE


@pytest.mark.parametrize(("lat", "lon", "field", "code"), [
    (91, 121, "latitude", "out_of_range"),
    (-90.0001, 121, "latitude", "out_of_range"),
    (31, 180.5, "longitude", "out_of_range"),
    (31, -181, "longitude", "out_of_range"),
    ("北纬31度", 121, "latitude", "invalid"),
    (31, "abc", "longitude", "invalid"),
    ("nan", 121, "latitude", "out_of_range"),
    (31, "inf", "longitude", "out_of_range"),
    (31, None, "latitude", "incomplete"),
    ("", 121, "latitude", "incomplete"),
])
def test_it_refuses_bad_coordinates_naming_the_field(lat, lon, field, code):
    with pytest.raises(ValidationError) as caught:
        locate(site_at(31.2304, 121.4737), lat, lon)
    errors = caught.value.error_dict
    assert list(errors) == [field]
    assert errors[field][0].code == code
    assert errors[field][0].messages[0]  # a sentence for the worker, not a traceback


@pytest.mark.parametrize("accuracy", [-1, "abc", "nan", 100_001])
def test_it_refuses_a_bad_accuracy(accuracy):
    with pytest.raises(ValidationError) as caught:
        locate(site_at(31.2304, 121.4737), 31.2304, 121.4737, accuracy)
    assert list(caught.value.error_dict) == ["accuracy"]


def test_it_flags_a_phone_without_location():
    found = locate(site_at(31.2304, 121.4737), None, None, accuracy=20)
    assert found.status == LocationStatus.NO_LOCATION and found.flagged
    assert found.latitude is None and found.distance_m is None
    assert locate(site_at(31.2304, 121.4737), "", "").status == LocationStatus.NO_LOCATION


def test_it_keeps_the_position_at_a_site_without_coordinates_unflagged():
    site = Site(code="S", name="未定位工地", geofence_radius_m=300)
    found = locate(site, "31.23", "121.47", "8.4")
    assert found.status == LocationStatus.NO_FENCE and not found.flagged
    assert (found.latitude, found.longitude, found.accuracy_m) == (
        Decimal("31.230000"), Decimal("121.470000"), 8)
    assert found.distance_m is None


def test_it_accepts_text_coordinates_as_a_form_sends_them():
    site = site_at(31.2304, 121.4737)
    found = locate(site, "31.2304", "121.4737", "15")
    assert found.status == LocationStatus.INSIDE and found.distance_m == 0
    assert found.latitude == Decimal("31.230400")


def test_the_distance_is_symmetric_and_periodic_in_longitude():
    assert haversine_m(0, 179.9995, 0, -179.9995) == pytest.approx(
        haversine_m(0, -179.9995, 0, 179.9995))
    assert haversine_m(10, -180, 10, 180) == pytest.approx(0, abs=1e-6)
    assert haversine_m(90, 0, 90, 137) == pytest.approx(0, abs=1e-6)
    assert haversine_m(0, 0, 0, 180) == pytest.approx(math.pi * EARTH_RADIUS_M)


def test_the_geo_library_refuses_what_is_not_a_coordinate():
    for lat, lon in ((True, 0), (math.nan, 0), (0, math.inf), (90.5, 0), (0, -180.5)):
        with pytest.raises(ValueError):
            validate_lat_lon(lat, lon)
    with pytest.raises(ValueError):
        within_radius(0, 0, 0, 0, -1)
    assert within_radius(0, 0, 0, 0.001, 112) and not within_radius(0, 0, 0, 0.001, 111)
