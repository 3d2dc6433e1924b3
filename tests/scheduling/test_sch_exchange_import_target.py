"""Where an import goes and who may make it: a new order (in the chosen project or the
internal one), or an existing order whose plan it replaces (keeping EOMS progress); one
audited business event with the counts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from eoms.audit.models import AuditEntry
from eoms.core.context import Channel, acting
from eoms.masterdata.models import Customer, Project
from eoms.orders.models import Order
from eoms.scheduling import services, services_plan
from eoms.scheduling.models import (
    BaselineTask,
    Schedule,
    ScheduleImport,
    Task,
    TaskReminder,
    WorkCalendar,
)
from eoms.scheduling.services_exchange import import_schedule
from eoms.testing.scheduling_world import build_schedule

CORPUS = Path("/work/shared/corpus/schedules")
RELATIONS = (CORPUS / "mspdirelations.xml").read_bytes()


def run(user, data=RELATIONS, name="mspdirelations.xml", **kwargs):
    with acting(Channel.TEST):
        return import_schedule(data, name, actor=user, **kwargs)


def test_a_new_order_is_titled_after_the_files_project_and_goes_into_the_chosen_project(world):
    report = run(world.pm, project=world.project)
    order = report.order
    assert (order.title, order.project, order.customer, order.status) == (
        "mspdirelations.xml", world.project, world.customer, "draft")
    assert Schedule.objects.get(order=order).start == date(2006, 9, 21)


def test_without_a_project_management_gets_the_internal_project_made_once(world):
    first = run(world.manager).order
    second = run(world.manager).order
    assert first.project == second.project
    assert (first.project.code, first.project.name) == ("PRJ-IMPORTED", "导入的进度计划")
    assert (first.customer.code, first.customer.name) == ("CUS-INTERNAL", "内部客户")
    assert Project.objects.filter(code="PRJ-IMPORTED").count() == 1
    assert AuditEntry.objects.filter(event="project.created",
                                     object_id=str(first.project.pk)).exists()


def test_a_project_manager_without_a_project_is_asked_for_one(world):
    before = Order.objects.count(), Customer.objects.count()
    with pytest.raises(ValidationError) as caught:
        run(world.pm)
    assert "请选择项目" in caught.value.message_dict["project"][0]
    assert (Order.objects.count(), Customer.objects.count()) == before


def test_a_project_manager_may_not_import_into_another_managers_project(world):
    with pytest.raises(ValidationError) as caught:
        run(world.pm, project=world.other_project)
    assert "你不能在项目" in caught.value.message_dict["project"][0]


@pytest.mark.parametrize("who", ["worker", "buyer", "finance", "client", "auditor"])
def test_only_planners_import(world, who):
    with pytest.raises(PermissionDenied):
        run(world.users[who], project=world.project)


def test_importing_into_an_order_replaces_its_plan(world):
    plan = build_schedule(world)
    report = run(world.pm, order=plan.order)
    assert report.order == plan.order
    names = list(Task.objects.filter(order=plan.order).order_by("position")
                 .values_list("name", flat=True))
    assert names == ["Task 1", "Task 2", "Task 3", "Task 4", "Task 5"]
    schedule = Schedule.objects.get(order=plan.order)
    assert schedule.calendar.name == "mspdirelations.xml 日历"
    assert schedule.source_format == "mspdi"
    assert WorkCalendar.objects.filter(pk=plan.calendar.pk).exists()  # the project's stays


def test_replacing_keeps_saved_baselines_and_drops_reminders(world):
    plan = build_schedule(world)
    with acting(Channel.TEST):
        baseline = services_plan.save_baseline(plan.order, actor=world.manager, name="合同基线")
    TaskReminder.objects.create(task=plan.pour, kind="overdue", day=date(2026, 3, 10))
    rows = BaselineTask.objects.filter(baseline=baseline).count()
    run(world.manager, order=plan.order)
    assert BaselineTask.objects.filter(baseline=baseline, task=None).count() == rows == 6
    assert not TaskReminder.objects.exists()
    assert not Task.objects.filter(pk=plan.pour.pk).exists()
    assert AuditEntry.objects.filter(event="task.deleted").count() == 0


def test_the_other_project_managers_order_is_refused(world):
    plan = build_schedule(world)
    with pytest.raises(PermissionDenied):
        run(world.other_pm, order=plan.order)
    assert Task.objects.filter(order=plan.order, name="底板浇筑").exists()


def test_an_order_of_another_project_cannot_be_given_with_a_project(world):
    plan = build_schedule(world)
    with pytest.raises(ValidationError) as caught:
        run(world.manager, order=plan.order, project=world.other_project)
    assert caught.value.message_dict["project"] == [
        f"订单 {plan.order.code} 属于项目 {world.project}，不能另选项目。"]


def test_a_closed_order_is_refused(world):
    plan = build_schedule(world)
    Order.objects.filter(pk=plan.order.pk).update(status="closed")
    with pytest.raises(ValidationError) as caught:
        run(world.manager, order=Order.objects.get(pk=plan.order.pk))
    assert caught.value.code == "order_closed"


def test_a_reimport_keeps_the_progress_reported_in_eoms(world):
    order = run(world.manager, project=world.project).order
    task = Task.objects.get(order=order, external_id="2")
    with acting(Channel.TEST):
        services.report_progress(task, actor=world.manager, percent=40,
                                 actual_start=date(2006, 9, 26))
    report = run(world.manager, order=order)
    again = Task.objects.get(order=order, external_id="2")
    assert again.pk != task.pk
    assert (again.percent_complete, again.actual_start, again.status) == (
        40, date(2006, 9, 26), "in_progress")
    assert Task.objects.get(order=order, external_id="1").percent_complete == 0
    event = AuditEntry.objects.for_object(order).filter(event="schedule.imported",
                                                        action="event").order_by("-seq")[0]
    assert event.changes["kept_progress"] == 1 and event.changes["replaced_tasks"] == 5
    assert report.differences and {d["reason"] for d in report.differences} == {"has_actuals"}


def test_the_import_is_one_audited_business_event_with_the_counts(world):
    before = AuditEntry.objects.count()
    report = run(world.manager, project=world.project)
    entry = AuditEntry.objects.for_object(report.order).get(event="schedule.imported",
                                                            action="event")
    assert entry.actor_id == world.manager.pk
    assert entry.changes | {} == {
        "file": "mspdirelations.xml", "format": "mspdi", "tasks": 5, "links": 4,
        "calendars": 1, "baseline_tasks": 0, "replaced_tasks": 0, "kept_progress": 0,
        "matched": 5, "differences": 0}
    written = AuditEntry.objects.filter(seq__gt=0).order_by("-seq")[:AuditEntry.objects.count()
                                                                      - before]
    assert {e.event for e in written} <= {"schedule.imported", "order.created",
                                          "schedule.created"}
    assert ScheduleImport.objects.get(pk=report.pk).created_by == world.manager
