"""A schedule for the fixed test world, made through the services.

    plan = build_schedule(world)
    plan.order        # the world's order (world.project, owner world.pm)
    plan.summary      # "主体施工" (summary of design, pour, cure)
    plan.design, plan.pour, plan.cure, plan.handover   # leaf tasks
    plan.drawings     # milestone 图纸审批完成
    plan.calendar     # world.project's calendar (statutory holidays)
    plan.other_task   # a task on world.other_order (world.other_pm's project)
Tasks are owned by world.worker (pour) and crewed by world.crew (cure) where the world
has them, so the worker sees exactly his own tasks.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

from eoms.core.context import Channel, acting
from eoms.scheduling import services, services_plan
from eoms.scheduling.models import Schedule
from eoms.testing.orders_world import build_orders

START = date(2026, 3, 2)  # a Monday with no holiday near


def build_schedule(world: Any, orders: Any = None) -> SimpleNamespace:
    orders = orders or getattr(world, "_orders", None) or build_orders(world)
    world._orders = orders
    order, manager = orders.order, world.manager
    with acting(Channel.TEST):
        calendar = services_plan.save_calendar(None, actor=manager, data={
            "name": "一号项目日历", "project": world.project})
        services.ensure_schedule(order, actor=manager, start=START)
        add = services.create_task
        summary = add(order, actor=manager, data={"name": "主体施工"})
        drawings = add(order, actor=manager, data={
            "name": "图纸审批完成", "milestone": "drawings_approved"})
        design = add(order, actor=manager, data={"name": "深化设计", "parent": summary,
                                                 "duration_days": 3})
        pour = add(order, actor=manager, data={"name": "底板浇筑", "parent": summary,
                                               "duration_days": 2, "owner": world.worker})
        cure = add(order, actor=manager, data={"name": "养护", "parent": summary,
                                               "duration_days": 5,
                                               "crew": getattr(world, "crew", None)})
        handover = add(order, actor=manager, data={"name": "移交验收", "duration_days": 1})
        link = services.add_link
        link(design, drawings, actor=manager)
        link(drawings, pour, actor=manager)
        link(pour, cure, actor=manager, link_type="SS", lag_days=1)
        link(cure, handover, actor=manager, link_type="FF")
        other = add(orders.other_order, actor=manager, data={"name": "配电箱安装",
                                                             "duration_days": 4})
    refresh = [summary, drawings, design, pour, cure, handover, other]
    for task in refresh:
        task.refresh_from_db()
    return SimpleNamespace(order=order, summary=summary, design=design, pour=pour, cure=cure,
                           handover=handover, drawings=drawings, calendar=calendar,
                           other_task=other, orders=orders,
                           schedule=Schedule.objects.get(order=order))
