"""Links from the task page: all four types with lags; a cycle is refused naming its tasks,
a task of another order is refused; nothing is written on a refusal."""

import pytest
from django.urls import reverse

from eoms.audit.models import AuditEntry
from eoms.scheduling.models import TaskLink
from eoms.testing.scheduling_world import build_schedule


@pytest.fixture
def plan(world):
    return build_schedule(world)


def add(client, successor, predecessor, link_type="FS", lag=""):
    return client.post(reverse("scheduling:link_add", args=[successor.pk]), {
        "link-predecessor": predecessor.pk, "link-link_type": link_type, "link-lag_days": lag})


@pytest.mark.parametrize(("link_type", "lag", "minutes"), [
    ("FS", "2", 960), ("SS", "1.5", 720), ("FF", "-1", -480), ("SF", "", 0)])
def test_it_adds_a_predecessor_of_each_type_with_its_lag(plan, world, login, link_type, lag,
                                                         minutes):
    response = add(login(world.pm), plan.handover, plan.design, link_type, lag)
    assert response.status_code == 302
    link = TaskLink.objects.get(predecessor=plan.design, successor=plan.handover)
    assert (link.link_type, link.lag) == (link_type, minutes)


def refused(client, *args, **kwargs):
    before = (TaskLink.objects.count(), AuditEntry.objects.count())
    response = add(client, *args, **kwargs)
    assert response.status_code == 200
    assert (TaskLink.objects.count(), AuditEntry.objects.count()) == before
    return response


def test_it_refuses_a_cycle_and_names_its_tasks(plan, world, login):
    response = refused(login(world.pm), plan.design, plan.cure)
    errors = response.context["link_form"].errors["predecessor"]
    assert len(errors) == 1 and errors[0].startswith("添加该关系会形成循环：")
    for name in ("深化设计", "图纸审批完成", "底板浇筑", "养护"):
        assert name in errors[0]
    assert "添加该关系会形成循环" in response.content.decode()


def test_it_refuses_a_task_of_another_order(plan, world, login):
    response = refused(login(world.manager), plan.handover, plan.other_task)
    assert response.context["link_form"].errors["predecessor"] == ["只能关联同一订单的任务。"]


def test_it_refuses_a_link_that_exists_and_a_bad_lag(plan, world, login):
    client = login(world.pm)
    response = refused(client, plan.drawings, plan.design)
    assert response.context["link_form"].errors["predecessor"] == [
        "“深化设计”已经是“图纸审批完成”的前置任务。"]
    response = refused(client, plan.handover, plan.design, lag="两天")
    assert response.context["link_form"].errors["lag_days"] == ["请输入数字（工作日）。"]


def test_it_refuses_links_to_those_who_do_not_plan(plan, world, login):
    assert add(login(world.worker), plan.pour, plan.design).status_code == 403
    assert add(login(world.buyer), plan.handover, plan.design).status_code == 403
    assert not TaskLink.objects.filter(predecessor=plan.design).exclude(
        successor=plan.drawings).exists()


def pour_cure(plan):
    return TaskLink.objects.get(predecessor=plan.pour, successor=plan.cure)


def test_it_changes_a_links_type_and_lag(plan, world, login):
    link = pour_cure(plan)
    response = login(world.pm).post(reverse("scheduling:link_edit", args=[link.pk]), {
        f"edit{link.pk}-link_type": "FF", f"edit{link.pk}-lag_days": "-1",
        f"edit{link.pk}-version": link.version, "from_task": plan.pour.pk})
    assert response["Location"] == reverse("scheduling:task_detail", args=[plan.pour.pk])
    link.refresh_from_db()
    assert (link.link_type, link.lag) == ("FF", -480)


def test_it_shows_a_bad_link_change_on_its_row(plan, world, login):
    link = pour_cure(plan)
    client = login(world.pm)
    before = (link.version, AuditEntry.objects.count())
    response = client.post(reverse("scheduling:link_edit", args=[link.pk]), {
        f"edit{link.pk}-link_type": "XX", f"edit{link.pk}-lag_days": "1"})
    assert response.status_code == 200
    rows = response.context["successors"] + response.context["predecessors"]
    form = next(r["form"] for r in rows if r["link"].pk == link.pk)
    assert form.errors["link_type"]
    link.refresh_from_db()
    assert (link.version, AuditEntry.objects.count()) == before


def test_it_deletes_a_link_for_a_planner_only(plan, world, login):
    link = pour_cure(plan)
    url = reverse("scheduling:link_delete", args=[link.pk])
    assert login(world.worker).post(url).status_code == 403  # he sees it: both are his
    assert login(world.pm).post(url).status_code == 302
    assert not TaskLink.objects.filter(pk=link.pk).exists()
