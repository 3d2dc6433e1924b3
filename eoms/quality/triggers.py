"""Checkpoints at work: the receivers of scheduling's `task_completed` and orders'
`order_status_changed` start the inspections their checkpoints name (connected in
apps.py). They run after the change committed; a failure is logged, not raised into the
request that reported the progress."""

from __future__ import annotations

import logging
from typing import Any

from django.db.models import Q, QuerySet

from eoms.orders.choices import OrderStatus
from eoms.orders.models import Order
from eoms.quality import services
from eoms.quality.choices import Trigger
from eoms.quality.models import Checkpoint, NonConformance
from eoms.scheduling.models import Task

log = logging.getLogger(__name__)


def _active(trigger: str, order: Order) -> QuerySet:
    return (Checkpoint.objects.filter(active=True, trigger=trigger, template__active=True)
            .filter(Q(project=None) | Q(project=order.project_id))
            .select_related("template").order_by("pk"))


def checkpoints_for_task(task: Task) -> list[Checkpoint]:
    if NonConformance.objects.filter(rework_task=task).exists():
        return []  # a rework task is judged by the re-inspection of the task it repairs
    if task.milestone:
        return list(_active(Trigger.MILESTONE, task.order).filter(
            Q(milestone="") | Q(milestone=task.milestone)))
    found = _active(Trigger.TASK_DONE, task.order).filter(
        Q(work_type="") | Q(work_type=task.work_type))
    if not task.is_concealed:
        found = found.filter(concealed_only=False)
    matches = [c for c in found if c.work_type or c.concealed_only or not task.is_summary]
    # The most specific wins: a rebar task's 钢筋隐蔽验收 is its concealed-work inspection.
    if any(c.work_type for c in matches):
        matches = [c for c in matches if c.work_type]
    return matches


def checkpoints_for_order(order: Order) -> list[Checkpoint]:
    return list(_active(Trigger.ORDER_INSPECTION, order).filter(
        Q(order_type="") | Q(order_type=order.order_type)))


def on_task_completed(sender: Any, task: Task, actor: Any = None, **kwargs: Any) -> None:
    try:
        fresh = Task.objects.select_related("order__project").get(pk=task.pk)
        for checkpoint in checkpoints_for_task(fresh):
            services.start_by_checkpoint(checkpoint, order=fresh.order, task=fresh,
                                         actor=actor)
    except Exception:
        log.exception("could not start the inspections of task %s", task.pk)


def on_order_status_changed(sender: Any, order: Order, new: str, actor: Any = None,
                            **kwargs: Any) -> None:
    if new != OrderStatus.INSPECTION:
        return
    try:
        fresh = Order.objects.select_related("project").get(pk=order.pk)
        for checkpoint in checkpoints_for_order(fresh):
            services.start_by_checkpoint(checkpoint, order=fresh, task=None, actor=actor)
    except Exception:
        log.exception("could not start the inspections of order %s", order.pk)
