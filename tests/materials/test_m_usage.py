"""Recording where a batch went: a task of the batch's order, a location, a quantity not
above what is left; a worker records on his own tasks only."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from eoms.core.context import Channel, acting
from eoms.materials import services
from eoms.materials.models import BatchUsage
from eoms.materials.queries import remaining
from eoms.testing.materials_world import build_materials


@pytest.fixture
def mat(world):
    return build_materials(world)


def _use(mat, actor, task=None, **values):
    data = {"location": "B1 底板 2 区", "quantity": "1", **values}
    with acting(Channel.TEST):
        return services.record_usage(mat.batch, actor=actor, task=task or mat.plan.pour, **data)


def _refusal(mat, actor, task=None, **values) -> dict:
    before = BatchUsage.objects.count()
    with pytest.raises(ValidationError) as caught:
        _use(mat, actor, task, **values)
    assert BatchUsage.objects.count() == before
    return caught.value.message_dict


def test_it_records_usage_up_to_exactly_what_is_left(world, mat):
    _use(mat, world.worker, quantity="3.000")
    assert remaining(mat.batch) == Decimal("0")


def test_it_refuses_more_than_is_left_of_the_batch(world, mat):
    assert _refusal(mat, world.worker, quantity="3.001") == {"quantity": [
        "用量 3.001 吨 超过了批次 L2026-0415 的剩余量 3 吨。"]}


def test_it_refuses_a_task_of_another_order(world, mat):
    errors = _refusal(mat, world.manager, task=mat.plan.other_task)
    assert errors["task"][0].startswith("任务“配电箱安装”不属于订单")


@pytest.mark.parametrize(("values", "field"), [
    ({"location": " "}, "location"), ({"quantity": "0"}, "quantity"),
    ({"quantity": "abc"}, "quantity"), ({"quantity": "0.0001"}, "quantity"),
])
def test_it_refuses_bad_values(world, mat, values, field):
    assert list(_refusal(mat, world.worker, **values)) == [field]


def test_it_refuses_a_date_in_the_future_or_before_the_delivery(world, mat):
    from datetime import timedelta

    day = mat.delivery.delivered_on
    assert list(_refusal(mat, world.worker, used_on=day + timedelta(days=1))) == ["used_on"]
    assert list(_refusal(mat, world.worker, used_on=day - timedelta(days=1))) == ["used_on"]


def test_it_lets_a_worker_record_only_on_his_own_tasks(world, mat):
    with pytest.raises(PermissionDenied):
        _use(mat, world.worker, task=mat.plan.design)  # nobody's task: not his
    assert _use(mat, world.worker, task=mat.plan.cure).task == mat.plan.cure  # his crew's


def test_it_refuses_roles_that_do_not_record_usage(world, mat):
    for who in ("buyer", "finance", "auditor", "client"):
        with pytest.raises(PermissionDenied):
            _use(mat, world.users[who])
