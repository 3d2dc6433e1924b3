"""Site photos: checked by content, re-encoded, EXIF read then stripped, watermarked,
stored through Django's storage, thumbnails made by a background job.

`prepare(files)` checks every upload (eoms.lib.images) before anything is written and
keeps, per photo, a clean JPEG re-encoded from the pixels with what EXIF said.
`save(prepared, …)` runs inside the caller's transaction: it writes the clean original
and the watermarked copy under random names, creates the Photo rows and queues the
thumbnails for after the commit.

Files and the database are not one transaction: the written files are deleted when the
transaction rolls back (eoms.core.stored_files.delete_on_rollback). A check-in refused
after its photos were written leaves no file behind.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eoms.core.stored_files import delete_on_rollback
from eoms.fieldwork.choices import PhotoState
from eoms.fieldwork.models import Photo
from eoms.lib import images
from eoms.orders.attachments import human_size

log = logging.getLogger(__name__)

FONT = Path(__file__).resolve().parent.parent / "static" / "fonts" / "wqy-microhei.ttc"
# The delivered (watermarked) copy is sized for screens; the original keeps every pixel.
WATERMARKED_MAX_SIDE = 2560
EARLIEST_PHOTO = datetime(2000, 1, 1)
NAME_SHOWN = 80


@dataclass(frozen=True)
class PreparedPhoto:
    """One checked upload, ready to be stored."""

    name: str
    clean_jpeg: bytes
    width: int
    height: int
    size_bytes: int
    sha256: str
    source_format: str
    taken_at: datetime | None
    latitude: Decimal | None
    longitude: Decimal | None


def font_path() -> str:
    """A TrueType font with Chinese glyphs: settings.PHOTO_WATERMARK_FONT when a deployment
    sets one, else the WenQuanYi Micro Hei shipped in eoms/static/fonts."""
    return str(getattr(settings, "PHOTO_WATERMARK_FONT", "") or FONT)


def _shown_name(upload: Any, number: int) -> str:
    raw = PurePath(str(getattr(upload, "name", "") or "").replace("\\", "/")).name
    clean = re.sub(r"[\x00-\x1f\x7f]", "", raw).strip()
    return clean[-NAME_SHOWN:] or _("第 %(n)s 张照片") % {"n": number}


def _megapixels(pixels: int) -> str:
    """像素 in 万 (ten thousands), the unit phones are sold with in China."""
    return f"{pixels / 10_000:,.0f}"


def rejection_message(error: images.ImageRejected, name: str) -> str:
    """The localized reason for one refused photo, naming it."""
    params = {"name": name, **error.params}
    supported = _("JPEG、PNG、HEIC、WebP")
    messages = {
        "empty": lambda: _("照片“%(name)s”是空文件。") % params,
        "too_large": lambda: _("照片“%(name)s”太大（%(size)s），每张上限为 %(limit)s。") % {
            "name": name, "size": human_size(error.params.get("size", 0)),
            "limit": human_size(error.params.get("limit", 0))},
        "markup": lambda: _("“%(name)s”不是照片，而是网页、SVG 或 XML 文件（可能含有脚本），"
                            "已拒绝。") % params,
        "unsupported": lambda: _("“%(name)s”是 %(format)s 文件，不支持：只接受 %(formats)s "
                                 "格式的照片。") % {**params, "formats": supported},
        "not_image": lambda: _("“%(name)s”不是照片：只接受 %(formats)s 格式的照片。")
        % {**params, "formats": supported},
        "polyglot": lambda: _("照片“%(name)s”中夹带了网页、脚本或其他文件，可能是伪装的恶意"
                              "文件，已拒绝。") % params,
        "too_many_pixels": lambda: _("照片“%(name)s”的像素太多（%(pixels)s 万像素），上限为 "
                                     "%(limit)s 万像素。") % {
            "name": name, "pixels": _megapixels(error.params.get("pixels", 0)),
            "limit": _megapixels(settings.PHOTO_MAX_PIXELS)},
        "corrupt": lambda: _("照片“%(name)s”已损坏或不完整（可能没有传完），请重新拍摄或"
                             "选择。") % params,
    }
    return messages.get(error.code, messages["corrupt"])()


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError({"photos": ValidationError(message, code=code)})


def _read(upload: Any, name: str) -> bytes:
    """The upload's bytes, its size checked before one is read."""
    size = getattr(upload, "size", None)
    try:
        if size is None:
            upload.seek(0, 2)
            size = upload.tell()
        images.check_size(int(size), settings.PHOTO_MAX_BYTES)
        upload.seek(0)
        data = upload.read(settings.PHOTO_MAX_BYTES + 1)
    except images.ImageRejected as error:
        raise _refuse(rejection_message(error, name), error.code)
    except (AttributeError, OSError, ValueError, TypeError):
        raise _refuse(_("照片“%(name)s”无法读取，请重新选择。") % {"name": name}, "unreadable")
    try:
        images.check_size(len(data), settings.PHOTO_MAX_BYTES)
    except images.ImageRejected as error:
        raise _refuse(rejection_message(error, name), error.code)
    return bytes(data)


def _when(taken_at: datetime | None) -> datetime | None:
    """The camera's clock, if it is believable (not before 2000, not in the future)."""
    if taken_at is None:
        return None
    if timezone.is_naive(taken_at):
        if taken_at < EARLIEST_PHOTO:
            return None
        taken_at = timezone.make_aware(taken_at)
    if taken_at > timezone.now() + timedelta(days=1):
        return None
    return taken_at


def _coordinate(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.000001"))


def prepare_one(upload: Any, number: int = 1) -> PreparedPhoto:
    name = _shown_name(upload, number)
    data = _read(upload, name)
    try:
        loaded = images.load(data, max_bytes=settings.PHOTO_MAX_BYTES,
                             max_pixels=settings.PHOTO_MAX_PIXELS)
    except images.ImageRejected as error:
        raise _refuse(rejection_message(error, name), error.code)
    return PreparedPhoto(
        name=name, clean_jpeg=images.encode_jpeg(loaded.image), width=loaded.width,
        height=loaded.height, size_bytes=loaded.size_bytes, sha256=loaded.sha256,
        source_format=loaded.source_format, taken_at=_when(loaded.taken_at),
        latitude=_coordinate(loaded.latitude), longitude=_coordinate(loaded.longitude))


def prepare(files: Sequence[Any], already: int = 0) -> list[PreparedPhoto]:
    """Check and decode every upload before anything is written; ValidationError
    ({"photos": why, naming the file}) for the first bad one."""
    files = [upload for upload in files or () if upload is not None]
    limit = settings.PHOTOS_PER_CHECKIN
    if already + len(files) > limit:
        if already:
            message = _("每次签到最多 %(limit)s 张照片：已有 %(already)s 张，这次又选了 "
                        "%(count)s 张。") % {"limit": limit, "already": already,
                                            "count": len(files)}
        else:
            message = _("每次签到最多 %(limit)s 张照片，你选了 %(count)s 张。") % {
                "limit": limit, "count": len(files)}
        raise _refuse(message, "too_many_photos")
    return [prepare_one(upload, number) for number, upload in enumerate(files, start=1)]


# --- storing ---------------------------------------------------------------------------


def watermark_lines(*, site: Any, actor: Any, at: datetime, taken_at: datetime | None,
                    latitude: Any = None, longitude: Any = None) -> list[str]:
    """Time, place, project and photographer, as printed on the delivered photo."""
    moment = timezone.localtime(taken_at or at)
    place = site.name + (f" · {site.address}" if site.address else "")
    project = site.project
    who = actor.get_full_name() or actor.username
    if latitude is not None and longitude is not None:
        who = f"{who}  {float(latitude):.5f}, {float(longitude):.5f}"
    return [moment.strftime("%Y-%m-%d %H:%M"),
            _("工地：%(site)s") % {"site": place},
            _("项目：%(project)s（%(code)s）") % {"project": project.name, "code": project.code},
            _("拍摄：%(who)s") % {"who": who}]


def _watermarked(item: PreparedPhoto, lines: list[str]) -> bytes:
    picture = images.decode_own_jpeg(item.clean_jpeg, WATERMARKED_MAX_SIDE)
    marked = images.watermark(picture, lines, font_path=font_path(),
                              max_side=WATERMARKED_MAX_SIDE)
    return images.encode_jpeg(marked)


def _store(item: PreparedPhoto, *, site: Any, checkin: Any, actor: Any, at: datetime,
           written: list[str]) -> Photo:
    latitude, longitude = item.latitude, item.longitude
    if latitude is None:  # no position in EXIF: where the phone was at check-in
        latitude, longitude = getattr(checkin, "latitude", None), getattr(
            checkin, "longitude", None)
    lines = watermark_lines(site=site, actor=actor, at=at, taken_at=item.taken_at,
                            latitude=latitude, longitude=longitude)
    photo = Photo(checkin=checkin, site=site, taken_by=actor, state=PhotoState.PROCESSING,
                  content_type="image/jpeg", width=item.width, height=item.height,
                  size_bytes=item.size_bytes, sha256=item.sha256,
                  source_format=item.source_format, taken_at=item.taken_at,
                  gps_latitude=item.latitude, gps_longitude=item.longitude,
                  created_by=actor)
    photo.original.save("original.jpg", ContentFile(item.clean_jpeg), save=False)
    written.append(photo.original.name)
    photo.image.save("image.jpg", ContentFile(_watermarked(item, lines)), save=False)
    written.append(photo.image.name)
    photo.save()
    return photo


def save(prepared: Sequence[PreparedPhoto], *, site: Any, checkin: Any, actor: Any,
         at: datetime) -> list[Photo]:
    """Write the prepared photos (inside the caller's transaction)."""
    if not prepared:
        return []
    written: list[str] = []
    with transaction.atomic():
        delete_on_rollback(written)
        stored = [_store(item, site=site, checkin=checkin, actor=actor, at=at,
                         written=written) for item in prepared]
        ids = [photo.pk for photo in stored]
        transaction.on_commit(lambda: _queue_thumbnails(ids))
    return stored


def _queue_thumbnails(ids: list[int]) -> None:
    from eoms.fieldwork.tasks import make_thumbnails  # tasks imports this module

    make_thumbnails(ids)
