"""The route walker's view of the orders routes (see eoms/testing/routes.py): which model
decides each route and which world object fills it, plus bulk makers for the query-count
test. `targets()` is read by routes.TARGETS and `MAKERS` merged into routes.MAKERS.

Orders for the world come from eoms.testing.orders_world.build_orders, made once per test
(each walker test runs in its own savepoint, so they are made again after a rollback):
use `world_orders(w).order` (world.project), `.other_order`, `.group`, `.rule`.

Several engineers add entries here: add yours, do not rewrite the others'.
"""

from __future__ import annotations

import itertools
from typing import Any

from django.db import models

from eoms.core.access import ADD, CHANGE, DELETE, VIEW, can
from eoms.core.context import Channel, acting
from eoms.orders.choices import AssignMode
from eoms.orders.models import AssignmentGroup, AssignmentRule, Order
from eoms.orders.policies import COMMENT
from eoms.orders.views_portal import is_portal_user
from eoms.testing.orders_world import build_orders
from eoms.testing.routes_order_api import api_targets
from eoms.testing.routes_order_pages import MAKERS as PAGE_MAKERS
from eoms.testing.routes_order_pages import page_targets

_serial = itertools.count(1)


def world_orders(w: Any) -> Any:
    """The world's orders (build_orders), made again when a rollback removed them."""
    found = w.__dict__.get("_walker_orders")
    if found is None or not Order.objects.filter(pk=found.order.pk).exists():
        found = w.__dict__["_walker_orders"] = build_orders(w)
    return found


# --- assignment rules and groups (views_rules) ---------------------------------------------

def _movable_rule(w: Any) -> AssignmentRule:
    """An inactive rule in front of the world's rule, so that it can move down."""
    world_orders(w)
    with acting(Channel.TEST):
        return AssignmentRule.objects.create(name=f"巡检移动规则{next(_serial):05d}",
                                             position=0, active=False,
                                             assign_mode=AssignMode.USER, assign_user=w.pm)


def _rule_body(w: Any, n: int) -> dict[str, Any]:
    # Inactive: rules the walker makes must not assign the orders other routes submit.
    return {"name": f"巡检规则{n:05d}", "active": "", "assign_mode": AssignMode.USER,
            "assign_user": w.pm.pk}


def _rule_targets(target: Any) -> list[tuple[str, Any]]:
    form = ("GET", "POST")
    return [
        ("orders:rules", target(model=AssignmentRule)),
        ("orders:rule_create", target(model=AssignmentRule, action=ADD, form=True,
                                      methods=form, body=_rule_body)),
        ("orders:rule_edit", target(model=AssignmentRule, obj=lambda w: world_orders(w).rule,
                                    action=CHANGE, form=True, methods=form,
                                    body=lambda w, n: {"name": f"巡检修改规则{n:05d}"})),
        ("orders:rule_delete", target(model=AssignmentRule,
                                      obj=lambda w: world_orders(w).rule, action=DELETE)),
        ("orders:rule_move", target(model=AssignmentRule, obj=_movable_rule, action=CHANGE,
                                    body=lambda w, n: {"direction": "down"})),
        ("orders:groups", target(model=AssignmentGroup)),
        ("orders:group_create", target(
            model=AssignmentGroup, action=ADD, form=True, methods=form,
            body=lambda w, n: {"code": f"G-Q{n:05d}", "name": f"巡检分派组{n:05d}",
                               "members": [w.pm.pk]})),
        ("orders:group_edit", target(model=AssignmentGroup,
                                     obj=lambda w: world_orders(w).group, action=CHANGE,
                                     form=True, methods=form,
                                     body=lambda w, n: {"name": f"巡检修改分派组{n:05d}"})),
    ]


# --- customer portal (views_portal) --------------------------------------------------------

def _portal_expect(user: Any, world: Any, obj: Any) -> str:
    """Customers' users read the portal; staff who may see the order are redirected to
    the staff page; the rest is as for any page."""
    from eoms.testing import routes

    if user is None:
        return routes.LOGIN
    if obj is not None and not routes.may(user, VIEW, obj):
        return routes.HIDDEN
    if is_portal_user(user):
        return routes.OK
    if obj is None and not can(user, VIEW, Order):
        return routes.FORBIDDEN
    return routes.REDIRECT


def _portal_targets(target: Any) -> list[tuple[str, Any]]:
    return [
        ("orders:portal", target(model=Order, expect=_portal_expect)),
        ("orders:portal_detail", target(model=Order, obj=lambda w: world_orders(w).order,
                                        expect=_portal_expect)),
        ("orders:portal_comment", target(model=Order, obj=lambda w: world_orders(w).order,
                                         action=COMMENT,
                                         body=lambda w, n: {"text": f"巡检留言{n:05d}"})),
    ]


def targets() -> list[tuple[str, Any]]:
    from eoms.testing.routes import Target  # routes imports this module

    return [*_rule_targets(Target), *_portal_targets(Target), *page_targets(Target),
            *api_targets(Target)]


# --- bulk rows for the query-count test ----------------------------------------------------

def _rules(world: Any, n: int, user: Any) -> list[models.Model]:
    return list(AssignmentRule.objects.bulk_create([AssignmentRule(
        name=f"批量规则{i:05d}", position=5000 + i, active=False,
        assign_mode=AssignMode.USER, assign_user=world.pm)
        for i in (next(_serial) for _ in range(n))]))


def _groups(world: Any, n: int, user: Any) -> list[models.Model]:
    groups = AssignmentGroup.objects.bulk_create([AssignmentGroup(
        code=f"GRP-Q{i:05d}", name=f"批量分派组{i:05d}") for i in (next(_serial)
                                                               for _ in range(n))])
    through = AssignmentGroup.members.through
    through.objects.bulk_create([through(assignmentgroup_id=g.pk, user_id=world.pm.pk)
                                 for g in groups])
    return list(groups)


MAKERS: dict[type[models.Model], Any] = {
    AssignmentRule: _rules,
    AssignmentGroup: _groups,
    **PAGE_MAKERS,  # orders, saved filters (eoms/testing/routes_order_pages.py)
}
