"""Inspection photos and drawn signatures, through the field-work photo pipeline.

Uploads are checked by content, re-encoded and their EXIF time and position read by
`eoms.fieldwork.photos.prepare_one` before anything is written; files are written inside
the caller's transaction and deleted again if it rolls back
(`eoms.fieldwork.photos.delete_on_rollback`). Signatures are PNG drawings from the phone's
canvas (a data URL or a file), checked the same way and stored as a clean PNG.
"""

from __future__ import annotations

import base64
import binascii
import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eoms.core.stored_files import delete_on_rollback
from eoms.fieldwork import photos as pipeline
from eoms.lib import images
from eoms.quality.models import Inspection, InspectionPhoto, InspectionResult, TemplateItem
from eoms.scheduling.services import field_error

DATA_URL_PREFIX = "data:image/png;base64,"
SIGNATURE_MAX_BYTES = 2 * 1024 * 1024


def prepare(files: Sequence[Any], *, field: str, already: int) -> list[pipeline.PreparedPhoto]:
    """Check every upload for one item before anything is written; the error names the
    item's field and the file."""
    files = [upload for upload in files or () if upload is not None]
    limit = settings.QUALITY_PHOTOS_PER_INSPECTION
    if already + len(files) > limit:
        raise field_error(field, _("每次检验最多 %(limit)s 张照片：已有 %(already)s 张，这次又选了 "
                                   "%(count)s 张。") % {"limit": limit, "already": already,
                                                       "count": len(files)}, "too_many_photos")
    prepared = []
    for number, upload in enumerate(files, start=1):
        try:
            prepared.append(pipeline.prepare_one(upload, number))
        except ValidationError as exc:
            raise field_error(field, " ".join(exc.messages), "bad_photo")
    return prepared


def _lines(inspection: Inspection, item: TemplateItem, actor: Any, at: datetime,
           prepared: pipeline.PreparedPhoto) -> list[str]:
    order = inspection.order
    site = order.site or order.project.sites.order_by("pk").first()
    who = actor.get_full_name() or actor.username
    when = prepared.taken_at or at
    lines = [timezone.localtime(when).strftime("%Y-%m-%d %H:%M"),
             _("检验：%(code)s %(item)s") % {"code": inspection.code, "item": item.label},
             _("项目：%(project)s（%(code)s）") % {"project": order.project.name,
                                                "code": order.project.code},
             _("拍摄：%(who)s") % {"who": who}]
    if site is not None:
        lines.insert(1, _("工地：%(site)s") % {"site": site.name})
    return lines


def _watermarked(prepared: pipeline.PreparedPhoto, lines: list[str]) -> bytes:
    side = pipeline.WATERMARKED_MAX_SIDE
    picture = images.decode_own_jpeg(prepared.clean_jpeg, side)
    marked = images.watermark(picture, lines, font_path=pipeline.font_path(), max_side=side)
    return images.encode_jpeg(marked)


def save(prepared: Sequence[pipeline.PreparedPhoto], *, inspection: Inspection,
         item: TemplateItem, actor: Any, at: datetime) -> list[InspectionPhoto]:
    """Write the prepared photos of one item (inside the caller's transaction)."""
    if not prepared:
        return []
    written: list[str] = []
    stored = []
    with transaction.atomic():
        delete_on_rollback(written)
        for one in prepared:
            photo = InspectionPhoto(
                inspection=inspection, item=item, taken_by=actor, width=one.width,
                height=one.height, size_bytes=one.size_bytes, sha256=one.sha256,
                source_format=one.source_format, taken_at=one.taken_at,
                gps_latitude=one.latitude, gps_longitude=one.longitude, created_by=actor)
            photo.original.save("original.jpg", ContentFile(one.clean_jpeg), save=False)
            written.append(photo.original.name)
            marked = _watermarked(one, _lines(inspection, item, actor, at, one))
            photo.image.save("image.jpg", ContentFile(marked), save=False)
            written.append(photo.image.name)
            photo.save()
            stored.append(photo)
    return stored


# --- signatures --------------------------------------------------------------------------------

def signature_png(value: Any, *, field: str) -> bytes:
    """A drawn signature (data URL from the canvas, bytes, or an upload) as a clean PNG."""
    if isinstance(value, str):
        if not value.startswith(DATA_URL_PREFIX):
            raise field_error(field, _("签名应为手写签名图片（PNG）。"), "bad_signature")
        try:
            data = base64.b64decode(value[len(DATA_URL_PREFIX):], validate=True)
        except (binascii.Error, ValueError):
            raise field_error(field, _("签名图片数据已损坏，请重新签名。"), "bad_signature")
    elif isinstance(value, bytes | bytearray):
        data = bytes(value)
    else:
        data = value.read(SIGNATURE_MAX_BYTES + 1)
    if len(data) > SIGNATURE_MAX_BYTES:
        raise field_error(field, _("签名图片太大（上限 2 MB）。"), "bad_signature")
    try:
        loaded = images.load(data, max_bytes=SIGNATURE_MAX_BYTES,
                             max_pixels=settings.PHOTO_MAX_PIXELS)
    except images.ImageRejected:
        raise field_error(field, _("签名应为手写签名图片（PNG），这个文件无法识别。"),
                          "bad_signature")
    if loaded.source_format != "png":
        raise field_error(field, _("签名应为 PNG 图片。"), "bad_signature")
    out = io.BytesIO()
    loaded.image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def save_signature(result: InspectionResult, png: bytes, written: list[str]) -> None:
    result.signature.save("signature.png", ContentFile(png), save=False)
    written.append(result.signature.name)
