"""Who sees deliveries, batches and usages, and who receives."""

import pytest
from django.core.exceptions import PermissionDenied

from eoms.core.access import ADD, VIEW, can
from eoms.core.context import Channel, acting
from eoms.materials import services
from eoms.materials.models import BatchUsage, Delivery, ReceivedBatch
from eoms.testing.materials_world import batch_line, build_materials


@pytest.fixture
def mat(world):
    return build_materials(world)


def _seen(model, user) -> set[int]:
    return set(model.objects.for_user(user, VIEW).values_list("pk", flat=True))


def test_it_shows_everything_to_management_finance_and_auditors(world, mat):
    for who in ("admin", "manager", "finance", "auditor"):
        user = world.users[who]
        assert _seen(Delivery, user) == {mat.delivery.pk, mat.other_delivery.pk}
        assert _seen(ReceivedBatch, user) == {mat.batch.pk, mat.other_batch.pk}
        assert _seen(BatchUsage, user) == {mat.usage.pk, mat.other_usage.pk}


def test_it_shows_project_staff_their_projects_only(world, mat):
    for who in ("pm", "buyer", "qc"):
        user = world.users[who]
        assert _seen(Delivery, user) == {mat.delivery.pk}
        assert _seen(ReceivedBatch, user) == {mat.batch.pk}
        assert _seen(BatchUsage, user) == {mat.usage.pk}
    assert _seen(Delivery, world.other_pm) == {mat.other_delivery.pk}


def test_it_shows_a_worker_the_batches_of_his_tasks_but_no_delivery(world, mat):
    assert _seen(Delivery, world.worker) == set()
    assert _seen(ReceivedBatch, world.worker) == {mat.batch.pk}
    assert _seen(BatchUsage, world.worker) == {mat.usage.pk}


def test_it_shows_customers_nothing(world, mat):
    for who in ("client", "outsider"):
        user = world.users[who]
        assert not (_seen(Delivery, user) or _seen(ReceivedBatch, user) or _seen(BatchUsage, user))


def test_it_lets_only_project_staff_of_the_order_receive(world, mat):
    order = mat.plan.order
    allowed = {who for who in world.users if can(world.users[who], ADD, Delivery(order=order))}
    assert allowed == {"admin", "manager", "pm", "buyer", "qc"}
    with acting(Channel.TEST), pytest.raises(PermissionDenied):
        services.receive_delivery(order, actor=world.other_pm, supplier=world.supplier,
                                  lines=[batch_line(mat.line, "L2026-0999", "1")])
