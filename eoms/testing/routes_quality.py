"""The route walker's view of quality: the pages and API routes with what each role may do."""

from __future__ import annotations

from typing import Any

from django.db import models


def targets() -> list[tuple[str, Any]]:
    return []


MAKERS: dict[type[models.Model], Any] = {}
