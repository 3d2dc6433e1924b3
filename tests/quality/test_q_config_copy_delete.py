"""A seeded template is copied under a new code with all its items; a template no
inspection used is deleted, one used is refused with the count (and may be deactivated)."""

import pytest
from django.core.exceptions import ValidationError

from eoms.core.context import Channel, acting
from eoms.quality import services, services_checkpoints, services_templates
from eoms.quality.models import Checkpoint, InspectionTemplate
from eoms.testing.quality_world import build_quality


def test_it_copies_a_template_with_its_items_under_a_new_code(world):
    seeded = InspectionTemplate.objects.get(code="QT-GJ")
    with acting(Channel.TEST):
        copy = services_templates.copy_template(seeded, actor=world.qc, code="QT-GJ-2",
                                                name="钢筋隐蔽验收（本公司）")
    assert (copy.code, copy.name, copy.standard_ref) == (
        "QT-GJ-2", "钢筋隐蔽验收（本公司）", seeded.standard_ref)
    fields = ("position", "kind", "label", "unit", "nominal", "tolerance_plus", "min_photos")
    assert list(copy.items.values_list(*fields)) == list(seeded.items.values_list(*fields))
    assert seeded.items.count() == copy.items.count() > 0


def test_it_refuses_a_copy_under_a_code_in_use(world):
    seeded = InspectionTemplate.objects.get(code="QT-GJ")
    count = InspectionTemplate.objects.count()
    with acting(Channel.TEST), pytest.raises(ValidationError) as caught:
        services_templates.copy_template(seeded, actor=world.qc, code="QT-FS")
    assert "code" in caught.value.message_dict
    assert InspectionTemplate.objects.count() == count


def test_it_deletes_a_template_no_inspection_used(world):
    seeded = InspectionTemplate.objects.get(code="QT-FX")
    with acting(Channel.TEST):
        copy = services_templates.copy_template(seeded, actor=world.qc, code="QT-DEL")
        services_templates.delete_template(copy, actor=world.qc)
    assert not InspectionTemplate.objects.filter(code="QT-DEL").exists()


def test_it_refuses_to_delete_a_used_template_with_the_count_and_deactivates_it(world):
    q = build_quality(world)
    template = InspectionTemplate.objects.get(code="QT-FX")
    with acting(Channel.TEST):
        for _ in range(2):
            services.start_inspection(q.order, template, actor=world.manager)
        with pytest.raises(ValidationError) as caught:
            services_templates.delete_template(template, actor=world.qc)
        assert "已用于 2 次检验" in caught.value.messages[0]
        assert "停用" in caught.value.messages[0]
        services_templates.update_template(template, actor=world.qc, data={"active": False})
    template.refresh_from_db()
    assert template.active is False


def test_it_refuses_to_delete_a_template_a_checkpoint_names(world):
    seeded = InspectionTemplate.objects.get(code="QT-FX")
    with acting(Channel.TEST):
        copy = services_templates.copy_template(seeded, actor=world.qc, code="QT-CP")
        services_checkpoints.create_checkpoint(actor=world.qc, data={
            "name": "新检验点", "template": copy, "trigger": "milestone",
            "milestone": "acceptance_signed"})
        with pytest.raises(ValidationError) as caught:
            services_templates.delete_template(copy, actor=world.qc)
    assert "1 个检验点" in caught.value.messages[0]
    assert Checkpoint.objects.filter(template=copy).exists()
