"""Reading batch codes from a photo on the server, when the phone's browser has no
BarcodeDetector: the picture is checked like a site photo (eoms.lib.images: content,
size, pixels, polyglots), decoded with zxing-cpp, and thrown away (nothing is stored).

Also: recognising an EOMS label (its QR code holds the batch page's URL, or the bare
label code) among decoded texts.
"""

from __future__ import annotations

import re
from typing import Any

import zxingcpp
from django.conf import settings
from django.utils.translation import gettext as _

from eoms.lib import images

LABEL = re.compile(r"(?:/materials/b/)?\b(MB-\d{4}-\d{6})\b/?")
MAX_TEXT = 500


class ScanRefused(Exception):
    """Why a picture gives no code, as a localized sentence."""


REASONS = {
    "empty": lambda: _("图片是空文件。"),
    "too_large": lambda: _("图片太大，请缩小后再试。"),
    "markup": lambda: _("上传的不是图片（网页、SVG 或 XML 文件），已拒绝。"),
    "unsupported": lambda: _("不支持这种文件：请拍照或选择 JPEG、PNG、HEIC、WebP 图片。"),
    "not_image": lambda: _("不支持这种文件：请拍照或选择 JPEG、PNG、HEIC、WebP 图片。"),
    "polyglot": lambda: _("图片中夹带了网页、脚本或其他文件，已拒绝。"),
    "too_many_pixels": lambda: _("图片像素太多，请缩小后再试。"),
    "corrupt": lambda: _("图片已损坏或不完整，请重新拍摄。"),
}


def _read(upload: Any) -> bytes:
    limit = settings.PHOTO_MAX_BYTES
    try:
        images.check_size(int(getattr(upload, "size", 0) or 0), limit)
        upload.seek(0)
        return bytes(upload.read(limit + 1))
    except images.ImageRejected as error:
        raise ScanRefused(REASONS.get(error.code, REASONS["corrupt"])())
    except (AttributeError, OSError, ValueError, TypeError):
        raise ScanRefused(_("图片无法读取，请重新拍摄。"))


def decode(upload: Any) -> list[str]:
    """The texts of every barcode or QR code in the picture (at least one), or
    ScanRefused saying why there is none."""
    if upload is None:
        raise ScanRefused(_("请拍摄或选择一张含条码或二维码的图片。"))
    data = _read(upload)
    try:
        loaded = images.load(data, max_bytes=settings.PHOTO_MAX_BYTES,
                             max_pixels=settings.PHOTO_MAX_PIXELS)
    except images.ImageRejected as error:
        raise ScanRefused(REASONS.get(error.code, REASONS["corrupt"])())
    found = zxingcpp.read_barcodes(loaded.image.convert("L"))
    texts = list(dict.fromkeys(code.text.strip()[:MAX_TEXT] for code in found
                               if code.valid and code.text.strip()))
    if not texts:
        raise ScanRefused(_("图片中没有识别到条码或二维码。请对准条码、保持清晰并避免反光后"
                            "重拍，或直接输入批号。"))
    return texts


def label_code_in(text: str) -> str | None:
    """The label code when the text is an EOMS batch label (its URL or its code)."""
    found = LABEL.search(str(text or "").strip())
    return found.group(1) if found else None
