"""Parsing helpers shared by the readers: safe XML, dates, numbers, durations."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from .errors import FormatError

MAX_BYTES = 50 * 1024 * 1024
MAX_TASKS = 100_000
MAX_DATES_PER_EXCEPTION = 10_000

_ISO_DURATION = re.compile(
    r"^(-)?P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)


def check_size(data: bytes) -> None:
    if not data or not data.strip():
        raise FormatError("empty", "the file is empty")
    if len(data) > MAX_BYTES:
        raise FormatError("too_large", f"{len(data)} bytes, at most {MAX_BYTES}")


def parse_xml(data: bytes) -> Element:
    """Parse untrusted XML: no entities, no DTD, no external references."""
    try:
        return fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise FormatError("xml_unsafe", type(exc).__name__)
    except ParseError as exc:
        raise FormatError("xml_invalid", str(exc))


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def child(el: Element, name: str) -> Element | None:
    for c in el:
        if local(c.tag) == name:
            return c
    return None


def children(el: Element, name: str) -> list[Element]:
    return [c for c in el if local(c.tag) == name]


def text(el: Element | None, name: str, default: str = "") -> str:
    """The stripped text of ``el``'s first child called ``name`` (any namespace)."""
    if el is None:
        return default
    c = child(el, name)
    if c is None or c.text is None:
        return default
    return c.text.strip()


def to_int(value: str | None, default: int | None = None) -> int | None:
    if value is None or value.strip() == "":
        return default
    try:
        return int(float(value.strip().replace(",", ".")))
    except ValueError:
        return default


def to_float(value: str | None, default: float | None = None) -> float | None:
    """A number; a decimal comma (P6 XML from some locales) is read as a point."""
    if value is None or value.strip() == "":
        return default
    try:
        return float(value.strip().replace(",", "."))
    except ValueError:
        return default


def to_bool(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "y", "yes"}


def to_datetime(value: str | None) -> datetime | None:
    """ISO date-time (MSPDI, P6 XML) or 'YYYY-MM-DD HH:MM' (XER), naive; None if blank/bad."""
    if not value or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.replace(tzinfo=None)
    return parsed.replace(microsecond=0)


def hours_to_minutes(value: str | None) -> int | None:
    hours = to_float(value)
    return None if hours is None else round(hours * 60)


def iso_duration_minutes(value: str | None) -> int | None:
    """'PT75H30M0S' -> 4530. MSPDI durations count working hours; a day here is 24 h."""
    if not value:
        return None
    match = _ISO_DURATION.match(value.strip())
    if not match:
        return None
    sign, years, months, days, hours, minutes, seconds = match.groups()
    if years or months:
        return None
    total = (float(days or 0) * 1440 + float(hours or 0) * 60 + float(minutes or 0)
             + float(seconds or 0) / 60)
    return -round(total) if sign else round(total)


def minutes_to_iso(minutes: int) -> str:
    sign = "-" if minutes < 0 else ""
    minutes = abs(minutes)
    return f"{sign}PT{minutes // 60}H{minutes % 60}M0S"


def clock_minutes(value: str | None) -> int | None:
    """'08:00' / '8:00:00' -> 480; None if not a time."""
    if not value:
        return None
    parts = value.strip().split(":")
    try:
        hour, minute = int(parts[0]), int(parts[1]) if len(parts) > 1 else 0
    except ValueError:
        return None
    if not (0 <= hour <= 24 and 0 <= minute < 60):
        return None
    return hour * 60 + minute


def day_range(first: date, last: date, limit: int = MAX_DATES_PER_EXCEPTION) -> list[date]:
    days = (last - first).days + 1
    return [first + timedelta(days=i) for i in range(max(0, min(days, limit)))]
