"""Concealed work holds its successors: they cannot start (progress or an actual start)
until its inspection passed with the photos; its own rework task can."""

import pytest
from django.core.exceptions import ValidationError

from eoms.core.context import Channel, acting
from eoms.fieldwork import services as fieldwork
from eoms.quality.models import NonConformance
from eoms.scheduling import services as scheduling
from eoms.scheduling.choices import TaskStatus
from eoms.testing.fieldwork_world import at_site
from eoms.testing.quality_checks import fill, refused
from eoms.testing.quality_world import build_quality, finish


@pytest.fixture
def q(world):
    return build_quality(world)


def _progress(task, actor, **kwargs):
    with acting(Channel.TEST):
        return scheduling.report_progress(task, actor=actor, **kwargs)


def test_it_refuses_to_start_a_successor_of_concealed_work_not_yet_inspected(world, q):
    with refused("“底板混凝土浇筑”不能开始：前置的隐蔽工程“底板钢筋绑扎”尚未验收合格。",
                 "隐蔽工程“底板钢筋绑扎”还没有验收检验"):
        _progress(q.pour, world.worker, percent=10)
    inspection = finish(q.rebar, world.worker)
    with refused(f"检验 {inspection.code}（钢筋隐蔽验收 · 底板钢筋绑扎）尚未完成。"):
        _progress(q.pour, world.manager, actual_start=q.rebar.early_start)


def test_a_check_in_reporting_progress_is_refused_the_same_way(world, q):
    with refused("前置的隐蔽工程“底板钢筋绑扎”尚未验收合格"), acting(Channel.TEST):
        fieldwork.check_in(world.site, actor=world.worker, task=q.pour,
                           progress_percent=20, **at_site(world.site))


def test_it_lets_the_successor_start_once_the_inspection_passed_with_photos(world, q):
    fill(finish(q.rebar, world.worker), world.qc)
    started = _progress(q.pour, world.worker, percent=10)
    assert started.status == TaskStatus.IN_PROGRESS


def test_the_rework_task_may_start_while_the_failed_work_holds_the_others(world, q):
    fill(finish(q.rebar, world.worker), world.qc, fail="受力钢筋间距")
    rework = NonConformance.objects.get().rework_task
    assert _progress(rework, world.worker, percent=50).status == TaskStatus.IN_PROGRESS
    with pytest.raises(ValidationError, match="不合格，返工后须复检合格"):
        _progress(q.pour, world.worker, percent=10)


def test_a_task_already_started_is_not_held(world, q):
    fill(finish(q.rebar, world.worker), world.qc)
    _progress(q.pour, world.worker, percent=10)
    with acting(Channel.TEST):
        scheduling.update_task(q.rebar, actor=world.manager, data={"name": "底板钢筋绑扎（改）"})
    assert _progress(q.pour, world.worker, percent=60).percent_complete == 60
