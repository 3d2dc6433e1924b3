"""A template's items are added, changed, removed and reordered in one save; an item that
recorded results point to keeps its kind and stays (renaming it or making it optional is
allowed)."""

import pytest
from django.core.exceptions import ValidationError

from eoms.audit.models import AuditEntry
from eoms.core.context import Channel, acting
from eoms.quality import services, services_templates
from eoms.quality.models import InspectionTemplate, TemplateItem
from eoms.testing.quality_checks import fill
from eoms.testing.quality_world import build_quality

FIELDS = ("id", "kind", "label", "guidance", "required", "unit", "nominal",
          "tolerance_minus", "tolerance_plus", "min_photos")


def rows(template):
    return [{f: getattr(item, f) for f in FIELDS} for item in template.items.all()]


def _copy(world, code="QT-MY"):
    with acting(Channel.TEST):
        return services_templates.copy_template(
            InspectionTemplate.objects.get(code="QT-FX"), actor=world.manager, code=code)


def _update(world, template, items, **data):
    with acting(Channel.TEST):
        return services_templates.update_template(template, actor=world.qc, data=data,
                                                  items=items)


def _used(world, template):
    q = build_quality(world)
    with acting(Channel.TEST):
        started = services.start_inspection(q.order, template, actor=world.manager)
    fill(started, world.qc)


def test_it_adds_changes_removes_and_reorders_items_in_one_save(world):
    template = _copy(world)
    first, second, *rest = rows(template)
    removed = rest[0]["id"]
    new = {"kind": "text", "label": "补充说明", "required": False}
    _update(world, template, [second | {"label": "改名的项目"}, new, first, *rest[1:]])
    items = list(template.items.all())
    assert [i.label for i in items[:3]] == ["改名的项目", "补充说明", first["label"]]
    assert [i.position for i in items] == list(range(1, len(items) + 1))
    assert not TemplateItem.objects.filter(pk=removed).exists()


def test_it_refuses_to_change_the_kind_of_an_item_with_results(world):
    template = _copy(world)
    _used(world, template)
    items = rows(template)
    index = next(i for i, r in enumerate(items) if r["kind"] == "pass_fail")
    items[index] = items[index] | {"kind": "text"}
    before = (AuditEntry.objects.count(), list(template.items.values_list("kind", flat=True)))
    with pytest.raises(ValidationError) as caught:
        _update(world, template, items)
    assert "不能更改类型" in caught.value.message_dict[f"items.{index}.kind"][0]
    assert before == (AuditEntry.objects.count(),
                      list(template.items.values_list("kind", flat=True)))


def test_it_refuses_to_remove_an_item_with_results(world):
    template = _copy(world)
    _used(world, template)
    items = rows(template)
    with pytest.raises(ValidationError) as caught:
        _update(world, template, items[1:])
    assert "不能删除" in caught.value.message_dict["items"][0]
    assert template.items.count() == len(items)


def test_it_lets_an_item_with_results_be_renamed_and_made_optional(world):
    template = _copy(world)
    _used(world, template)
    items = rows(template)
    items[0] |= {"label": "新名称", "required": False}
    _update(world, template, items)
    item = TemplateItem.objects.get(pk=items[0]["id"])
    assert item.label == "新名称" and item.required is False


def test_it_refuses_an_item_id_of_another_template(world):
    template = _copy(world)
    foreign = InspectionTemplate.objects.get(code="QT-GJ").items.first()
    with pytest.raises(ValidationError) as caught:
        _update(world, template, rows(template) + [{"id": foreign.pk, "kind": foreign.kind,
                                                    "label": "偷来的"}])
    assert any(key.endswith(".id") for key in caught.value.message_dict)
