"""Where a check-in was made, against its site's geofence."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from eoms.fieldwork.choices import LocationStatus
from eoms.lib.geo import haversine_m, validate_lat_lon
from eoms.masterdata.models import Site
from eoms.scheduling.services import field_error


@dataclass(frozen=True)
class Located:
    status: str
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    accuracy_m: int | None = None
    distance_m: int | None = None

    @property
    def flagged(self) -> bool:
        return self.status in (LocationStatus.OUTSIDE, LocationStatus.NO_LOCATION)


def _coordinate(value: Any, field: str, low: int, high: int) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise field_error(field, _("坐标必须是数字。"), "invalid")
    if not low <= number <= high:
        raise field_error(field, _("坐标超出范围（%(low)s 到 %(high)s）。")
                          % {"low": low, "high": high}, "out_of_range")
    return number


def locate(site: Site, latitude: Any, longitude: Any, accuracy: Any = None) -> Located:
    """The location status of a position at a site. A reported GPS accuracy widens the
    fence by up to EOMS_GEOFENCE_TOLERANCE_M, so a poor fix at the gate is not flagged."""
    if latitude in (None, "") and longitude in (None, ""):
        return Located(LocationStatus.NO_LOCATION)
    if latitude in (None, "") or longitude in (None, ""):
        raise field_error("latitude", _("纬度和经度必须同时提供。"), "incomplete")
    lat = _coordinate(latitude, "latitude", -90, 90)
    lon = _coordinate(longitude, "longitude", -180, 180)
    validate_lat_lon(lat, lon)
    acc = None
    if accuracy not in (None, ""):
        acc_value = _coordinate(accuracy, "accuracy", 0, 100_000)
        acc = round(acc_value)
    latitude_6, longitude_6 = Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")
    if site.latitude is None or site.longitude is None:
        return Located(LocationStatus.NO_FENCE, latitude_6, longitude_6, acc)
    distance = haversine_m(lat, lon, site.latitude, site.longitude)
    slack = min(acc or 0, settings.GEOFENCE_TOLERANCE_M)
    inside = distance <= site.geofence_radius_m + slack
    return Located(LocationStatus.INSIDE if inside else LocationStatus.OUTSIDE,
                   latitude_6, longitude_6, acc, round(distance))
