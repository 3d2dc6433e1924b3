"""The global search: each app registers its models; results respect access."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.functional import Promise

from eoms.lib.text import to_halfwidth

MIN_QUERY = 2
PER_MODEL = 10


@dataclass
class Searchable:
    model: type[models.Model]
    label: Promise | str
    fields: tuple[str, ...]
    url: Callable[[Any], str]
    subtitle: Callable[[Any], str] = lambda obj: ""
    code_field: str = "code"
    title_field: str = "name"


_registry: list[Searchable] = []


def register(entry: Searchable) -> None:
    if entry.model not in {e.model for e in _registry}:
        _registry.append(entry)


def search(user: Any, query: str) -> list[dict[str, Any]]:
    q = to_halfwidth(query).strip()
    if len(q) < MIN_QUERY:
        return []
    groups = []
    for entry in _registry:
        condition = Q()
        for field in entry.fields:
            condition |= Q(**{f"{field}__icontains": q})
        rows = entry.model.objects.for_user(user).filter(condition)[:PER_MODEL]  # type: ignore[attr-defined]
        results = [{"code": getattr(obj, entry.code_field, ""),
                    "title": getattr(obj, entry.title_field, str(obj)),
                    "url": entry.url(obj), "subtitle": entry.subtitle(obj)} for obj in rows]
        if results:
            groups.append({"label": str(entry.label), "results": results})
    return groups
