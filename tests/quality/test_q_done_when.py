"""Issue 6, "done when": completing a concealed task without photos is refused with the
reason; with photos and a passed inspection it is accepted and its successors can start;
a failed item produces an NCR and a rework task."""

from eoms.core.context import Channel, acting
from eoms.quality import services, services_accept
from eoms.quality.choices import InspectionStatus
from eoms.quality.models import NonConformance
from eoms.scheduling import services as scheduling
from eoms.scheduling.choices import TaskStatus
from eoms.testing.quality_checks import fill, good_answers, refused
from eoms.testing.quality_world import build_quality, finish


def test_concealed_work_is_held_until_inspected_with_photos_then_released(world):
    q = build_quality(world)
    inspection = finish(q.rebar, world.worker)
    values, _photos = good_answers(inspection)
    with acting(Channel.TEST):
        saved = services.record_results(inspection, actor=world.qc, values=values)
    with refused("“钢筋绑扎影像资料”需要至少 3 张照片，现有 0 张"), acting(Channel.TEST):
        services.complete_inspection(saved, actor=world.qc)
    with refused("尚未完成"), acting(Channel.TEST):
        services_accept.accept_task(q.rebar, actor=world.pm)
    with refused("前置的隐蔽工程“底板钢筋绑扎”尚未验收合格"), acting(Channel.TEST):
        scheduling.report_progress(q.pour, actor=world.worker, percent=10)

    # The first round fails on the concrete cover: an NCR and a rework task.
    failed = fill(saved, world.qc, fail="纵向受力钢筋保护层厚度（板、墙）")
    assert failed.status == InspectionStatus.FAILED
    ncr = NonConformance.objects.get()
    assert ncr.rework_task.name == "返工：底板钢筋绑扎"

    # Rework, re-inspection with photos on site, NCR closed: accepted, successors start.
    with acting(Channel.TEST):
        scheduling.report_progress(ncr.rework_task, actor=world.worker, percent=100)
        again = services.reinspect(failed, actor=world.qc)
    fill(again, world.qc, gps=(float(world.site.latitude), float(world.site.longitude)))
    with acting(Channel.TEST):
        from eoms.quality import services_ncr

        services_ncr.close_ncr(ncr, actor=world.qc)
        accepted = services_accept.accept_task(q.rebar, actor=world.pm)
        started = scheduling.report_progress(q.pour, actor=world.worker, percent=10)
    assert accepted.task == q.rebar and started.status == TaskStatus.IN_PROGRESS
