"""The baseline manager: planners save and delete named baselines; readers look."""

from __future__ import annotations

import html

import pytest

from eoms.audit.models import AuditEntry
from eoms.core.context import Channel, acting
from eoms.scheduling import services_plan
from eoms.scheduling.models import Baseline, BaselineTask
from eoms.testing.scheduling_world import build_schedule


@pytest.fixture
def plan(world):
    return build_schedule(world)


def _list(order):
    return f"/schedule/orders/{order.pk}/baselines/"


def test_a_project_manager_saves_a_baseline_of_every_task(world, login, plan):
    client = login(world.pm)
    page = client.get(_list(plan.order)).content.decode()
    assert "还没有基线" in page and "将保存当前 7 个任务的计划。" not in page
    assert "将保存当前 6 个任务的计划。" in page
    response = client.post(_list(plan.order) + "new/", {"name": " 合同基线 ",
                                                         "note": "签约时的计划"})
    assert response.status_code == 302
    baseline = Baseline.objects.get(order=plan.order)
    assert (baseline.name, baseline.note, baseline.created_by) == ("合同基线", "签约时的计划",
                                                                   world.pm)
    assert BaselineTask.objects.filter(baseline=baseline).count() == 6
    page = html.unescape(client.get(_list(plan.order)).content.decode())
    assert "合同基线" in page and "由 李项目 保存 · 6 个任务" in page
    assert f"/schedule/baselines/{baseline.pk}/delete/" in page


@pytest.mark.parametrize(("data", "message"), [
    ({"name": "合同基线"}, "基线“合同基线”已存在，请换一个名称。"),
    ({"name": "   "}, "请填写基线名称。"),
    ({"name": "甲" * 81}, "Ensure"),
])
def test_it_refuses_a_duplicate_or_empty_name(world, login, plan, data, message):
    with acting(Channel.TEST):
        services_plan.save_baseline(plan.order, actor=world.manager, name="合同基线")
    client = login(world.pm)
    before = (AuditEntry.objects.count(), Baseline.objects.count(),
              BaselineTask.objects.count())
    response = client.post(_list(plan.order) + "new/", data)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    if message == "Ensure":
        message = "不超过 80 字符"
    assert message in page
    assert 'class="invalid-feedback' in page
    assert (AuditEntry.objects.count(), Baseline.objects.count(),
            BaselineTask.objects.count()) == before


def test_it_refuses_a_baseline_of_an_order_without_tasks(world, login, plan):
    other = plan.orders.other_order
    client = login(world.manager)
    with acting(Channel.TEST):
        from eoms.scheduling import services

        services.delete_task(plan.other_task, actor=world.manager)
    page = client.get(_list(other)).content.decode()
    assert "订单还没有任务，无法保存基线。" in page
    response = client.post(_list(other) + "new/", {"name": "空基线"})
    assert "订单还没有任务，无法保存基线。" in response.content.decode()
    assert not Baseline.objects.filter(order=other).exists()


def test_a_planner_deletes_a_baseline_and_a_reader_cannot(world, login, plan):
    with acting(Channel.TEST):
        baseline = services_plan.save_baseline(plan.order, actor=world.manager, name="合同基线")
    buyer = login(world.buyer)
    page = buyer.get(_list(plan.order)).content.decode()
    assert "合同基线" in page
    assert "/delete/" not in page and "保存新基线" not in page
    assert buyer.post(f"/schedule/baselines/{baseline.pk}/delete/").status_code == 403
    assert buyer.post(_list(plan.order) + "new/", {"name": "采购基线"}).status_code == 403
    assert Baseline.objects.filter(order=plan.order).count() == 1
    response = login(world.pm).post(f"/schedule/baselines/{baseline.pk}/delete/", follow=True)
    assert "已删除基线“合同基线”。" in response.content.decode()
    assert not Baseline.objects.filter(pk=baseline.pk).exists()


@pytest.mark.parametrize("who", ["worker", "client", "outsider", "other_pm"])
def test_it_hides_baselines_from_those_outside_the_orders_plan(world, login, plan, who):
    with acting(Channel.TEST):
        baseline = services_plan.save_baseline(plan.order, actor=world.manager, name="合同基线")
    client = login(getattr(world, who))
    assert client.get(_list(plan.order)).status_code == 404
    assert client.get(f"/schedule/baselines/{baseline.pk}/").status_code == 404
    assert client.post(_list(plan.order) + "new/", {"name": "偷存"}).status_code == 404
    assert client.post(f"/schedule/baselines/{baseline.pk}/delete/").status_code == 404
    assert Baseline.objects.filter(order=plan.order).count() == 1


def test_finance_reads_and_exports_but_saves_nothing(world, login, plan):
    with acting(Channel.TEST):
        baseline = services_plan.save_baseline(plan.order, actor=world.manager, name="合同基线")
    client = login(world.finance)
    assert client.get(_list(plan.order)).status_code == 200
    page = client.get(f"/schedule/baselines/{baseline.pk}/").content.decode()
    assert "导出 Excel" in page
    assert client.get(f"/schedule/baselines/{baseline.pk}/export/").status_code == 200
    assert client.post(_list(plan.order) + "new/", {"name": "财务基线"}).status_code == 403
