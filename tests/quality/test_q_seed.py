"""Every installation starts with the standard Chinese templates (with real items and
tolerances) and the default checkpoints (data migration 0002)."""

from decimal import Decimal

from eoms.quality.choices import ItemKind, Trigger
from eoms.quality.models import Checkpoint, InspectionTemplate


def test_it_seeds_the_six_standard_templates_with_real_items(db):
    names = dict(InspectionTemplate.objects.values_list("code", "name"))
    assert names == {"QT-YB": "隐蔽工程验收", "QT-GJ": "钢筋隐蔽验收", "QT-FS": "防水工程验收",
                     "QT-CL": "材料进场验收", "QT-FX": "分项工程验收", "QT-JG": "竣工验收"}
    rebar = InspectionTemplate.objects.get(code="QT-GJ")
    assert "GB 50204" in rebar.standard_ref
    spacing = rebar.items.get(label="受力钢筋间距")
    assert (spacing.kind, spacing.unit, spacing.nominal, spacing.tolerance_minus,
            spacing.tolerance_plus) == (ItemKind.MEASUREMENT, "mm", Decimal("200"),
                                        Decimal("10"), Decimal("10"))
    assert rebar.items.get(kind=ItemKind.PHOTO).min_photos == 3
    assert "GB 50208" in InspectionTemplate.objects.get(code="QT-FS").standard_ref
    assert "GB/T 50328" in InspectionTemplate.objects.get(code="QT-JG").standard_ref


def test_it_seeds_the_default_checkpoints(db):
    found = {(c.template.code, c.trigger, c.work_type, c.concealed_only)
             for c in Checkpoint.objects.select_related("template")}
    assert found == {("QT-YB", Trigger.TASK_DONE, "", True),
                     ("QT-GJ", Trigger.TASK_DONE, "rebar", False),
                     ("QT-FS", Trigger.TASK_DONE, "waterproofing", False),
                     ("QT-JG", Trigger.ORDER_INSPECTION, "", False)}
