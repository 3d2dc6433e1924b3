"""The demo's schedules: four orders with realistic WBS, all link types, milestones,
constraints, progress, one overdue task, calendars, a baseline that the plan has since
slipped from, critical paths; loading twice writes nothing."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from eoms.audit.models import AuditEntry
from eoms.demo import loader
from eoms.scheduling.models import Baseline, BaselineTask, Schedule, Task, TaskLink, WorkCalendar


@pytest.fixture(scope="module")
def module_demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield loader.run()
        transaction.set_rollback(True)


@pytest.fixture
def demo(module_demo, db):
    return module_demo


def test_it_schedules_four_orders_in_progress_with_10_to_40_tasks(demo):
    schedules = Schedule.objects.select_related("order")
    assert schedules.count() == 4
    for schedule in schedules:
        assert schedule.order.status == "in_progress"
        assert 10 <= Task.objects.filter(order=schedule.order).count() <= 40
    assert demo.created["schedules"] == 4


def test_it_gives_every_schedule_a_critical_path_to_its_finish(demo):
    for schedule in Schedule.objects.all():
        leaves = Task.objects.filter(order=schedule.order, is_summary=False)
        critical = leaves.filter(critical=True)
        assert critical.exists(), schedule
        last = leaves.order_by("-early_finish").first()
        assert last.critical and last.early_finish == schedule.finish
        assert all(t.total_float <= 0 for t in critical)


def test_it_uses_all_link_types_with_lags_milestones_and_constraints(demo):
    assert set(TaskLink.objects.values_list("link_type", flat=True)) == {"FS", "SS", "FF", "SF"}
    assert TaskLink.objects.filter(lag__gt=0).exists() and TaskLink.objects.filter(
        lag__lt=0).exists()
    kinds = set(Task.objects.exclude(milestone="").values_list("milestone", flat=True))
    assert kinds == {"drawings_approved", "equipment_on_site", "acceptance_signed"}
    assert set(Task.objects.exclude(constraint="ASAP").values_list("constraint", flat=True)
               ) == {"SNET", "FNLT"}


def test_it_progresses_the_earliest_tasks_and_leaves_one_overdue(demo):
    today = timezone.localdate()
    done = Task.objects.filter(status="done")
    assert done.count() >= 10
    assert all(t.actual_start and t.actual_finish and t.actual_finish < today for t in done)
    assert Task.objects.filter(status="in_progress", is_summary=False).exists()
    overdue = Task.objects.filter(is_summary=False, early_finish__lt=today).exclude(
        status="done")
    assert [t.name for t in overdue] == ["钢筋堆场防雨棚搭设"]
    assert not Task.objects.filter(status="not_started", is_summary=False,
                                   early_start__lt=today).exists()


def test_it_keeps_a_contract_baseline_the_plan_has_slipped_from(demo):
    for schedule in Schedule.objects.all():
        baseline = Baseline.objects.get(order=schedule.order, name="合同基线")
        rows = BaselineTask.objects.filter(baseline=baseline).select_related("task")
        planned = Task.objects.filter(order=schedule.order, rework_for=None)  # not rework
        assert rows.count() == planned.count()
        slipped = [r for r in rows if r.task and r.task.early_finish > r.finish]
        assert slipped, f"{schedule.order}: nothing slipped from the baseline"


def test_it_sets_up_project_and_crew_calendars(demo):
    projects = WorkCalendar.objects.filter(project__isnull=False, crew=None)
    assert projects.count() == 3 and all(c.statutory_holidays for c in projects)
    assert projects.annotate(n=Count("exceptions")).filter(n__gt=0).count() == 1
    crew = WorkCalendar.objects.get(crew__name="钢筋班")
    assert crew.weekdays == [0, 1, 2, 3, 4, 5]
    spans = Task.objects.filter(crew=crew.crew, is_summary=False).values_list(
        "early_start", "early_finish", "duration")
    assert any(worked_a_saturday(*span) for span in spans)


def worked_a_saturday(start, finish, minutes) -> bool:
    """Starts or ends on a Saturday, or needs one to fit its working days in."""
    days = [start + timedelta(days=n) for n in range((finish - start).days + 1)]
    mon_to_sat = sum(d.weekday() <= 5 for d in days)
    mon_to_fri = sum(d.weekday() <= 4 for d in days)
    return 5 in (start.weekday(), finish.weekday()) or (
        mon_to_sat == minutes // 480 > mon_to_fri)


def test_it_lets_the_workers_see_their_tasks(demo):
    worker = demo.user("demo_worker1")
    mine = Task.objects.for_user(worker)
    assert mine.filter(owner=worker).exists() and mine.filter(crew__leader=worker).exists()
    assert not mine.filter(order__project__name="园区光伏组件厂房二期").exists()


def test_it_writes_nothing_when_loaded_again(demo):
    before = AuditEntry.objects.count()
    again = loader.run()
    assert AuditEntry.objects.count() == before
    assert again.created["schedules"] == 0 and again.created["work calendars"] == 0
    assert again.existing["schedules"] == 4
