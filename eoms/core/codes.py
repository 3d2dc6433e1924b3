"""The one code-generation service: unique business codes that are never reused."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from eoms.core.models import CodePattern, CodeSequence, IssuedCode
from eoms.lib import codes as patterns

DEFAULT_PATTERNS: dict[str, str] = {}


def register_default(kind: str, pattern: str) -> None:
    """Apps declare their code kinds and default patterns (admins may change them)."""
    patterns.validate_pattern(pattern)
    DEFAULT_PATTERNS[kind] = pattern


def pattern_for(kind: str) -> str:
    configured = CodePattern.objects.filter(kind=kind).values_list("pattern", flat=True).first()
    if configured:
        return configured
    try:
        return DEFAULT_PATTERNS[kind]
    except KeyError:
        raise LookupError(f"no code pattern for {kind!r}")


def next_code(kind: str, **fields: str) -> str:
    """Issue the next code of a kind; skips any code already issued (even if deleted)."""
    pattern = pattern_for(kind)
    today = timezone.localdate()
    scope = patterns.scope_key(pattern, fields=fields, today=today)
    with transaction.atomic():
        seq, _ = CodeSequence.objects.select_for_update().get_or_create(scope=scope)
        while True:
            seq.last_value += 1
            code = patterns.render(pattern, seq=seq.last_value, fields=fields, today=today)
            try:
                with transaction.atomic():
                    IssuedCode.objects.create(code=code, kind=kind)
            except IntegrityError:
                continue
            seq.save(update_fields=["last_value"])
            return code


def reserve(kind: str, code: str) -> None:
    """Record a code given by hand or by an import, so the generator never issues it.

    Raises ValueError if the code was issued before.
    """
    try:
        with transaction.atomic():
            IssuedCode.objects.create(code=code, kind=kind)
    except IntegrityError:
        raise ValueError(code)
