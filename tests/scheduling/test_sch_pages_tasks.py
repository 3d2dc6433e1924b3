"""The task list, its export, the task page and progress reports, for each role."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from eoms.audit.models import AuditEntry
from eoms.scheduling.models import Task
from eoms.testing.scheduling_world import build_schedule

LIST = "/schedule/tasks/"


@pytest.fixture
def plan(world):
    return build_schedule(world)


def names(response):
    return {row.task.name for row in response.context["task_rows"]}


def test_it_lists_a_worker_only_his_own_and_his_crews_tasks(plan, world, login):
    response = login(world.worker).get(LIST)
    assert response.status_code == 200
    assert names(response) == {"底板浇筑", "养护"}
    text = response.content.decode()
    for hidden in ("深化设计", "移交验收", "配电箱安装", "主体施工"):
        assert hidden not in text


def test_it_lists_a_pm_the_tasks_of_his_orders_only(plan, world, login):
    found = names(login(world.pm).get(LIST))
    assert {"主体施工", "深化设计", "底板浇筑", "养护", "图纸审批完成", "移交验收"} <= found
    assert "配电箱安装" not in found  # another project manager's order


def test_it_filters_my_tasks_overdue_and_critical(plan, world, login):
    client = login(world.pm)
    assert names(client.get(LIST, {"owner": "me"})) == set()
    assert names(login(world.worker).get(LIST, {"owner": "me", "status": "open"})) == {
        "底板浇筑", "养护"}
    overdue = names(client.get(LIST, {"overdue": "1"}))  # the plan lies in March 2026
    assert {"深化设计", "底板浇筑"} <= overdue and "主体施工" not in overdue
    critical = client.get(LIST, {"critical": "1"})
    assert names(critical) and all(r.task.critical for r in critical.context["task_rows"])
    assert names(client.get(LIST, {"q": "浇筑"})) == {"底板浇筑"}


def test_it_refuses_the_list_to_a_customer(plan, world, login):
    assert login(world.client).get(LIST).status_code == 403


def test_it_exports_the_filtered_tasks_with_days(plan, world, login):
    response = login(world.pm).get("/schedule/tasks/export/", {"q": "设计"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("订单编号", "WBS 编码", "任务名称", "负责人", "班组", "工期（工作日）")
    assert [r[2] for r in rows[1:]] == ["深化设计"]
    assert rows[1][5] == 3
    assert login(world.worker).get("/schedule/tasks/export/").status_code == 403


def test_it_shows_a_worker_his_task_with_the_progress_form(plan, world, login):
    response = login(world.worker).get(reverse("scheduling:task_detail", args=[plan.pour.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert reverse("scheduling:task_progress", args=[plan.pour.pk]) in text
    assert reverse("scheduling:task_edit", args=[plan.pour.pk]) not in text
    assert "（无权查看）" in text and "主体施工" not in text  # his task's summary is not his
    assert "图纸审批完成" in text  # the predecessor of his task: what he waits for
    assert 'name="viewport"' in text


@pytest.mark.parametrize("who", ["other_pm", "outsider", "client"])
def test_it_hides_a_task_from_those_outside_its_order(plan, world, login, who):
    url = reverse("scheduling:task_detail", args=[plan.pour.pk])
    assert login(getattr(world, who)).get(url).status_code == 404


def test_it_takes_a_workers_progress_report(plan, world, login):
    url = reverse("scheduling:task_progress", args=[plan.pour.pk])
    response = login(world.worker).post(url, {"progress-percent_complete": "40"})
    assert response.status_code == 302
    pour = Task.objects.get(pk=plan.pour.pk)
    assert (pour.percent_complete, pour.status) == (40, "in_progress")
    assert pour.actual_start == timezone.localdate()
    assert AuditEntry.objects.filter(event="task.progress", actor=world.worker).exists()


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"progress-percent_complete": "150"}, "percent_complete", "完成百分比必须在 0 到 100 之间。"),
    ({"progress-percent_complete": "abc"}, "percent_complete", "请输入 0 到 100 之间的整数。"),
    ({"progress-actual_start": "2026-03-02", "progress-actual_finish": "2099-01-01"},
     "actual_finish", "实际完成日期不能晚于今天。"),
    ({"progress-actual_start": "2099-01-01"}, "actual_start", "实际开始日期不能晚于今天。"),
])
def test_it_refuses_a_bad_progress_report_and_writes_nothing(plan, world, login, data, field,
                                                             message):
    client = login(world.worker)
    before = (AuditEntry.objects.count(), Task.objects.get(pk=plan.pour.pk).version)
    response = client.post(reverse("scheduling:task_progress", args=[plan.pour.pk]), data)
    assert response.status_code == 200
    assert message in response.context["progress_form"].errors[field]
    assert message in response.content.decode()
    assert (AuditEntry.objects.count(), Task.objects.get(pk=plan.pour.pk).version) == before


def test_it_refuses_an_actual_finish_before_the_start(plan, world, login):
    today = timezone.localdate()
    response = login(world.worker).post(
        reverse("scheduling:task_progress", args=[plan.pour.pk]),
        {"progress-actual_start": today.isoformat(),
         "progress-actual_finish": (today - timedelta(days=3)).isoformat()})
    assert "实际完成日期不能早于实际开始日期。" in response.content.decode()
    assert Task.objects.get(pk=plan.pour.pk).actual_start is None


def test_it_refuses_progress_on_a_task_not_his_own(plan, world, login):
    url = reverse("scheduling:task_progress", args=[plan.pour.pk])
    assert login(world.buyer).post(url, {"progress-percent_complete": "10"}).status_code == 403
    design = reverse("scheduling:task_progress", args=[plan.design.pk])
    assert login(world.worker).post(design, {"progress-percent_complete": "10"}
                                    ).status_code == 404
    assert Task.objects.get(pk=plan.pour.pk).percent_complete == 0


def test_it_shows_the_tasks_history(plan, world, login):
    login(world.worker).post(reverse("scheduling:task_progress", args=[plan.pour.pk]),
                             {"progress-percent_complete": "20"})
    response = login(world.pm).get(reverse("scheduling:task_detail", args=[plan.pour.pk]))
    labels = [item.event_label for item in response.context["history"]]
    assert "填报进度" in labels and "新建任务" in labels and "添加任务关系" in labels


def test_it_refuses_progress_on_a_summary_task_with_a_message(plan, world, login):
    client = login(world.pm)
    response = client.post(reverse("scheduling:task_progress", args=[plan.summary.pk]),
                           {"progress-percent_complete": "50"}, follow=True)
    assert "摘要任务的进度由下级任务汇总，不能直接填写。" in response.content.decode()
    assert Task.objects.get(pk=plan.summary.pk).percent_complete == 0
