"""The order lifecycle: which status may follow which, by whom, and what it needs.

    draft → submitted → assigned → in_progress → inspection → delivered → closed
    any open status ⇄ on_hold (resumes where it was); cancelled from before delivery
"""

from __future__ import annotations

from dataclasses import dataclass

from eoms.core.access import ADMIN, CUSTOMER, MANAGER, PROCUREMENT, PROJECT_MANAGER, QC_INSPECTOR
from eoms.orders.choices import OrderStatus as S

OWNER = "owner"  # the order's own project manager (its owner), whatever his roles


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    roles: frozenset[str]
    needs_reason: bool = False


def _t(source: str, target: str, *roles: str, reason: bool = False) -> Transition:
    return Transition(source, target, frozenset(roles) | {ADMIN}, reason)


TRANSITIONS: list[Transition] = [
    _t(S.DRAFT, S.SUBMITTED, MANAGER, PROJECT_MANAGER, PROCUREMENT, CUSTOMER),
    _t(S.SUBMITTED, S.ASSIGNED, MANAGER),
    _t(S.ASSIGNED, S.IN_PROGRESS, MANAGER, OWNER),
    _t(S.IN_PROGRESS, S.INSPECTION, MANAGER, OWNER),
    _t(S.INSPECTION, S.IN_PROGRESS, MANAGER, OWNER, QC_INSPECTOR, reason=True),
    _t(S.INSPECTION, S.DELIVERED, MANAGER, OWNER),
    _t(S.DELIVERED, S.CLOSED, MANAGER, OWNER),
    *[_t(s, S.ON_HOLD, MANAGER, OWNER, reason=True)
      for s in (S.SUBMITTED, S.ASSIGNED, S.IN_PROGRESS, S.INSPECTION)],
    *[_t(s, S.CANCELLED, MANAGER, reason=True)
      for s in (S.DRAFT, S.SUBMITTED, S.ASSIGNED, S.IN_PROGRESS, S.ON_HOLD)],
]
# Leaving on_hold goes back to the status it was held from (Order.held_from).
RESUME = _t(S.ON_HOLD, "", MANAGER, OWNER)

STEPS = [S.DRAFT, S.SUBMITTED, S.ASSIGNED, S.IN_PROGRESS, S.INSPECTION, S.DELIVERED, S.CLOSED]


def find(source: str, target: str, held_from: str = "") -> Transition | None:
    if source == S.ON_HOLD and target and target == held_from:
        return Transition(source, target, RESUME.roles, False)
    for t in TRANSITIONS:
        if t.source == source and t.target == target:
            return t
    return None


def next_statuses(source: str, held_from: str = "") -> list[str]:
    targets = [t.target for t in TRANSITIONS if t.source == source]
    if source == S.ON_HOLD and held_from:
        targets.insert(0, held_from)
    return targets


def role_allows(transition: Transition, roles: frozenset[str], is_owner: bool) -> bool:
    return bool(transition.roles & roles) or (is_owner and OWNER in transition.roles)
