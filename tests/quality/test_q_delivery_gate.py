"""An order cannot be delivered while an inspection of it is open or failed or an NCR is
open; the refusal names each and writes nothing."""

import pytest

from eoms.core.context import Channel, acting
from eoms.orders import services as orders
from eoms.orders.choices import OrderStatus
from eoms.orders.models import Order
from eoms.quality.models import Inspection, NonConformance
from eoms.testing.quality_checks import fill, refused
from eoms.testing.quality_world import build_quality, finish, run_on_commit


@pytest.fixture
def q(world):
    q = build_quality(world)
    with acting(Channel.TEST):
        orders.transition(q.order, OrderStatus.IN_PROGRESS, actor=world.pm)
    return q


def _to(order, status, actor):
    with acting(Channel.TEST):
        return run_on_commit(lambda: orders.transition(Order.objects.get(pk=order.pk), status,
                                                       actor=actor))


def test_it_refuses_delivery_while_the_completion_inspection_is_open(world, q):
    _to(q.order, OrderStatus.INSPECTION, world.pm)
    final = Inspection.objects.get(order=q.order, task=None)
    with refused(f"订单 {q.order.code} 不能交付：检验 {final.code}（竣工验收）尚未完成。"):
        _to(q.order, OrderStatus.DELIVERED, world.pm)
    assert Order.objects.get(pk=q.order.pk).status == OrderStatus.INSPECTION


def test_it_refuses_delivery_with_a_failed_task_inspection_and_its_ncr(world, q):
    failed = fill(finish(q.rebar, world.worker), world.qc, fail="受力钢筋间距")
    _to(q.order, OrderStatus.INSPECTION, world.pm)
    fill(Inspection.objects.get(order=q.order, task=None), world.qc)
    ncr = NonConformance.objects.get()
    with refused(f"检验 {failed.code}（钢筋隐蔽验收 · 底板钢筋绑扎）不合格",
                 f"{ncr.code} 尚未关闭"):
        _to(q.order, OrderStatus.DELIVERED, world.pm)


def test_it_delivers_once_every_inspection_passed(world, q):
    fill(finish(q.rebar, world.worker), world.qc)
    _to(q.order, OrderStatus.INSPECTION, world.pm)
    fill(Inspection.objects.get(order=q.order, task=None), world.qc)
    assert _to(q.order, OrderStatus.DELIVERED, world.pm).status == OrderStatus.DELIVERED
