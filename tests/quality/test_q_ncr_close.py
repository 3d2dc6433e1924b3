"""An NCR closes only after a re-inspection of its inspection passed; a re-inspection is
the next round of a failed inspection, once."""

import pytest

from eoms.core.context import Channel, acting
from eoms.quality import services, services_ncr
from eoms.quality.choices import InspectionStatus, NcrStatus
from eoms.quality.models import NonConformance
from eoms.testing.quality_checks import fill, refused
from eoms.testing.quality_world import build_quality, finish


@pytest.fixture
def failed(world):
    q = build_quality(world)
    return fill(finish(q.rebar, world.worker), world.qc, fail="受力钢筋排距")


def _close(ncr, actor):
    with acting(Channel.TEST):
        return services_ncr.close_ncr(ncr, actor=actor, note="已返工")


def test_it_refuses_to_close_before_any_reinspection(world, failed):
    ncr = NonConformance.objects.get()
    with refused(f"不合格项 {ncr.code} 须在复检合格后才能关闭：还没有安排复检"):
        _close(ncr, world.qc)


def test_it_refuses_to_close_while_the_reinspection_is_open_or_failed(world, failed):
    ncr = NonConformance.objects.get()
    with acting(Channel.TEST):
        again = services.reinspect(failed, actor=world.qc)
    assert again.round == 2 and again.repeats == failed and again.inspector == world.qc
    with refused(f"复检 {again.code} 尚未完成"):
        _close(ncr, world.qc)
    fill(again, world.qc, fail="受力钢筋排距")
    with refused(f"复检 {again.code} 为“不合格”"):
        _close(ncr, world.qc)


def test_it_closes_after_the_reinspection_passed(world, failed):
    ncr = NonConformance.objects.get()
    with acting(Channel.TEST):
        again = services.reinspect(failed, actor=world.pm)
    fill(again, world.qc)
    closed = _close(ncr, world.qc)
    assert closed.status == NcrStatus.CLOSED and closed.closing_inspection == again
    assert closed.closed_by == world.qc and closed.closing_note == "已返工"


def test_it_reinspects_only_a_failed_inspection_and_only_once(world, failed):
    with acting(Channel.TEST):
        services.reinspect(failed, actor=world.qc)
    with refused("已安排复检"), acting(Channel.TEST):
        services.reinspect(failed, actor=world.qc)
    passed = fill(finish(build_quality(world).rebar, world.worker), world.qc)
    assert passed.status == InspectionStatus.PASSED
    with refused("只有不合格的检验才能复检"), acting(Channel.TEST):
        services.reinspect(passed, actor=world.qc)


def test_it_refuses_the_close_to_those_who_may_not(world, failed):
    from django.core.exceptions import PermissionDenied

    ncr = NonConformance.objects.get()
    for who in (world.worker, world.pm, world.other_pm, world.client):
        with refused(error=PermissionDenied):
            _close(ncr, who)
