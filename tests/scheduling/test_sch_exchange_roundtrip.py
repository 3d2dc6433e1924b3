"""Export to MS Project XML: what EOMS writes reads back into the same schedule (tasks,
WBS, links, calendar, milestones, constraints, progress, baseline, EOMS's dates)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from eoms.core.context import Channel, acting
from eoms.orders.models import Order
from eoms.scheduling import services, services_plan
from eoms.scheduling.formats import read_schedule
from eoms.scheduling.models import BaselineTask, Schedule, Task, TaskLink
from eoms.scheduling.services_exchange import import_schedule
from eoms.scheduling.services_export import export_mspdi
from eoms.testing.orders_world import draft_order
from eoms.testing.scheduling_world import build_schedule

CORPUS = Path("/work/shared/corpus/schedules")


def run_import(world, data, name, **kwargs):
    with acting(Channel.TEST):
        return import_schedule(data, name, actor=world.manager, **kwargs)


def shape(order: Order) -> dict:
    """An order's schedule without its keys: tasks by name path, links by names. A task of
    no duration counts as a milestone (MS Project reads it so)."""
    tasks = list(Task.objects.filter(order=order).select_related("parent", "calendar"))
    path = {t.pk: (t.parent.name if t.parent else "", t.name) for t in tasks}
    return {
        "tasks": sorted((path[t.pk], t.duration,
                         bool(t.milestone or not t.duration and not t.is_summary),
                         t.constraint, t.constraint_date, t.actual_start, t.actual_finish,
                         t.percent_complete, t.early_start, t.early_finish, t.late_start,
                         t.late_finish, t.is_summary,
                         t.calendar.weekdays if t.calendar else None)
                        for t in tasks),
        "links": sorted((path[link.predecessor_id], path[link.successor_id], link.link_type,
                         link.lag)
                        for link in TaskLink.objects.filter(successor__order=order)),
    }


@pytest.mark.parametrize("name", ["sample.xml", "test.xer", "primavera.xml"])
def test_an_exported_schedule_imports_into_the_same_schedule(world, name):
    first = run_import(world, (CORPUS / name).read_bytes(), name).order
    exported = export_mspdi(first, actor=world.manager)
    second = run_import(world, exported, f"{first.code}.xml").order
    assert second != first
    before, after = shape(first), shape(second)
    for part in ("tasks", "links"):
        lost = [row for row in before[part] if row not in after[part]]
        gained = [row for row in after[part] if row not in before[part]]
        assert not lost and not gained, f"{part}: lost {lost[:3]} gained {gained[:3]}"
    one, two = (Schedule.objects.get(order=o) for o in (first, second))
    assert (one.start, one.status_date, one.finish) == (two.start, two.status_date, two.finish)
    assert list(one.calendar.exceptions.values_list("date", "kind")) == list(
        two.calendar.exceptions.values_list("date", "kind"))
    assert (one.calendar.weekdays, one.calendar.intervals) == (
        two.calendar.weekdays, two.calendar.intervals)


def test_the_latest_baseline_travels_as_the_imported_baseline(world):
    first = run_import(world, (CORPUS / "sample.xml").read_bytes(), "sample.xml").order
    with acting(Channel.TEST):
        services_plan.save_baseline(first, actor=world.manager, name="合同基线")
    second = run_import(world, export_mspdi(first), "again.xml").order
    rows = BaselineTask.objects.filter(baseline__order=second, baseline__name="导入基线")
    assert rows.count() == 19
    task = Task.objects.get(order=first, name="Second Task")
    copy = rows.get(name="Second Task")
    assert (copy.start, copy.finish, copy.duration) == (
        task.early_start, task.early_finish, task.duration)


def test_the_export_carries_the_statutory_holidays_of_the_schedules_dates(world):
    plan = build_schedule(world)
    with acting(Channel.TEST):
        services.update_task(plan.handover, actor=world.manager, data={
            "constraint": "SNET", "constraint_date": date(2026, 4, 13)})
    document = read_schedule(export_mspdi(plan.order), "x.xml")
    calendar = document.resolve_calendar(None)
    assert calendar.exceptions[date(2026, 4, 6)] == ()  # 清明节 (a Monday)
    assert date(2026, 5, 1) not in calendar.exceptions  # after the schedule's dates
    tasks = {t.name: t for t in document.tasks}
    assert tasks["图纸审批完成"].is_milestone
    assert tasks["底板浇筑"].parent_id == tasks["主体施工"].external_id
    assert tasks["移交验收"].constraint == "SNET"
    assert tasks["移交验收"].file_early_start.date() == date(2026, 4, 13)
    links = {(lk.predecessor_id, lk.successor_id): lk for lk in document.links}
    ss = links[(tasks["底板浇筑"].external_id, tasks["养护"].external_id)]
    assert (ss.type, ss.lag) == ("SS", 480)


def test_who_may_export(world):
    plan = build_schedule(world)
    assert export_mspdi(plan.order, actor=world.finance).startswith(b"<?xml")
    for who in ("other_pm", "buyer", "worker"):
        with pytest.raises(PermissionDenied):
            export_mspdi(plan.order, actor=world.users[who])


def test_an_order_without_a_schedule_has_nothing_to_export(world):
    with acting(Channel.TEST):
        order = draft_order(world)
    with pytest.raises(ValidationError) as caught:
        export_mspdi(order, actor=world.manager)
    assert caught.value.messages == [f"订单 {order.code} 还没有进度计划。"]
