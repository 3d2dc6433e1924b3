"""Checkpoints start inspections by themselves: a concealed rebar task reported done gets
its 钢筋隐蔽验收, assigned to the project's QC inspector with the fewest open inspections
and notified; an order submitted for inspection gets its 竣工验收."""

from eoms.accounts.models import Role
from eoms.core.context import Channel, acting
from eoms.core.models import Notification
from eoms.orders import services as orders
from eoms.orders.choices import OrderStatus
from eoms.quality.choices import InspectionStatus
from eoms.quality.models import Inspection
from eoms.scheduling import services as scheduling
from eoms.testing.quality_world import build_quality, finish, run_on_commit


def test_it_starts_the_checkpoints_inspection_when_the_task_is_done(world):
    q = build_quality(world)
    inspection = finish(q.rebar, world.worker)
    assert inspection is not None and inspection.template.code == "QT-GJ"
    assert inspection.status == InspectionStatus.OPEN and inspection.order == q.order
    assert inspection.inspector == world.qc and inspection.code.startswith("QI-")
    note = Notification.objects.get(user=world.qc, kind="inspection.assigned")
    assert "钢筋隐蔽验收" in note.title and "底板钢筋绑扎" in note.body
    assert note.url == f"/quality/inspections/{inspection.pk}/"


def test_it_starts_one_inspection_however_often_the_task_is_reported_done(world):
    q = build_quality(world)
    finish(q.rebar, world.worker)
    with acting(Channel.TEST):
        run_on_commit(lambda: scheduling.report_progress(q.rebar, actor=world.worker, percent=50))
    finish(q.rebar, world.worker)
    assert Inspection.objects.filter(task=q.rebar).count() == 1


def test_it_starts_nothing_for_a_task_no_checkpoint_names(world):
    q = build_quality(world)
    assert finish(q.plan.design, world.manager) is None


def test_it_starts_the_concealed_work_inspection_for_concealed_work_of_no_type(world):
    q = build_quality(world)
    with acting(Channel.TEST):
        scheduling.update_task(
            q.plan.design, actor=world.manager, data={"is_concealed": True})
    inspection = finish(q.plan.design, world.manager)
    assert inspection is not None and inspection.template.code == "QT-YB"


def test_it_prefers_the_qc_inspector_with_the_fewest_open_inspections(world):
    from eoms.accounts import services as accounts
    from eoms.masterdata.models import ProjectMember

    with acting(Channel.TEST):
        idle = accounts.create_user(actor=None, check_permission=False, username="qc2",
                                    password="x-Password-2026", roles=[Role.QC_INSPECTOR])
        ProjectMember.objects.create(project=world.project, user=idle)
    q = build_quality(world)
    first = finish(q.rebar, world.worker)
    assert first.inspector == world.qc  # both idle: the first one
    with acting(Channel.TEST):
        scheduling.update_task(
            q.plan.design, actor=world.manager, data={"is_concealed": True})
    assert finish(q.plan.design, world.manager).inspector == idle


def test_it_tells_the_project_manager_when_no_qc_inspector_exists(world):
    from eoms.accounts.models import RoleAssignment

    with acting(Channel.TEST):
        RoleAssignment.objects.filter(role=Role.QC_INSPECTOR).delete()
    q = build_quality(world)
    inspection = finish(q.rebar, world.worker)
    assert inspection.inspector is None
    note = Notification.objects.get(user=world.pm, kind="inspection.unassigned")
    assert inspection.code in note.title


def test_it_starts_the_completion_inspection_when_an_order_goes_to_inspection(world):
    q = build_quality(world)
    with acting(Channel.TEST):
        run_on_commit(lambda: orders.transition(q.order, OrderStatus.IN_PROGRESS,
                                                actor=world.pm))
        run_on_commit(lambda: orders.transition(q.order, OrderStatus.INSPECTION,
                                                actor=world.pm))
    found = Inspection.objects.get(order=q.order, task=None)
    assert found.template.code == "QT-JG" and found.inspector == world.qc
