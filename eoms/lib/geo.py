"""Great-circle distances for check-in geofences."""

from __future__ import annotations

import math
from decimal import Decimal

__all__ = ["EARTH_RADIUS_M", "haversine_m", "validate_lat_lon", "within_radius"]

EARTH_RADIUS_M = 6_371_008.8  # IUGG mean radius

Number = int | float | Decimal


def _finite(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError(f"{what} must be a number, not {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{what} must be a finite number, not {value!r}")
    return number


def validate_lat_lon(lat: object, lon: object) -> tuple[float, float]:
    """Check a WGS-84 coordinate pair in degrees and return it as floats."""
    lat_f = _finite(lat, "latitude")
    lon_f = _finite(lon, "longitude")
    if not -90.0 <= lat_f <= 90.0:
        raise ValueError(f"latitude must be between -90 and 90, not {lat!r}")
    if not -180.0 <= lon_f <= 180.0:
        raise ValueError(f"longitude must be between -180 and 180, not {lon!r}")
    return lat_f, lon_f


def haversine_m(lat1: Number, lon1: Number, lat2: Number, lon2: Number) -> float:
    """Great-circle distance in metres on a sphere of radius EARTH_RADIUS_M.

    Computed with the atan2 (Vincenty, spherical) form rather than the textbook haversine
    because it is the same quantity but keeps full precision near antipodal points too.
    """
    lat1_f, lon1_f = validate_lat_lon(lat1, lon1)
    lat2_f, lon2_f = validate_lat_lon(lat2, lon2)
    phi1, phi2 = math.radians(lat1_f), math.radians(lat2_f)
    d_lambda = math.radians(lon2_f - lon1_f)  # sin/cos are periodic: the antimeridian is fine
    sin1, cos1, sin2, cos2 = math.sin(phi1), math.cos(phi1), math.sin(phi2), math.cos(phi2)
    y = math.hypot(cos2 * math.sin(d_lambda), cos1 * sin2 - sin1 * cos2 * math.cos(d_lambda))
    x = sin1 * sin2 + cos1 * cos2 * math.cos(d_lambda)
    return EARTH_RADIUS_M * math.atan2(y, x)


def within_radius(
    lat: Number, lon: Number, center_lat: Number, center_lon: Number, radius_m: Number
) -> bool:
    radius = _finite(radius_m, "radius")
    if radius < 0:
        raise ValueError(f"radius must not be negative, not {radius_m!r}")
    return haversine_m(lat, lon, center_lat, center_lon) <= radius
