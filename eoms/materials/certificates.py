"""Certificate (合格证) and test report (检测报告) files: a PDF or a photo, recognised by
content (never by name), size-limited, stored under a random name through Django's
default storage and served only by a view that checks access.

A photo goes through eoms.lib.images (signature, polyglot checks, pixel limit, full
decode) and is stored re-encoded as a clean JPEG, so nothing of the upload but its pixels
is kept. A PDF must start with `%PDF-`, end with `%%EOF`, and carry no active content
(JavaScript, launch actions, embedded files) that a reader would run.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from eoms.lib import images

PDF_TYPE, JPEG_TYPE = "application/pdf", "image/jpeg"
PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA)\b")
PDF_TAIL = 2048


class FileRefused(Exception):
    """Why a file is refused, as a localized sentence without the file's label."""


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str
    extension: str


def _human(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def _read(upload: Any, limit: int) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise FileRefused(_("文件太大（%(size)s），上限为 %(limit)s。")
                          % {"size": _human(size), "limit": _human(limit)})
    try:
        upload.seek(0)
        data = upload.read(limit + 1)
    except (AttributeError, OSError, ValueError):
        raise FileRefused(_("文件无法读取，请重新选择。"))
    if not data:
        raise FileRefused(_("文件是空的。"))
    if len(data) > limit:
        raise FileRefused(_("文件太大，上限为 %(limit)s。") % {"limit": _human(limit)})
    return bytes(data)


def _pdf(data: bytes) -> CheckedFile:
    if b"%%EOF" not in data[-PDF_TAIL:]:
        raise FileRefused(_("PDF 文件不完整（可能没有传完），请重新上传。"))
    if PDF_ACTIVE.search(data):
        raise FileRefused(_("PDF 中含有脚本、自动执行动作或嵌入文件，已拒绝。请重新导出或扫描"
                            "后再上传。"))
    return CheckedFile(data, PDF_TYPE, ".pdf")


IMAGE_REASONS = {
    "too_large": lambda: _("图片太大。"),
    "too_many_pixels": lambda: _("图片像素太多，请缩小后再上传。"),
    "polyglot": lambda: _("图片中夹带了网页、脚本或其他文件，已拒绝。"),
    "corrupt": lambda: _("图片已损坏或不完整，请重新拍摄。"),
}


def _image(data: bytes) -> CheckedFile:
    try:
        loaded = images.load(data, max_bytes=settings.PHOTO_MAX_BYTES,
                             max_pixels=settings.PHOTO_MAX_PIXELS)
    except images.ImageRejected as error:
        raise FileRefused(IMAGE_REASONS.get(error.code, IMAGE_REASONS["corrupt"])())
    return CheckedFile(images.encode_jpeg(loaded.image), JPEG_TYPE, ".jpg")


def check(upload: Any) -> CheckedFile:
    """The file made safe to keep, or FileRefused saying why."""
    data = _read(upload, settings.UPLOAD_MAX_BYTES)
    if data.startswith(b"%PDF-"):
        return _pdf(data)
    try:
        images.sniff(data[:64])
    except images.ImageRejected:
        raise FileRefused(_("只接受 PDF 或照片（JPEG、PNG、HEIC、WebP），这个文件不是。"))
    return _image(data)


def store(checked: CheckedFile, kind: str) -> str:
    """Write the file under a random name; the storage name."""
    path = f"materials/{kind}/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{checked.extension}"
    return default_storage.save(path, ContentFile(checked.content))
