"""Orders for the fixed test world: one assigned order in each project, made through the
services, so tests and the route walker have real orders (with an audit trail) to visit.

    orders = build_orders(world)
    orders.order        # world.project, owner world.pm, customer world.customer, 1 line
    orders.other_order  # world.other_project, owner world.other_pm
    orders.group        # AssignmentGroup "PM" with world.pm
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from eoms.core.context import Channel, acting
from eoms.orders import services
from eoms.orders.choices import AssignMode, OrderStatus, Priority
from eoms.orders.models import AssignmentGroup, AssignmentRule, Order


def draft_order(world: Any, *, actor: Any = None, project: Any = None,
                lines: list[dict[str, Any]] | None = None, order_type: str | None = None,
                **data: Any) -> Order:
    """A draft order made through the service (by world.manager unless said), in
    world.project unless said, with one line of world.material unless `lines` is given."""
    project = project or world.project
    due = timezone.localdate() + timedelta(days=30)
    values = {"title": "B1 地下室底板防水施工", "customer": project.customer, "project": project,
              "priority": Priority.P3, "budget_amount": Decimal("86000.00"),
              "requested_date": due, "promised_date": due, **data}
    if lines is None:
        lines = [{"material": world.material, "quantity": Decimal("12.5")}]
    return services.create_order(actor=actor or world.manager, data=values, lines=lines,
                                 order_type=order_type)


def _assigned_order(world: Any, *, project: Any, owner: Any, title: str) -> Order:
    manager = world.manager
    order = draft_order(world, project=project, title=title)
    order = services.transition(order, OrderStatus.SUBMITTED, actor=manager)
    if order.owner_id != owner.pk:
        order = services.assign_order(order, actor=manager, to=owner, reason="测试世界指派")
    return order


def build_orders(world: Any) -> SimpleNamespace:
    """One submitted-and-assigned order per world project, and a PM group with a catch-all
    round-robin rule (world.pm only, so rule-based assignment in the world is predictable)."""
    with acting(Channel.TEST):
        group = AssignmentGroup.objects.create(code="PM", name="项目经理组")
        group.members.add(world.pm)
        rule = AssignmentRule.objects.create(name="兜底", position=1000,
                                             assign_mode=AssignMode.ROUND_ROBIN,
                                             assign_group=group)
        order = _assigned_order(world, project=world.project, owner=world.pm,
                                title="B1 地下室底板防水施工")
        other = _assigned_order(world, project=world.other_project, owner=world.other_pm,
                                title="杭州机电安装 配电箱采购安装")
    return SimpleNamespace(order=order, other_order=other, group=group, rule=rule)
