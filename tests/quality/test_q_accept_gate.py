"""Accepting a task: every refusal says exactly what is missing and writes nothing —
not done, inspection open or failed, NCR open; concealed work without an inspection, or
whose passed inspection lacks photos taken during the work, on the site."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from eoms.core.context import Channel, acting
from eoms.quality import services, services_accept
from eoms.quality.models import NonConformance, TaskAcceptance
from eoms.scheduling import services as scheduling
from eoms.testing.quality_checks import fill, refused
from eoms.testing.quality_world import build_quality, finish


def _accept(task, actor):
    with acting(Channel.TEST):
        return services_accept.accept_task(task, actor=actor)


@pytest.fixture
def q(world):
    return build_quality(world)


def test_it_refuses_a_task_not_done(world, q):
    with refused("任务“底板钢筋绑扎”尚未完成（0%），完成后才能验收。"):
        _accept(q.rebar, world.pm)


def test_it_refuses_concealed_work_with_no_inspection(world, q):
    with acting(Channel.TEST):
        scheduling.report_progress(q.rebar, actor=world.worker, percent=100)  # no checkpoint run
    with refused("隐蔽工程“底板钢筋绑扎”还没有验收检验"):
        _accept(q.rebar, world.pm)


def test_it_refuses_while_the_inspection_is_open(world, q):
    inspection = finish(q.rebar, world.worker)
    with refused(f"检验 {inspection.code}（钢筋隐蔽验收 · 底板钢筋绑扎）尚未完成。"):
        _accept(q.rebar, world.pm)


def test_it_refuses_a_failed_inspection_and_its_open_ncr(world, q):
    failed = fill(finish(q.rebar, world.worker), world.qc, fail="受力钢筋间距")
    ncr = NonConformance.objects.get()
    with refused(f"检验 {failed.code}（钢筋隐蔽验收 · 底板钢筋绑扎）不合格，返工后须复检合格。",
                 f"不合格项 {ncr.code} 尚未关闭。"):
        _accept(q.rebar, world.pm)


def test_it_refuses_while_the_ncr_is_open_after_the_reinspection_passed(world, q):
    failed = fill(finish(q.rebar, world.worker), world.qc, fail="受力钢筋间距")
    with acting(Channel.TEST):
        fill(services.reinspect(failed, actor=world.qc), world.qc)
    ncr = NonConformance.objects.get()
    with refused(f"不合格项 {ncr.code} 尚未关闭。"):
        _accept(q.rebar, world.pm)


def test_it_refuses_photos_taken_before_the_work(world, q):
    long_ago = datetime(2025, 1, 10, 9, 0)
    fill(finish(q.rebar, world.worker), world.qc, taken_at=long_ago, offset="+08:00")
    today = timezone.localdate()
    with refused("隐蔽工程“底板钢筋绑扎”缺少影像资料：“钢筋绑扎影像资料”需要至少 3 张在施工期间"
                 f"（{today} 至 {today + timedelta(days=1)}）于工地拍摄的照片，符合要求的有 0 张",
                 "拍摄于 2025-01-10 09:00，不在施工期间"):
        _accept(q.rebar, world.pm)


def test_it_refuses_photos_taken_outside_the_geofence(world, q):
    far = (31.3304, 121.4737)  # about 11 km north of world.site
    fill(finish(q.rebar, world.worker), world.qc, gps=far)
    with refused("符合要求的有 0 张", "米，在电子围栏外"):
        _accept(q.rebar, world.pm)


def test_it_accepts_concealed_work_with_photos_taken_on_site_during_the_work(world, q):
    at_site = (float(world.site.latitude), float(world.site.longitude))
    fill(finish(q.rebar, world.worker), world.qc, gps=at_site)
    accepted = _accept(q.rebar, world.pm)
    assert accepted.accepted_by == world.pm and TaskAcceptance.objects.count() == 1
    with refused("已于", "由 李项目 验收"):
        _accept(q.rebar, world.qc)


def test_it_lets_only_the_projects_people_accept(world, q):
    fill(finish(q.rebar, world.worker), world.qc)
    for who in (world.worker, world.other_pm, world.buyer, world.auditor):
        with refused(error=PermissionDenied):
            _accept(q.rebar, who)
    assert _accept(q.rebar, world.qc).accepted_by == world.qc
