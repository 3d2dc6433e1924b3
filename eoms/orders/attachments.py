"""Files attached to an order: checked by their content (never by their name), size-limited,
stored under a random name through the default storage, served only by a view that checks
access.

Accepted: PDF, PNG, JPEG, Excel (.xlsx), Word (.docx), plain text. Rejected with a message
that says why: HTML and SVG (they may carry scripts), executables, anything else.
"""

from __future__ import annotations

import hashlib
import re
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eoms.core.access import require
from eoms.core.context import business_event
from eoms.core.stored_files import delete_on_rollback
from eoms.orders.models import Order, OrderAttachment
from eoms.orders.policies import COMMENT

HEAD_BYTES = 8192
# Unpacked size allowed per byte of upload limit: real documents compress 5-30x.
MAX_INFLATION = 100
NAME_MAX = 200
MARKUP = re.compile(rb"<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed|meta|"
                    rb"\?xml|a\s|img\s|style|link)\b", re.IGNORECASE)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str


PDF = Kind("application/pdf", ".pdf")
PNG = Kind("image/png", ".png")
JPEG = Kind("image/jpeg", ".jpg")
EXCEL = Kind(XLSX, ".xlsx")
WORD = Kind(DOCX, ".docx")
TEXT = Kind("text/plain; charset=utf-8", ".txt")


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": message}, code="file_type")


def _office_kind(upload: IO[bytes], max_bytes: int) -> Kind:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _refuse(_("文件已损坏：看起来是压缩包，但无法打开。"))
    names = {info.filename for info in infos}
    if sum(info.file_size for info in infos) > MAX_INFLATION * max_bytes:
        raise _refuse(_("文件解压后过大，可能是压缩炸弹，已拒绝。"))
    if "[Content_Types].xml" in names:
        if any(n.startswith("xl/") for n in names):
            return EXCEL
        if any(n.startswith("word/") for n in names):
            return WORD
    raise _refuse(_("不支持压缩包：只接受 Excel（.xlsx）和 Word（.docx）文档。"))


def _text_kind(head: bytes, upload: IO[bytes]) -> Kind:
    if b"\x00" in head:
        raise _refuse(_("不支持的文件类型：只接受 PDF、PNG/JPEG 图片、Excel（.xlsx）、"
                        "Word（.docx）和纯文本文件。"))
    if MARKUP.search(head):
        raise _refuse(_("不允许上传网页（HTML）、SVG 或 XML 文件：它们可能包含脚本。"
                        "请另存为 PDF 后再上传。"))
    upload.seek(0)
    data = upload.read()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
            return TEXT
        except UnicodeDecodeError:
            continue
    raise _refuse(_("无法识别的文件：不是 PDF、图片、Office 文档，也不是可读的文本。"))


def detect(upload: IO[bytes], max_bytes: int) -> Kind:
    """What the file is, by its first bytes; ValidationError({"file": why}) otherwise."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    if not head:
        raise _refuse(_("文件是空的。"))
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(upload, max_bytes)
    if head.startswith((b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")):
        raise _refuse(_("不允许上传可执行程序或脚本。"))
    return _text_kind(head, upload)


def clean_name(name: str, kind: Kind) -> str:
    """The name shown and offered on download: no path, no control characters, and the
    extension of what the file really is."""
    base = PurePath(str(name).replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip() or _("附件")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    ext = base.rsplit(".", 1)[1].lower() if "." in base else ""
    allowed = {".jpg": {"jpg", "jpeg"}, ".txt": {"txt", "csv", "log", "md"}}
    if ext not in allowed.get(kind.extension, {kind.extension[1:]}):
        base = f"{stem or _('附件')}{kind.extension}"
    return base[-NAME_MAX:]


def _sha256(upload: Any) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(
            lambda: upload.read(65536), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def add_attachment(order: Order, *, actor: Any, uploaded_file: Any) -> OrderAttachment:
    """Check, store and record one uploaded file; nothing is stored when it is refused."""
    require(actor, COMMENT, order)
    if uploaded_file is None:
        raise ValidationError({"file": _("请选择要上传的文件。")})
    limit = settings.UPLOAD_MAX_BYTES
    size = uploaded_file.size
    if size > limit:
        raise ValidationError({"file": _("文件太大（%(size)s），上限为 %(limit)s。") % {
            "size": human_size(size), "limit": human_size(limit)}}, code="too_large")
    kind = detect(uploaded_file, limit)
    digest = _sha256(uploaded_file)
    path = f"orders/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{kind.extension}"
    with transaction.atomic():
        stored = default_storage.save(path, uploaded_file)
        delete_on_rollback([stored])  # also when a caller's transaction rolls back later
        with business_event("order.attachment_added", actor=actor):
            return OrderAttachment.objects.create(
                order=order, file=stored, name=clean_name(uploaded_file.name, kind),
                content_type=kind.content_type, size=size, sha256=digest,
                created_by=actor)


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB"):
        if value < 1024 or unit == "MB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} MB"


def open_for_download(attachment: OrderAttachment) -> IO[bytes]:
    """The stored file, opened for reading (the view streams it); FileNotFoundError when
    the storage lost it."""
    return default_storage.open(attachment.file.name, "rb")
