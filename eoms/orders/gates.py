"""What an order needs before it may move to a status, as higher apps say it (quality
refuses delivery while an inspection is open or failed, or a non-conformance is open).

A check gets the order and returns the reasons it may not move, each a complete localized
sentence; `transition` refuses with every reason and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

OrderCheck = Callable[[Any], list[str]]
_checks: dict[str, list[OrderCheck]] = {}


def register(target_status: str, check: OrderCheck) -> None:
    found = _checks.setdefault(target_status, [])
    if check not in found:
        found.append(check)


def refusals(order: Any, target_status: str) -> list[str]:
    return [reason for check in _checks.get(target_status, ()) for reason in check(order)]
