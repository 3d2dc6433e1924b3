import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eoms.lib.geo import EARTH_RADIUS_M, haversine_m, validate_lat_lon, within_radius

METRES_PER_DEGREE = EARTH_RADIUS_M * math.pi / 180  # ≈ 111 195.08 m

lats = st.floats(min_value=-90, max_value=90)
lons = st.floats(min_value=-180, max_value=180)
points = st.tuples(lats, lons)


def _vector(lat, lon):
    phi, lam = math.radians(lat), math.radians(lon)
    return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))


def _reference_m(lat1, lon1, lat2, lon2):
    """Independent oracle: angle between unit vectors via atan2(|a×b|, a·b)."""
    a, b = _vector(lat1, lon1), _vector(lat2, lon2)
    cross = (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return EARTH_RADIUS_M * math.atan2(math.hypot(*cross), dot)


def test_it_measures_zero_for_the_same_point():
    assert haversine_m(31.2304, 121.4737, 31.2304, 121.4737) == 0.0


def test_it_measures_a_degree_of_latitude():
    assert haversine_m(0, 0, 1, 0) == pytest.approx(111_195.08, abs=0.01)
    assert haversine_m(45, 10, 46, 10) == pytest.approx(METRES_PER_DEGREE, rel=1e-12)


def test_it_measures_shanghai_to_beijing():
    assert haversine_m(31.2304, 121.4737, 39.9042, 116.4074) == pytest.approx(1_067_300, rel=2e-3)


def test_it_crosses_the_antimeridian_the_short_way():
    assert haversine_m(0, 179.9995, 0, -179.9995) == pytest.approx(
        0.001 * METRES_PER_DEGREE, rel=1e-6
    )
    assert haversine_m(10, 180, 10, -180) == pytest.approx(0, abs=1e-6)


def test_it_handles_the_poles():
    assert haversine_m(90, 0, 90, 123) == pytest.approx(0, abs=1e-6)
    assert haversine_m(89.999, 0, 89.999, 180) == pytest.approx(0.002 * METRES_PER_DEGREE, rel=1e-6)
    assert haversine_m(90, 0, -90, 0) == pytest.approx(math.pi * EARTH_RADIUS_M, rel=1e-12)


def test_it_measures_antipodes_as_half_the_circumference():
    assert haversine_m(0, 0, 0, 180) == pytest.approx(math.pi * EARTH_RADIUS_M, rel=1e-12)
    assert haversine_m(31.2, 121.5, -31.2, -58.5) == pytest.approx(
        math.pi * EARTH_RADIUS_M, rel=1e-9
    )


def test_it_accepts_decimals_and_ints():
    assert haversine_m(Decimal("0"), 0, Decimal("1"), Decimal("0")) == pytest.approx(
        METRES_PER_DEGREE
    )


@given(points, points)
def test_it_agrees_with_a_vector_oracle(p, q):
    assert haversine_m(*p, *q) == pytest.approx(_reference_m(*p, *q), rel=1e-8, abs=1e-6)


@given(points, points)
def test_it_is_symmetric_and_bounded(p, q):
    d = haversine_m(*p, *q)
    assert d == pytest.approx(haversine_m(*q, *p), rel=1e-12, abs=1e-9)
    assert 0 <= d <= math.pi * EARTH_RADIUS_M + 1e-6


@given(points, points, points)
def test_it_obeys_the_triangle_inequality(p, q, r):
    assert haversine_m(*p, *r) <= haversine_m(*p, *q) + haversine_m(*q, *r) + 1e-6


def test_it_checks_the_radius_inclusively():
    north_100m = 100 / METRES_PER_DEGREE
    assert within_radius(north_100m, 0, 0, 0, 100.001)
    assert within_radius(north_100m, 0, 0, 0, Decimal("100.5"))
    assert not within_radius(north_100m, 0, 0, 0, 99.999)
    assert within_radius(0, 0, 0, 0, 0)


@pytest.mark.parametrize(
    ("radius", "message"),
    [
        (-1, "radius must not be negative, not -1"),
        (float("nan"), "radius must be a finite number"),
        (float("inf"), "radius must be a finite number"),
        ("100", "radius must be a number, not '100'"),
    ],
)
def test_it_rejects_bad_radii(radius, message):
    with pytest.raises(ValueError, match=f"^{message}"):
        within_radius(0, 0, 0, 0, radius)


def test_it_returns_validated_floats():
    assert validate_lat_lon(Decimal("31.5"), 121) == (31.5, 121.0)
    assert validate_lat_lon(-90, -180) == (-90.0, -180.0)
    assert validate_lat_lon(90, 180) == (90.0, 180.0)


@pytest.mark.parametrize(
    ("lat", "lon", "message"),
    [
        (90.0001, 0, "latitude must be between -90 and 90, not 90.0001"),
        (-91, 0, "latitude must be between -90 and 90"),
        (0, 180.5, "longitude must be between -180 and 180, not 180.5"),
        (0, -181, "longitude must be between -180 and 180"),
        (float("nan"), 0, "latitude must be a finite number, not nan"),
        (0, float("-inf"), "longitude must be a finite number, not -inf"),
        (Decimal("NaN"), 0, "latitude must be a finite number"),
        ("31.2", 0, "latitude must be a number, not '31.2'"),
        (True, 0, "latitude must be a number, not True"),
        (0, None, "longitude must be a number, not None"),
    ],
)
def test_it_rejects_bad_coordinates(lat, lon, message):
    with pytest.raises(ValueError, match=f"^{message}"):
        validate_lat_lon(lat, lon)
    with pytest.raises(ValueError, match=f"^{message}"):
        haversine_m(lat, lon, 0, 0)
