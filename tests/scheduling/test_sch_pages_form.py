"""Creating, editing and deleting tasks on the pages: the project manager plans; bad input
is refused on the field it concerns, in Chinese, and writes nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from eoms.audit.models import AuditEntry
from eoms.core.context import Channel, acting
from eoms.scheduling import services
from eoms.scheduling.models import Task
from eoms.testing.scheduling_world import build_schedule


@pytest.fixture
def plan(world):
    return build_schedule(world)


def new_task(**values):
    return {"name": "钢筋隐蔽验收", "parent": "", "owner": "", "crew": "",
            "duration_days": "1", "milestone": "", "milestone_label": "",
            "constraint": "ASAP", "constraint_date": "", "calendar": "", "planned_cost": "",
            "notes": "", **values}


def create_url(plan):
    return reverse("scheduling:task_create", args=[plan.order.pk])


def test_it_creates_a_task_under_a_summary_with_a_duration_in_days(plan, world, login):
    response = login(world.pm).post(create_url(plan), new_task(
        parent=plan.summary.pk, duration_days="2.5", owner=world.worker.pk,
        planned_cost="3600"))
    assert response.status_code == 302
    task = Task.objects.get(name="钢筋隐蔽验收")
    assert task.parent == plan.summary and task.wbs == "1.4"
    assert task.duration == 1200 and task.planned_cost == Decimal("3600")
    assert task.early_start is not None and task.owner == world.worker


def test_it_creates_a_milestone_without_a_duration(plan, world, login):
    login(world.pm).post(create_url(plan), new_task(
        name="设备到场", duration_days="", milestone="equipment_on_site",
        constraint="SNET", constraint_date="2026-03-16"))
    task = Task.objects.get(name="设备到场")
    assert (task.duration, task.milestone) == (0, "equipment_on_site")
    assert str(task.early_start) == "2026-03-16"


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"duration_days": "-2"}, "duration_days", "工期不能为负数。"),
    ({"duration_days": "abc"}, "duration_days", "请输入数字（工作日）。"),
    ({"duration_days": ""}, "duration_days", "请填写工期（工作日）；里程碑可以留空。"),
    ({"constraint": "SNET"}, "constraint_date", "“不得早于…开始”需要填写限制日期。"),
    ({"name": ""}, "name", "请填写任务名称。"),
])
def test_it_refuses_bad_input_on_the_field_and_writes_nothing(plan, world, login, values,
                                                              field, message):
    client = login(world.pm)
    before = (Task.objects.count(), AuditEntry.objects.count())
    response = client.post(create_url(plan), new_task(**values))
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert message in response.content.decode()
    assert (Task.objects.count(), AuditEntry.objects.count()) == before


def test_it_refuses_a_parent_from_another_order(plan, world, login):
    client = login(world.manager)  # he sees both orders
    response = client.post(create_url(plan), new_task(parent=plan.other_task.pk))
    assert "上级任务只能从本订单的其他任务中选择。" in response.context["form"].errors["parent"]
    assert not Task.objects.filter(name="钢筋隐蔽验收").exists()


def test_it_refuses_the_task_form_to_those_who_do_not_plan(plan, world, login):
    assert login(world.buyer).get(create_url(plan)).status_code == 403
    assert login(world.worker).get(create_url(plan)).status_code == 404  # no orders for him
    assert login(world.other_pm).get(create_url(plan)).status_code == 404
    edit = reverse("scheduling:task_edit", args=[plan.pour.pk])
    assert login(world.worker).get(edit).status_code == 403  # his task: he sees it
    assert login(world.worker).post(edit, {"name": "改名"}).status_code == 403


def test_it_edits_a_task_and_offers_no_parent_below_it(plan, world, login):
    client = login(world.pm)
    url = reverse("scheduling:task_edit", args=[plan.summary.pk])
    form = client.get(url).context["form"]
    assert set(form.fields["parent"].queryset) == {plan.handover}  # not itself, its children
    # or a milestone
    pour = reverse("scheduling:task_edit", args=[plan.pour.pk])
    data = new_task(name="底板浇筑（C35P6）", parent=plan.summary.pk, duration_days="3",
                    owner=world.worker.pk, version=plan.pour.version)
    assert client.post(pour, data).status_code == 302
    task = Task.objects.get(pk=plan.pour.pk)
    assert (task.name, task.duration, task.version) == ("底板浇筑（C35P6）", 1440,
                                                        plan.pour.version + 1)


def test_it_says_who_changed_a_task_meanwhile(plan, world, login):
    client = login(world.pm)
    url = reverse("scheduling:task_edit", args=[plan.pour.pk])
    stale = plan.pour.version
    with acting(Channel.TEST):
        services.update_task(plan.pour, actor=world.manager, data={"notes": "先做"})
    response = client.post(url, new_task(name="底板浇筑", duration_days="2",
                                         parent=plan.summary.pk, version=stale))
    assert response.status_code == 200
    assert "该任务已被" in response.content.decode()
    assert Task.objects.get(pk=plan.pour.pk).name == "底板浇筑"


def test_it_deletes_a_task_for_a_planner_only(plan, world, login):
    url = reverse("scheduling:task_delete", args=[plan.handover.pk])
    assert login(world.buyer).post(url).status_code == 403
    assert login(world.worker).post(url).status_code == 404
    response = login(world.pm).post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("scheduling:order_schedule", args=[plan.order.pk])
    assert not Task.objects.filter(pk=plan.handover.pk).exists()
