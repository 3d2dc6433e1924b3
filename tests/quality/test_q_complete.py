"""Completing an inspection: refused while a required item is unanswered or a photo item
lacks photos (naming each); passed when every item passes; failed otherwise, a failed
item opening a non-conformance and a rework task after the task in the schedule."""

import pytest

from eoms.core.context import Channel, acting
from eoms.core.models import Notification
from eoms.quality import services
from eoms.quality.choices import InspectionStatus, NcrStatus
from eoms.quality.models import NonConformance
from eoms.scheduling.models import Task, TaskLink
from eoms.testing.quality_checks import fill, refused
from eoms.testing.quality_world import build_quality, finish


@pytest.fixture
def q(world):
    q = build_quality(world)
    q.inspection = finish(q.rebar, world.worker)
    return q


def test_it_refuses_to_complete_naming_every_missing_item_and_photo(world, q):
    with refused("“受力钢筋间距”还没有填写", "“钢筋绑扎影像资料”需要至少 3 张照片，现有 0 张",
                 "“质检员签字”还没有填写"), acting(Channel.TEST):
        services.complete_inspection(q.inspection, actor=world.qc)


def test_it_refuses_too_few_photos(world, q):
    saved = fill(q.inspection, world.qc, complete=False, photos_each=2)
    with refused("“钢筋绑扎影像资料”需要至少 3 张照片，现有 2 张"), acting(Channel.TEST):
        services.complete_inspection(saved, actor=world.qc)


def test_it_passes_when_every_item_passes(world, q):
    done = fill(q.inspection, world.qc)
    assert done.status == InspectionStatus.PASSED and done.completed_by == world.qc
    assert not NonConformance.objects.exists()


def test_a_failed_item_opens_an_ncr_and_a_rework_task_after_the_task(world, q):
    done = fill(q.inspection, world.qc, fail="纵向受力钢筋保护层厚度（柱、梁）")
    assert done.status == InspectionStatus.FAILED
    ncr = NonConformance.objects.get()
    assert ncr.status == NcrStatus.OPEN and ncr.task == q.rebar
    assert ncr.responsible_crew == world.crew and ncr.code.startswith("NCR-")
    assert "实测 31 mm" in ncr.cause and "25 mm（−5 / +5）" in ncr.cause
    rework = ncr.rework_task
    assert rework.name == "返工：底板钢筋绑扎" and rework.order == q.order
    assert rework.crew == world.crew and rework.owner == world.worker
    assert TaskLink.objects.filter(predecessor=q.rebar, successor=rework,
                                   link_type="FS").exists()
    assert Notification.objects.filter(user=world.pm, kind="inspection.failed").exists()


def test_two_failed_items_open_two_ncrs_sharing_one_rework_task(world, q):
    before = Task.objects.count()
    fill(q.inspection, world.qc, fail=("受力钢筋间距", "受力钢筋的牌号、规格和数量符合设计要求"))
    ncrs = list(NonConformance.objects.order_by("pk"))
    assert len(ncrs) == 2 and Task.objects.count() == before + 1
    assert ncrs[0].rework_task == ncrs[1].rework_task
    assert "“受力钢筋的牌号、规格和数量符合设计要求”检验不合格" in ncrs[0].cause + ncrs[1].cause


def test_it_refuses_to_change_a_completed_inspection(world, q):
    done = fill(q.inspection, world.qc)
    with refused("已合格"), acting(Channel.TEST):
        services.record_results(done, actor=world.qc, values={})
