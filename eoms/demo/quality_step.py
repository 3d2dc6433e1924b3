"""The demo step for quality."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eoms.demo.loader import Demo


def load_quality(demo: Demo) -> None:
    """Nothing yet."""
