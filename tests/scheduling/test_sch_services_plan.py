"""Scheduling services end to end on the real database: tasks, WBS, links, recompute,
moves (the Gantt drag), progress and baselines."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from eoms.audit.models import AuditEntry
from eoms.scheduling import services, services_plan
from eoms.scheduling.models import Baseline, Task, TaskLink
from eoms.testing.scheduling_world import START, build_schedule


@pytest.fixture
def plan(world, ctx):
    return build_schedule(world)


def fresh(task):
    return Task.objects.get(pk=task.pk)


def test_it_rolls_up_the_wbs_and_numbers_it(plan):
    summary, design, pour, cure = map(fresh, (plan.summary, plan.design, plan.pour, plan.cure))
    assert summary.is_summary and not design.is_summary
    assert (summary.wbs, design.wbs, pour.wbs, cure.wbs) == ("1", "1.1", "1.2", "1.3")
    assert summary.early_start == design.early_start == START
    assert summary.early_finish == max(design.early_finish, pour.early_finish,
                                       cure.early_finish)


def test_it_schedules_links_in_working_days(plan):
    design, drawings, pour, cure, handover = map(
        fresh, (plan.design, plan.drawings, plan.pour, plan.cure, plan.handover))
    assert (design.early_start, design.early_finish) == (date(2026, 3, 2), date(2026, 3, 4))
    assert drawings.early_start == drawings.early_finish == date(2026, 3, 4)
    assert pour.early_start == date(2026, 3, 5)  # FS after the milestone
    assert pour.early_finish == date(2026, 3, 6)
    assert cure.early_start == date(2026, 3, 6)  # SS + 1 working day
    assert cure.early_finish == date(2026, 3, 12)  # 5 days, over the weekend
    assert handover.early_finish == cure.early_finish  # FF
    assert all(t.critical for t in (design, drawings, pour, cure, handover))


def test_it_refuses_a_cycle_and_names_it(plan, world):
    before = TaskLink.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.add_link(plan.handover, plan.design, actor=world.manager)
    text = str(caught.value)
    assert "深化设计" in text and "移交验收" in text and "循环" in text
    assert TaskLink.objects.count() == before


def test_it_refuses_links_across_orders_and_duplicates(plan, world):
    with pytest.raises(ValidationError):
        services.add_link(plan.design, plan.other_task, actor=world.manager)
    with pytest.raises(ValidationError) as caught:
        services.add_link(plan.design, plan.drawings, actor=world.manager)
    assert "已经是" in str(caught.value)


def test_a_move_pushes_the_successors(plan, world):
    pour = fresh(plan.pour)
    services.move_task(pour, actor=world.pm, start=date(2026, 3, 10))
    pour, cure, handover = map(fresh, (plan.pour, plan.cure, plan.handover))
    assert pour.early_start == date(2026, 3, 10)
    assert pour.constraint == "SNET"
    assert cure.early_start == date(2026, 3, 11)
    assert handover.early_finish == cure.early_finish


def test_a_move_before_the_predecessors_is_refused_with_the_reason(plan, world):
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.move_task(fresh(plan.pour), actor=world.pm, start=date(2026, 3, 3))
    assert "图纸审批完成" in str(caught.value)
    assert fresh(plan.pour).constraint == "ASAP"
    assert AuditEntry.objects.count() == entries


def test_a_move_to_a_non_working_day_is_refused(plan, world):
    with pytest.raises(ValidationError) as caught:
        services.move_task(fresh(plan.pour), actor=world.pm, start=date(2026, 3, 7))
    assert "不是工作日" in str(caught.value)


def test_a_move_that_breaks_a_deadline_is_refused(plan, world):
    services.update_task(fresh(plan.handover), actor=world.pm,
                         data={"constraint": "FNLT", "constraint_date": date(2026, 3, 13)})
    with pytest.raises(ValidationError) as caught:
        services.move_task(fresh(plan.pour), actor=world.pm, start=date(2026, 3, 12))
    assert "移交验收" in str(caught.value)
    assert fresh(plan.pour).early_start == date(2026, 3, 5)


def test_resizing_changes_the_duration_in_working_days(plan, world):
    services.move_task(fresh(plan.cure), actor=world.pm, finish=date(2026, 3, 16))
    cure = fresh(plan.cure)
    assert cure.duration == 7 * 480  # 6 Mar – 16 Mar: 7 working days
    assert fresh(plan.handover).early_finish == date(2026, 3, 16)


def test_a_worker_reports_progress_but_may_not_plan(plan, world):
    pour = services.report_progress(fresh(plan.pour), actor=world.worker, percent=40,
                                    actual_start=date(2026, 3, 5))
    assert pour.status == "in_progress" and pour.actual_start == date(2026, 3, 5)
    with pytest.raises(PermissionDenied):
        services.move_task(fresh(plan.pour), actor=world.worker, start=date(2026, 3, 12))
    with pytest.raises(PermissionDenied):
        services.report_progress(fresh(plan.design), actor=world.worker, percent=10)


def test_bad_progress_is_refused(plan, world):
    with pytest.raises(ValidationError):
        services.report_progress(fresh(plan.pour), actor=world.pm, percent=150)
    with pytest.raises(ValidationError):
        services.report_progress(fresh(plan.pour), actor=world.pm,
                                 actual_start=date.today() + timedelta(days=3))
    with pytest.raises(ValidationError):
        services.report_progress(fresh(plan.summary), actor=world.pm, percent=10)
    assert fresh(plan.pour).percent_complete == 0


def test_bad_task_input_writes_nothing(plan, world):
    count = Task.objects.count()
    for data in ({"name": "x", "duration_days": -1}, {"name": "x", "duration_days": "abc"},
                 {"name": "x", "constraint": "MSO"}, {"name": ""},
                 {"name": "x", "parent": plan.drawings}):
        with pytest.raises(ValidationError):
            services.create_task(plan.order, actor=world.pm, data=data)
    assert Task.objects.count() == count


def test_a_baseline_freezes_the_plan(plan, world):
    baseline = services_plan.save_baseline(plan.order, actor=world.pm, name="合同基线")
    services.move_task(fresh(plan.pour), actor=world.pm, start=date(2026, 3, 10))
    frozen = baseline.tasks.get(task=plan.pour)
    assert frozen.start == date(2026, 3, 5)
    assert fresh(plan.pour).early_start == date(2026, 3, 10)
    with pytest.raises(ValidationError):
        services_plan.save_baseline(plan.order, actor=world.pm, name="合同基线")
    assert Baseline.objects.filter(order=plan.order).count() == 1
