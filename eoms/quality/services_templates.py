"""Keeping inspection templates: create and update one with its items (added, changed,
removed and reordered in one save), copy one under a new code, delete one no inspection
used (else refused with the count: deactivate it instead).

Management and QC inspectors keep templates (policies); each service checks the
permission and every rule before writing, writes in one transaction under a named
business event, and a refusal names the field (`items.<index>.<field>` for an item) and
writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from eoms.core.access import ADD, CHANGE, DELETE, require
from eoms.core.context import business_event
from eoms.masterdata.services import StaleVersion, last_change_by
from eoms.quality.choices import StandardKind
from eoms.quality.models import Inspection, InspectionTemplate, TemplateItem
from eoms.quality.template_items import check_items, clean_row, removed_ids

TEMPLATE_FIELDS = ("code", "name", "standard_kind", "standard_ref", "description", "active")
LIMITS = {"code": 40, "name": 100, "standard_ref": 200}
Rows = Sequence[Mapping[str, Any]]


def _template_errors(values: Mapping[str, Any], pk: int | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    code, name = values["code"], values["name"]
    if not code:
        errors["code"] = [_("请填写模板编码。")]
    elif InspectionTemplate.objects.filter(code__iexact=code).exclude(pk=pk).exists():
        errors["code"] = [_("编码“%(c)s”已被其他检验模板使用，请换一个。") % {"c": code}]
    if not name:
        errors["name"] = [_("请填写模板名称。")]
    if values["standard_kind"] not in StandardKind.values:
        errors["standard_kind"] = [_("依据类别无效，请从列表中选择。")]
    for field, limit in LIMITS.items():
        if len(values[field]) > limit:
            errors.setdefault(field, []).append(
                _("内容过长（最多 %(m)s 个字符）。") % {"m": limit})
    return errors


def _values(data: Mapping[str, Any], current: InspectionTemplate | None) -> dict[str, Any]:
    values = {field: data.get(field, getattr(current, field, None))
              for field in TEMPLATE_FIELDS}
    for field in ("code", "name", "standard_ref", "description"):
        values[field] = str(values[field] or "").strip()
    values["standard_kind"] = values["standard_kind"] or ""
    values["active"] = True if values["active"] is None else bool(values["active"])
    return values


def _check(values: Mapping[str, Any], rows: Rows | None, template: InspectionTemplate | None
           ) -> dict[int, TemplateItem]:
    """Every refusal at once (template fields and items); the template's items by id."""
    existing = ({item.pk: item for item in template.items.all()}
                if template is not None else {})
    errors = _template_errors(values, template.pk if template else None)
    if rows is not None:
        errors.update(check_items(rows, existing))
    if errors:
        raise ValidationError({k: [ValidationError(m) for m in v] for k, v in errors.items()})
    return existing


def _write_items(template: InspectionTemplate, rows: Rows,
                 existing: Mapping[int, TemplateItem]) -> None:
    TemplateItem.objects.filter(pk__in=removed_ids(rows, existing)).delete()
    for position, row in enumerate(rows, start=1):
        values = clean_row(row) | {"position": position}
        item = existing.get(row["id"]) if row.get("id") is not None else None
        if item is None:
            TemplateItem.objects.create(template=template, **values)
            continue
        changed = any(getattr(item, k) != v for k, v in values.items())
        if changed:
            for field, value in values.items():
                setattr(item, field, value)
            item.version += 1
            item.save()


@transaction.atomic
def create_template(*, actor: Any, data: Mapping[str, Any],
                    items: Rows = ()) -> InspectionTemplate:
    require(actor, ADD, InspectionTemplate)
    values = _values(data, None)
    _check(values, items, None)
    template = InspectionTemplate(**values, created_by=actor if getattr(actor, "pk", None)
                                  else None)
    with business_event("quality.template_created", actor=actor):
        template.save()
        _write_items(template, items, {})
    return template


def _locked(template: InspectionTemplate, actor: Any, action: str,
            expected_version: int | None) -> InspectionTemplate:
    locked = InspectionTemplate.objects.select_for_update().get(pk=template.pk)
    require(actor, action, locked)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(_("该检验模板已被 %(who)s 修改（当前版本 %(v)s），请刷新后重新编辑。")
                           % {"who": last_change_by(locked), "v": locked.version},
                           code="stale")
    return locked


@transaction.atomic
def update_template(template: InspectionTemplate, *, actor: Any, data: Mapping[str, Any],
                    items: Rows | None = None,
                    expected_version: int | None = None) -> InspectionTemplate:
    """Change the template's fields; with `items`, the list becomes its items in this
    order (rows with an `id` update that item, rows without add one, items left out are
    removed)."""
    locked = _locked(template, actor, CHANGE, expected_version)
    values = _values(data, locked)
    existing = _check(values, items, locked)
    for field, value in values.items():
        setattr(locked, field, value)
    locked.version += 1
    with business_event("quality.template_updated", actor=actor):
        locked.save()
        if items is not None:
            _write_items(locked, items, existing)
    return locked


@transaction.atomic
def copy_template(template: InspectionTemplate, *, actor: Any, code: str,
                  name: str = "") -> InspectionTemplate:
    """A new template with the same standard and items under a new code, so a company
    starts from a seeded one (the copy is active; the original is untouched)."""
    require(actor, ADD, InspectionTemplate)
    data = {field: getattr(template, field) for field in TEMPLATE_FIELDS}
    data |= {"code": code, "name": (name or "").strip() or template.name, "active": True}
    values = _values(data, None)
    _check(values, None, None)
    copy = InspectionTemplate(**values, created_by=actor if getattr(actor, "pk", None)
                              else None)
    with business_event("quality.template_copied", actor=actor):
        copy.save()
        for item in template.items.all():
            TemplateItem.objects.create(
                template=copy, position=item.position, kind=item.kind, label=item.label,
                guidance=item.guidance, required=item.required, unit=item.unit,
                nominal=item.nominal, tolerance_minus=item.tolerance_minus,
                tolerance_plus=item.tolerance_plus, min_photos=item.min_photos)
    return copy


@transaction.atomic
def delete_template(template: InspectionTemplate, *, actor: Any) -> None:
    """Only a template no inspection used and no checkpoint names; else refused with the
    counts (deactivate it instead: it stops being offered, the history keeps it)."""
    locked = _locked(template, actor, DELETE, None)
    used = Inspection.objects.filter(template=locked).count()
    if used:
        raise ValidationError(
            _("检验模板“%(t)s”已用于 %(n)s 次检验，不能删除；请改为停用。")
            % {"t": locked.name, "n": used}, code="in_use")
    named = locked.checkpoints.count()
    if named:
        raise ValidationError(
            _("检验模板“%(t)s”被 %(n)s 个检验点引用，不能删除；请先修改或停用这些检验点，"
              "或停用该模板。") % {"t": locked.name, "n": named}, code="in_use")
    with business_event("quality.template_deleted", actor=actor):
        locked.delete()
