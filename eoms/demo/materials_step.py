"""The demo step for materials."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eoms.demo.loader import Demo


def load_material_receiving(demo: Demo) -> None:
    """Nothing yet."""
