"""Every refusal of a template or item names the field and writes nothing (no template,
no item, no audit entry)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from eoms.audit.models import AuditEntry
from eoms.core.context import Channel, acting
from eoms.quality import services_templates as templates
from eoms.quality.models import InspectionTemplate, TemplateItem

BASE = {"code": "QT-NEW", "name": "新模板", "standard_kind": "company",
        "standard_ref": "Q/EOMS 001", "description": ""}


def _measure(**extra):
    return {"kind": "measurement", "label": "截面尺寸", "unit": "mm",
            "nominal": Decimal("300"), "tolerance_minus": Decimal("5"),
            "tolerance_plus": Decimal("8")} | extra


def _refused(world, *, data=BASE, items=()):
    counts = (InspectionTemplate.objects.count(), TemplateItem.objects.count(),
              AuditEntry.objects.count())
    with acting(Channel.TEST), pytest.raises(ValidationError) as caught:
        templates.create_template(actor=world.qc, data=data, items=items)
    assert counts == (InspectionTemplate.objects.count(), TemplateItem.objects.count(),
                      AuditEntry.objects.count())
    return caught.value.message_dict


@pytest.mark.parametrize(("items", "field", "words"), [
    ([_measure(unit="")], "items.0.unit", "单位"),
    ([_measure(nominal=None)], "items.0.nominal", "设计值"),
    ([_measure(tolerance_minus=Decimal("-1"))], "items.0.tolerance_minus", "负数"),
    ([_measure(tolerance_plus=Decimal("-0.5"))], "items.0.tolerance_plus", "负数"),
    ([{"kind": "photo", "label": "影像", "min_photos": 0}], "items.0.min_photos", "至少为 1"),
    ([{"kind": "pass_fail", "label": "外观", "nominal": Decimal("1")}], "items.0.nominal",
     "不填写单位"),
    ([{"kind": "text", "label": "意见", "unit": "mm"}], "items.0.unit", "不填写单位"),
    ([{"kind": "signature", "label": "签字", "tolerance_plus": Decimal("1")}],
     "items.0.tolerance_plus", "不填写单位"),
    ([{"kind": "signature", "label": "签字", "min_photos": 2}], "items.0.min_photos",
     "不是影像资料"),
    ([{"kind": "pass_fail", "label": ""}], "items.0.label", "检验项目名称"),
    ([{"kind": "dance", "label": "跳舞"}], "items.0.kind", "类型无效"),
    ([{"kind": "text", "label": "好"}, _measure(unit="")], "items.1.unit", "第 2 项"),
])
def test_it_refuses_an_item_that_breaks_its_kinds_rules(world, items, field, words):
    errors = _refused(world, items=items)
    assert list(errors) == [field] and words in errors[field][0]


@pytest.mark.parametrize(("data", "field", "words"), [
    (BASE | {"code": " "}, "code", "编码"),
    (BASE | {"code": "qt-gj"}, "code", "已被其他检验模板使用"),
    (BASE | {"name": ""}, "name", "名称"),
    (BASE | {"standard_kind": "din"}, "standard_kind", "依据类别"),
    (BASE | {"code": "Q" * 41}, "code", "最多 40"),
])
def test_it_refuses_a_template_with_a_bad_field(world, data, field, words):
    errors = _refused(world, data=data)
    assert field in errors and words in errors[field][0]


def test_it_saves_a_valid_template_with_its_items_in_order(world):
    with acting(Channel.TEST):
        made = templates.create_template(actor=world.qc, data=BASE, items=[
            {"kind": "photo", "label": "影像", "min_photos": 2}, _measure()])
    assert [(i.position, i.kind) for i in made.items.all()] == [(1, "photo"),
                                                                (2, "measurement")]
    assert AuditEntry.objects.filter(event="quality.template_created").exists()
