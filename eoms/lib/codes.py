"""Business-code patterns such as ``ORD-{year}-{seq:06}``: parsing, checking and rendering.

Placeholders: ``seq`` (exactly once), ``year`` (4 digits), ``yy`` (2 digits), ``month``,
``day`` and any lower-case name the caller supplies (``category``). ``:0N`` zero-pads to at
least N characters; a sequence that outgrows its width simply gets longer. There is no brace
escaping, so a rendered code never contains a brace.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "BUILTIN_FIELDS",
    "MissingFieldError",
    "clean_field_value",
    "render",
    "required_fields",
    "scope_key",
    "validate_pattern",
]

BUILTIN_FIELDS = frozenset({"seq", "year", "yy", "month", "day"})
MAX_WIDTH = 20

_PLACEHOLDER_RE = re.compile(r"\{([a-z][a-z0-9_]*)(?::([^{}]*))?\}")
_WIDTH_RE = re.compile(r"0([1-9][0-9]?)")
_NOT_ALLOWED_RE = re.compile(
    r"[^A-Z0-9\-\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]"
)


class MissingFieldError(KeyError, ValueError):
    """A field the pattern needs was not supplied (a KeyError and a ValueError)."""

    def __init__(self, field: str, pattern: str) -> None:
        super().__init__(f"code pattern {pattern!r} needs the field {field!r}, which is missing")
        self.field = field

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0])


@dataclass(frozen=True, slots=True)
class _Placeholder:
    name: str
    width: int | None


@lru_cache(maxsize=512)
def _parse(pattern: str) -> tuple[str | _Placeholder, ...]:
    parts: list[str | _Placeholder] = []
    literal: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "}":
            raise ValueError(
                f"unknown brace syntax in code pattern {pattern!r}: unmatched '}}' at position {i}"
            )
        if ch != "{":
            literal.append(ch)
            i += 1
            continue
        match = _PLACEHOLDER_RE.match(pattern, i)
        if not match:
            snippet = pattern[i : i + 15]
            raise ValueError(
                f"unknown brace syntax in code pattern {pattern!r} at position {i}: {snippet!r} "
                "(expected {name} or {name:0N} with a lower-case name)"
            )
        if literal:
            parts.append("".join(literal))
            literal = []
        name, spec = match.group(1), match.group(2)
        parts.append(_Placeholder(name, None if spec is None else _width(name, spec)))
        i = match.end()
    if literal:
        parts.append("".join(literal))
    seq_count = sum(1 for p in parts if isinstance(p, _Placeholder) and p.name == "seq")
    if seq_count == 0:
        raise ValueError(f"code pattern {pattern!r} has no {{seq}} placeholder")
    if seq_count > 1:
        raise ValueError(
            f"code pattern {pattern!r} has {{seq}} {seq_count} times; it must appear exactly once"
        )
    return tuple(parts)


def _width(name: str, spec: str) -> int:
    match = _WIDTH_RE.fullmatch(spec)
    if not match or int(match.group(1)) > MAX_WIDTH:
        raise ValueError(
            f"bad width {spec!r} in {{{name}:{spec}}}: write a zero-padded width from 1 to "
            f"{MAX_WIDTH}, e.g. {{{name}:05}}"
        )
    return int(match.group(1))


def validate_pattern(pattern: str) -> None:
    _parse(pattern)


def required_fields(pattern: str) -> frozenset[str]:
    """Names the caller must supply in ``fields`` (everything but the built-ins)."""
    return frozenset(
        p.name
        for p in _parse(pattern)
        if isinstance(p, _Placeholder) and p.name not in BUILTIN_FIELDS
    )


def clean_field_value(value: object) -> str:
    """Upper-case, keeping only A-Z, 0-9, '-' and CJK ideographs (full-width folded first)."""
    return _NOT_ALLOWED_RE.sub("", unicodedata.normalize("NFKC", str(value)).upper())


def scope_key(pattern: str, *, fields: dict[str, str], today: dt.date) -> str:
    """The pattern with everything but ``{seq}`` filled in, e.g. ``ORD-2026-{seq}``.

    One counter per scope key makes sequences restart each year / per category. The width is
    left out so that widening ``{seq:04}`` to ``{seq:05}`` continues the same counter.
    """
    return _render(pattern, seq=None, fields=fields, today=today)


def render(pattern: str, *, seq: int, fields: dict[str, str], today: dt.date) -> str:
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
        raise ValueError(f"code sequence must be a non-negative integer, not {seq!r}")
    return _render(pattern, seq=seq, fields=fields, today=today)


def _render(pattern: str, *, seq: int | None, fields: dict[str, str], today: dt.date) -> str:
    parts = _parse(pattern)
    reserved = BUILTIN_FIELDS.intersection(fields)
    if reserved:
        raise ValueError(f"code fields {sorted(reserved)} are built in and cannot be supplied")
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif part.name == "seq" and seq is None:
            out.append("{seq}")
        else:
            text = _value(part.name, pattern, seq, fields, today)
            out.append(text if part.width is None else text.rjust(part.width, "0"))
    return "".join(out)


def _value(name: str, pattern: str, seq: int | None, fields: dict[str, str], today: dt.date) -> str:
    if name == "seq":
        return str(seq)
    if name == "year":
        return f"{today.year:04d}"
    if name == "yy":
        return f"{today.year % 100:02d}"
    if name == "month":
        return str(today.month)
    if name == "day":
        return str(today.day)
    if name not in fields:
        raise MissingFieldError(name, pattern)
    cleaned = clean_field_value(fields[name])
    if not cleaned:
        raise ValueError(
            f"code field {name!r} is empty once characters other than A-Z, 0-9, '-' and "
            f"Chinese are removed (was {fields[name]!r})"
        )
    return cleaned
