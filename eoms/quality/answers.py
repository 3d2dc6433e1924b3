"""Reading the answers to an inspection's items, and checking an inspection is complete.

An answer by item kind: pass/fail ("pass"/"fail", true/false, 合格/不合格), a measurement
(a decimal in the item's unit; its pass is computed by eoms.quality.evaluation), a text,
or a signature (a PNG drawing). Photos are uploads of a photo item. Every error is keyed
`item_<id>` and names the item.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from eoms.lib.text import plain_decimal
from eoms.quality import evaluation, media
from eoms.quality.choices import ItemKind
from eoms.quality.models import InspectionResult, TemplateItem

PASS_WORDS = frozenset({"pass", "passed", "true", "1", "yes", "on", "合格"})
FAIL_WORDS = frozenset({"fail", "failed", "false", "0", "no", "off", "不合格"})
MAX_TEXT = 5000


@dataclass
class Answer:
    value: Decimal | None = None
    passed: bool | None = None
    text: str = ""
    signature: bytes | None = None


@dataclass
class Checked:
    answers: dict[TemplateItem, Answer] = field(default_factory=dict)
    photos: dict[TemplateItem, list[Any]] = field(default_factory=dict)


def key(item: TemplateItem) -> str:
    return f"item_{item.pk}"


def _item_of(items: Mapping[int, TemplateItem], raw_key: Any) -> TemplateItem | None:
    if isinstance(raw_key, TemplateItem):
        return items.get(raw_key.pk)
    text = str(raw_key).removeprefix("item_").strip()
    return items.get(int(text)) if text.isdigit() else None


def _pass_fail(item: TemplateItem, raw: Any) -> Answer | None:
    if raw is None or raw == "":
        return None
    word = str(raw).strip().lower()
    if raw is True or word in PASS_WORDS:
        return Answer(passed=True)
    if raw is False or word in FAIL_WORDS:
        return Answer(passed=False)
    raise ValueError(_("“%(item)s”请选择“合格”或“不合格”。") % {"item": item.label})


def tolerance_text(item: TemplateItem) -> str:
    if item.nominal is None:
        return ""
    minus, plus = item.tolerance_minus or 0, item.tolerance_plus or 0
    return _("%(nominal)s %(unit)s（−%(minus)s / +%(plus)s）") % {
        "nominal": plain_decimal(item.nominal), "unit": item.unit,
        "minus": plain_decimal(Decimal(minus)), "plus": plain_decimal(Decimal(plus))}


def _measurement(item: TemplateItem, raw: Any) -> Answer | None:
    if raw is None or raw == "":
        return None
    try:
        value = evaluation.parse_value(raw)
    except evaluation.NotANumber:
        raise ValueError(_("“%(item)s”的实测值必须是数字（%(unit)s），最多 3 位小数，"
                           "收到“%(raw)s”。") % {"item": item.label,
                                               "unit": item.unit or _("无单位"),
                                               "raw": str(raw)[:40]})
    if item.nominal is None:
        return Answer(value=value)
    return Answer(value=value, passed=evaluation.passes(
        value, item.nominal, item.tolerance_minus, item.tolerance_plus))


def _text(item: TemplateItem, raw: Any) -> Answer | None:
    text = "" if raw is None else str(raw)
    if len(text) > MAX_TEXT:
        raise ValueError(_("“%(item)s”不能超过 %(n)s 个字符。") % {"item": item.label,
                                                               "n": MAX_TEXT})
    return Answer(text=text.strip())


def _signature(item: TemplateItem, raw: Any) -> Answer | None:
    if raw is None or raw == "":
        return None
    try:
        return Answer(signature=media.signature_png(raw, field=key(item)))
    except ValidationError as exc:
        raise ValueError(_("“%(item)s”：%(why)s") % {"item": item.label,
                                                   "why": " ".join(exc.messages)})


def _photo(item: TemplateItem, raw: Any) -> Answer | None:
    if raw is None or raw == "":
        return None
    raise ValueError(_("“%(item)s”是影像资料项目，请上传照片。") % {"item": item.label})


READERS = {ItemKind.PASS_FAIL: _pass_fail, ItemKind.MEASUREMENT: _measurement,
           ItemKind.TEXT: _text, ItemKind.SIGNATURE: _signature, ItemKind.PHOTO: _photo}


def check_all(items: Mapping[int, TemplateItem], values: Mapping[Any, Any],
              photos: Mapping[Any, Sequence[Any]]) -> Checked:
    """Every answer and photo list read and checked; ValidationError with all errors."""
    checked, errors = Checked(), {}
    for raw_key, raw in values.items():
        item = _item_of(items, raw_key)
        if item is None:
            errors[str(raw_key)] = _("这个检验模板中没有项目“%(k)s”。") % {"k": raw_key}
            continue
        try:
            answer = READERS[ItemKind(item.kind)](item, raw)
        except ValueError as exc:
            errors[key(item)] = str(exc)
            continue
        if answer is not None:
            checked.answers[item] = answer
    for raw_key, uploads in photos.items():
        item = _item_of(items, raw_key)
        files = [u for u in uploads or () if u is not None]
        if not files:
            continue
        if item is None:
            errors[str(raw_key)] = _("这个检验模板中没有项目“%(k)s”。") % {"k": raw_key}
        elif item.kind != ItemKind.PHOTO:
            errors[key(item)] = _("“%(item)s”不是影像资料项目，不能上传照片。") % {
                "item": item.label}
        else:
            checked.photos[item] = files
    if errors:
        raise ValidationError({k: ValidationError(m, code="invalid") for k, m in errors.items()})
    return checked


def apply(result: InspectionResult, answer: Answer) -> None:
    kind = result.item.kind
    if kind in (ItemKind.PASS_FAIL, ItemKind.MEASUREMENT):
        result.passed = answer.passed
    if kind == ItemKind.MEASUREMENT:
        result.value = answer.value
    if kind == ItemKind.TEXT:
        result.text = answer.text


def answered(item: TemplateItem, result: InspectionResult | None) -> bool:
    if result is None:
        return False
    return {ItemKind.PASS_FAIL: result.passed is not None,
            ItemKind.MEASUREMENT: result.value is not None,
            ItemKind.TEXT: bool(result.text.strip()),
            ItemKind.SIGNATURE: bool(result.signature)}.get(ItemKind(item.kind), True)


def photos_needed(item: TemplateItem) -> int:
    return max(item.min_photos, 1 if item.required else 0)


def check_complete(items: Sequence[TemplateItem], results: Mapping[int, InspectionResult],
                   photo_counts: Mapping[int, int]) -> None:
    """ValidationError naming each required item not answered and each photo item short
    of its photos."""
    errors = {}
    for item in items:
        if item.kind == ItemKind.PHOTO:
            have, need = photo_counts.get(item.pk, 0), photos_needed(item)
            if have < need:
                errors[key(item)] = _("“%(item)s”需要至少 %(n)s 张照片，现有 %(have)s 张。") % {
                    "item": item.label, "n": need, "have": have}
        elif item.required and not answered(item, results.get(item.pk)):
            errors[key(item)] = _("“%(item)s”还没有填写。") % {"item": item.label}
    if errors:
        raise ValidationError({k: ValidationError(m, code="incomplete")
                               for k, m in errors.items()})
