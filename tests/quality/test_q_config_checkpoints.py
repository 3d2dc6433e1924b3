"""Checkpoints kept by users: each trigger's conditions are checked (a refusal names the
field and writes nothing), a new checkpoint starts inspections through the real trigger,
and a deactivated one starts nothing more."""

import pytest
from django.core.exceptions import ValidationError

from eoms.audit.models import AuditEntry
from eoms.core.context import Channel, acting
from eoms.quality import services_checkpoints as checkpoints
from eoms.quality import services_templates
from eoms.quality.models import Checkpoint, Inspection, InspectionTemplate
from eoms.testing.quality_world import build_quality, finish


def _data(**extra):
    return {"name": "模板分项完工验收", "template": InspectionTemplate.objects.get(code="QT-FX"),
            "trigger": "task_done", "work_type": "formwork"} | extra


@pytest.mark.parametrize(("extra", "field", "words"), [
    ({"work_type": ""}, "work_type", "仅隐蔽工程"),
    ({"trigger": "milestone", "work_type": ""}, "milestone", "请选择里程碑"),
    ({"trigger": "milestone", "milestone": "acceptance_signed"}, "work_type", "请留空"),
    ({"trigger": "order_inspection", "work_type": "", "concealed_only": True},
     "concealed_only", "请留空"),
    ({"trigger": "order_inspection", "work_type": "", "milestone": "custom"}, "milestone",
     "请留空"),
    ({"work_type": "painting"}, "work_type", "无效"),
    ({"trigger": "whenever"}, "trigger", "触发时机"),
    ({"name": ""}, "name", "名称"),
    ({"template": None}, "template", "检验模板"),
])
def test_it_refuses_inconsistent_conditions_writing_nothing(world, extra, field, words):
    before = (Checkpoint.objects.count(), AuditEntry.objects.count())
    with acting(Channel.TEST), pytest.raises(ValidationError) as caught:
        checkpoints.create_checkpoint(actor=world.qc, data=_data(**extra))
    assert words in caught.value.message_dict[field][0]
    assert before == (Checkpoint.objects.count(), AuditEntry.objects.count())


def test_it_refuses_an_inactive_template(world):
    with acting(Channel.TEST):
        template = services_templates.copy_template(
            InspectionTemplate.objects.get(code="QT-FX"), actor=world.qc, code="QT-OFF")
        services_templates.update_template(template, actor=world.qc, data={"active": False})
        with pytest.raises(ValidationError) as caught:
            checkpoints.create_checkpoint(actor=world.qc, data=_data(template=template))
    assert "已停用" in caught.value.message_dict["template"][0]


def test_it_accepts_an_order_inspection_with_or_without_an_order_type(world):
    with acting(Channel.TEST):
        for order_type in ("", "change"):
            made = checkpoints.create_checkpoint(actor=world.manager, data=_data(
                trigger="order_inspection", work_type="", order_type=order_type,
                project=world.project))
            assert made.order_type == order_type and made.project == world.project


def test_a_new_checkpoint_starts_inspections_for_a_matching_task(world):
    q = build_quality(world)
    with acting(Channel.TEST):
        template = services_templates.copy_template(
            InspectionTemplate.objects.get(code="QT-FX"), actor=world.qc, code="QT-RB")
        checkpoints.create_checkpoint(actor=world.qc, data=_data(
            template=template, work_type="rebar", project=world.project))
    finish(q.rebar, world.worker)
    started = set(Inspection.objects.filter(task=q.rebar).values_list(
        "template__code", flat=True))
    assert started == {"QT-GJ", "QT-RB"}


def test_a_deactivated_checkpoint_starts_nothing(world):
    q = build_quality(world)
    with acting(Channel.TEST):
        for seeded in Checkpoint.objects.filter(trigger="task_done"):
            checkpoints.deactivate_checkpoint(seeded, actor=world.qc)
    assert finish(q.rebar, world.worker) is None
    assert not Inspection.objects.filter(task=q.rebar).exists()
