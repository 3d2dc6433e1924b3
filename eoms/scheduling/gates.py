"""Whether a task may start: checks that higher apps register (quality refuses the
successors of concealed work whose inspection has not passed).

A check gets the task about to start and returns the reasons it may not, each a complete
localized sentence; no reason means it may. `report_progress` asks before a task that has
not started gets progress or an actual start, and refuses with every reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

StartCheck = Callable[[Any], list[str]]
_start_checks: list[StartCheck] = []


def register_start_check(check: StartCheck) -> None:
    if check not in _start_checks:
        _start_checks.append(check)


def start_refusals(task: Any) -> list[str]:
    return [reason for check in _start_checks for reason in check(task)]
