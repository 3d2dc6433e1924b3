"""A delivered order of the fixed test world with its quality archive, made through the
services (the archive by the job that delivering the order queues):

    a = build_delivered(world)
    a.order      # world.project's order (customer world.customer), DELIVERED
    a.q, a.mat   # build_quality / build_materials on the same schedule
    a.failed     # the first 钢筋隐蔽验收 of 底板钢筋绑扎, failed on 受力钢筋间距
    a.ncr        # its NCR, closed after the passed re-inspection
    a.final      # the passed 竣工验收 of the order
    a.archive    # QualityArchive v1 written when the order was delivered
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.test import TestCase

from eoms.core.context import Channel, acting
from eoms.orders import services as orders
from eoms.orders.choices import OrderStatus
from eoms.orders.models import Order
from eoms.quality import services, services_accept, services_ncr
from eoms.quality.models import Inspection, NonConformance, QualityArchive
from eoms.scheduling import services as scheduling
from eoms.testing.materials_world import build_materials
from eoms.testing.quality_checks import fill
from eoms.testing.quality_world import build_quality, finish, run_on_commit
from eoms.testing.scheduling_world import build_schedule


def move(order: Order, status: str, actor: Any) -> Order:
    """Transition the order, running what its commit would run (receivers, jobs)."""
    with acting(Channel.TEST), TestCase.captureOnCommitCallbacks(execute=True):
        return orders.transition(Order.objects.get(pk=order.pk), status, actor=actor)


def _repaired(world: Any, q: Any) -> tuple[Inspection, NonConformance]:
    started = finish(q.rebar, world.worker)
    assert started is not None, "the rebar checkpoint started no inspection"
    failed = fill(started, world.qc, fail="受力钢筋间距")
    ncr = NonConformance.objects.get(inspection=failed)
    assert ncr.rework_task is not None
    with acting(Channel.TEST):
        scheduling.report_progress(ncr.rework_task, actor=world.worker, percent=100)
        again = services.reinspect(failed, actor=world.qc)
    fill(again, world.qc, gps=(float(world.site.latitude), float(world.site.longitude)))
    with acting(Channel.TEST):
        services_ncr.close_ncr(ncr, actor=world.qc, note="返工后复检合格")
        services_accept.accept_task(q.rebar, actor=world.pm, note="同意验收")
    return failed, NonConformance.objects.get(pk=ncr.pk)


def build_delivered(world: Any) -> SimpleNamespace:
    plan = getattr(world, "_schedule", None) or build_schedule(world)
    mat = build_materials(world, plan)
    q = build_quality(world, plan)
    with acting(Channel.TEST):
        orders.transition(q.order, OrderStatus.IN_PROGRESS, actor=world.pm)
    failed, ncr = _repaired(world, q)
    with acting(Channel.TEST):
        run_on_commit(lambda: orders.transition(Order.objects.get(pk=q.order.pk),
                                                OrderStatus.INSPECTION, actor=world.pm))
    final = fill(Inspection.objects.get(order=q.order, task=None), world.qc)
    order = move(q.order, OrderStatus.DELIVERED, world.pm)
    return SimpleNamespace(order=order, q=q, mat=mat, failed=failed, ncr=ncr, final=final,
                           archive=QualityArchive.objects.filter(order=order).first())
