"""Shared by the quality tests: the state a refusal must leave unchanged, and answers that
pass (or fail) a seeded template's items."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from eoms.audit.models import AuditEntry
from eoms.core.context import Channel, acting
from eoms.quality import services
from eoms.quality.choices import ItemKind
from eoms.quality.models import (
    Inspection,
    InspectionPhoto,
    InspectionResult,
    NonConformance,
    TaskAcceptance,
)
from eoms.scheduling.models import Task
from eoms.testing.photo_samples import jpeg_upload


def state() -> tuple[Any, ...]:
    return (AuditEntry.objects.count(), Inspection.objects.count(),
            InspectionResult.objects.count(), InspectionPhoto.objects.count(),
            NonConformance.objects.count(), TaskAcceptance.objects.count(), Task.objects.count(),
            list(Inspection.objects.order_by("pk").values_list("pk", "version", "status")),
            list(Task.objects.order_by("pk").values_list("pk", "version", "status")))


@contextlib.contextmanager
def refused(*fragments: str, field: str | None = None, error: type = ValidationError):
    """The block raises `error` whose messages contain every fragment, writing nothing."""
    before = state()
    with pytest.raises(error) as caught:
        yield caught
    text = " ".join(caught.value.messages) if hasattr(caught.value, "messages") else ""
    for fragment in fragments:
        assert fragment in text, text
    if field is not None:
        errors = getattr(caught.value, "message_dict", {})
        assert field in errors, errors
    assert state() == before, "a refused input wrote something"


def signature_png() -> str:
    import base64
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (200, 80), (255, 255, 255, 0))
    ImageDraw.Draw(image).line((10, 60, 80, 10, 150, 70), fill=(0, 0, 0, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def good_answers(inspection: Inspection, *, fail: str | tuple[str, ...] = (),
                 photos_each: int | None = None, **photo_kwargs: Any) -> tuple[dict, dict]:
    """Answers that pass every item (nominal values, 合格, texts, a signature), the item
    labelled `fail` (one label or several) failed instead; enough photos for every photo
    item."""
    failing = {fail} if isinstance(fail, str) else set(fail)
    values: dict[str, Any] = {}
    photos: dict[str, list[Any]] = {}
    for item in inspection.template.items.all():
        key = f"item_{item.pk}"
        if item.kind == ItemKind.PASS_FAIL:
            values[key] = "fail" if item.label in failing else "pass"
        elif item.kind == ItemKind.MEASUREMENT:
            bad = item.nominal + (item.tolerance_plus or 0) + 1
            values[key] = str(bad if item.label in failing else item.nominal)
        elif item.kind == ItemKind.TEXT:
            values[key] = "符合要求"
        elif item.kind == ItemKind.SIGNATURE:
            values[key] = signature_png()
        elif item.kind == ItemKind.PHOTO:
            count = photos_each if photos_each is not None else max(item.min_photos, 1)
            photos[key] = [jpeg_upload(f"{item.label}{n}.jpg", **photo_kwargs)
                           for n in range(count)]
    return values, photos


def fill(inspection: Inspection, actor: Any, *, complete: bool = True, **kwargs: Any
         ) -> Inspection:
    values, photos = good_answers(inspection, **kwargs)
    with acting(Channel.TEST):
        saved = services.record_results(inspection, actor=actor, values=values, photos=photos)
        return services.complete_inspection(saved, actor=actor) if complete else saved
