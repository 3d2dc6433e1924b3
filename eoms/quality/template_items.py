"""The rules of a template's items by kind, checked before anything is written.

A measurement needs its unit and design value, and its tolerances are not negative; a
photo item asks for at least one photo; pass/fail, text and signature items carry no
numbers. An item that recorded results, photos or non-conformances already point to keeps
its kind and cannot be removed (it may be renamed, or made optional).

Errors are keyed `items.<index>.<field>` (index in the list the caller gave), so a form
puts each on its row's field and the API names it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from eoms.quality.choices import ItemKind
from eoms.quality.models import InspectionPhoto, InspectionResult, NonConformance, TemplateItem

ITEM_FIELDS = ("kind", "label", "guidance", "required", "unit", "nominal", "tolerance_minus",
               "tolerance_plus", "min_photos")
NUMBERS = ("unit", "nominal", "tolerance_minus", "tolerance_plus")
MAX_LENGTHS = {"label": 120, "guidance": 300, "unit": 20}
Errors = dict[str, list[str]]


def item_key(index: int, field: str) -> str:
    return f"items.{index}.{field}"


def used_item_ids(item_ids: Iterable[int]) -> set[int]:
    """Items that recorded answers, photos or non-conformances point to."""
    ids = list(item_ids)
    used = set(InspectionResult.objects.filter(item__in=ids).values_list("item", flat=True))
    used |= set(InspectionPhoto.objects.filter(item__in=ids).values_list("item", flat=True))
    used |= set(NonConformance.objects.filter(item__in=ids).values_list("item", flat=True))
    return used


def _has_number(row: Mapping[str, Any], field: str) -> bool:
    value = row.get(field)
    return value not in (None, "")


def _kind_errors(row: Mapping[str, Any], n: int) -> dict[str, str]:
    kind = row.get("kind")
    found: dict[str, str] = {}
    if kind == ItemKind.MEASUREMENT:
        if not str(row.get("unit") or "").strip():
            found["unit"] = _("第 %(n)s 项是实测实量，请填写单位。") % {"n": n}
        if row.get("nominal") is None:
            found["nominal"] = _("第 %(n)s 项是实测实量，请填写设计值。") % {"n": n}
        for field in ("tolerance_minus", "tolerance_plus"):
            value = row.get(field)
            if value is not None and Decimal(value) < 0:
                found[field] = _("第 %(n)s 项的允许偏差不能为负数（负偏差也填正数）。") % {"n": n}
    else:
        for field in NUMBERS:
            if _has_number(row, field):
                found[field] = _("第 %(n)s 项是“%(k)s”，不填写单位、设计值和允许偏差。") % {
                    "n": n, "k": ItemKind(str(kind)).label}
    if kind == ItemKind.PHOTO and int(row.get("min_photos") or 0) < 1:
        found["min_photos"] = _("第 %(n)s 项是影像资料，最少照片数至少为 1。") % {"n": n}
    if kind != ItemKind.PHOTO and int(row.get("min_photos") or 0) != 0:
        found["min_photos"] = _("第 %(n)s 项不是影像资料，最少照片数应为 0。") % {"n": n}
    return found


def _row_errors(row: Mapping[str, Any], n: int) -> dict[str, str]:
    if row.get("kind") not in ItemKind.values:
        return {"kind": _("第 %(n)s 项的类型无效，请从列表中选择。") % {"n": n}}
    found = {}
    if not str(row.get("label") or "").strip():
        found["label"] = _("第 %(n)s 项请填写检验项目名称。") % {"n": n}
    for field, limit in MAX_LENGTHS.items():
        if len(str(row.get(field) or "")) > limit:
            found[field] = _("第 %(n)s 项的内容过长（最多 %(m)s 个字符）。") % {"n": n, "m": limit}
    return found | _kind_errors(row, n)


def check_items(rows: Sequence[Mapping[str, Any]],
                existing: Mapping[int, TemplateItem]) -> Errors:
    """Every refusal of the rows (`existing`: the template's items by id)."""
    errors: Errors = {}
    seen: set[int] = set()
    used = used_item_ids(existing)
    for index, row in enumerate(rows):
        n = index + 1
        found = _row_errors(row, n)
        item_id = row.get("id")
        if item_id is not None:
            item = existing.get(item_id)
            if item is None or item_id in seen:
                found["id"] = _("第 %(n)s 项不是本模板的检验项目。") % {"n": n}
            elif item_id in used and row.get("kind") != item.kind:
                found["kind"] = _("第 %(n)s 项“%(l)s”已有检验结果，不能更改类型"
                                  "（可以改名或改为选填）。") % {"n": n, "l": item.label}
            seen.add(item_id)
        for field, message in found.items():
            errors.setdefault(item_key(index, field), []).append(message)
    for item_id in sorted(set(existing) - seen):
        if item_id in used:
            errors.setdefault("items", []).append(
                _("检验项目“%(l)s”已有检验结果，不能删除（可以改为选填）。")
                % {"l": existing[item_id].label})
    return errors


def removed_ids(rows: Sequence[Mapping[str, Any]], existing: Iterable[int]) -> set[int]:
    kept = {row.get("id") for row in rows}
    return {pk for pk in existing if pk not in kept}


def clean_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """The item's values as the model stores them (numbers cleared for kinds without)."""
    values = {field: row.get(field) for field in ITEM_FIELDS if field in row}
    for field in ("label", "guidance", "unit"):
        values[field] = str(values.get(field) or "").strip()
    values["required"] = bool(row.get("required", True))
    values["min_photos"] = int(row.get("min_photos") or 0)
    return values
