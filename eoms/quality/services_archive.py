"""The quality archive (质量档案): an order's quality report, written once.

`archive_report` lays out the volume into a temporary file (never whole in memory),
stores it under a new random name, reads it back to check the SHA-256 and records the
row inside the business event "quality_archive.created", so the audit entry of the
creation carries the hash. A correction is `archive_report` again: a new version, a new
file; the earlier ones are never touched. `open_verified` hands out a file only while
its bytes still hash to what was recorded; otherwise it refuses, logs and alerts
management.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from typing import IO, Any, BinaryIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eoms.accounts.models import User
from eoms.core import notifications
from eoms.core.access import ADD, MANAGER, can
from eoms.core.context import business_event
from eoms.core.stored_files import delete_on_rollback
from eoms.orders.models import Order
from eoms.quality.models import QualityArchive, archive_path
from eoms.quality.policies_archive import RELEASED
from eoms.quality.report_pdf import write_volume

log = logging.getLogger(__name__)
CHUNK = 1024 * 1024
MAX_REASON = 300
SPOOL_BYTES = 8 * 1024 * 1024

notifications.register_kind("quality_archive.tampered", gettext_lazy("质量档案校验失败"))


class ArchiveTampered(Exception):
    """The stored file no longer hashes to the SHA-256 recorded when it was archived."""


def sha256_of(stream: IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _checked_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(
            _("请填写生成新版本的原因（例如更正了哪条记录）。"), code="required")})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": ValidationError(
            _("生成原因不能超过 %(n)s 个字符。") % {"n": MAX_REASON}, code="max_length")})
    return reason


def _check_order(order: Order) -> None:
    if order.status not in RELEASED:
        raise ValidationError({"order": ValidationError(
            _("订单 %(c)s 尚未交付（当前状态：%(s)s），交付后才能生成质量档案。") % {
                "c": order.code, "s": order.get_status_display()}, code="not_delivered")})


def _store(order: Order, pdf: BinaryIO, *, version: int, pages: int, reason: str,
           actor: Any) -> QualityArchive:
    """Save the file and its row in one transaction (the file goes if the row does not)."""
    pdf.seek(0)
    sha256, size = sha256_of(pdf)
    pdf.seek(0)
    with transaction.atomic():
        Order.objects.select_for_update().filter(pk=order.pk).first()
        latest = QualityArchive.objects.filter(order=order).aggregate(n=Max("version"))["n"]
        if (latest or 0) + 1 != version:
            raise RuntimeError(f"archive v{version} of order {order.code} was made meanwhile")
        written: list[str] = []
        delete_on_rollback(written)
        name = default_storage.save(archive_path(None, "report.pdf"), File(pdf))
        written.append(name)
        with default_storage.open(name, "rb") as stored:
            if sha256_of(stored) != (sha256, size):
                raise RuntimeError(f"storage did not keep {name} as written")
        archive = QualityArchive(order=order, version=version, sha256=sha256, size_bytes=size,
                                 page_count=pages, reason=reason, created_by=actor)
        archive.file.name = name
        with business_event("quality_archive.created", actor=actor, reason=reason):
            archive.save()
    return archive


def archive_report(order: Order, *, actor: Any, reason: str) -> QualityArchive:
    """Archive the order's quality report as its next version. `actor` None: the job
    that runs when the order is delivered."""
    reason = _checked_reason(reason)
    if actor is not None and not can(actor, ADD, QualityArchive(order=order)):
        raise PermissionDenied(ADD)
    order = Order.objects.select_related("project", "customer", "site").get(pk=order.pk)
    _check_order(order)
    latest = QualityArchive.objects.filter(order=order).aggregate(n=Max("version"))["n"]
    version = (latest or 0) + 1
    made_by = (actor.get_full_name() or actor.username) if actor is not None else _("系统")
    with tempfile.TemporaryFile() as pdf:
        pages = write_volume(order, pdf, version=version, reason=reason, made_by=made_by)
        return _store(order, pdf, version=version, pages=pages, reason=reason, actor=actor)


def delete_archive(archive: QualityArchive, *, actor: Any) -> None:
    """Always refused: an archived report is kept for its whole retention period."""
    raise ValidationError(_("质量档案 %(a)s 已归档，不能删除；如需更正请生成新版本。") % {
        "a": archive})


def _alert(archive: QualityArchive, found: str) -> None:
    log.critical("quality archive %s (%s): stored file %s hashes to %s, recorded %s",
                 archive.pk, archive, archive.file.name, found, archive.sha256)
    people = list(User.objects.with_role(MANAGER)) + list(User.objects.filter(
        is_superuser=True, is_active=True))
    notifications.notify(
        people, kind="quality_archive.tampered",
        title=_("质量档案 %(a)s 校验失败，已拒绝下载") % {"a": archive},
        body=_("存储中的文件哈希与归档时记录的 SHA-256 不一致，文件可能被篡改或损坏。"),
        url=reverse("quality:archive_list", args=[archive.order_id]))


def open_verified(archive: QualityArchive) -> IO[bytes]:
    """The archived file, read once through a hash check into a spooled temporary file
    (what is served is exactly what was checked). ArchiveTampered when it no longer
    matches; FileNotFoundError when it is gone."""
    copy = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (caller closes)
    digest = hashlib.sha256()
    with default_storage.open(archive.file.name, "rb") as stored:
        while chunk := stored.read(CHUNK):
            digest.update(chunk)
            copy.write(chunk)
    if digest.hexdigest() != archive.sha256:
        copy.close()
        _alert(archive, digest.hexdigest())
        message = _("质量档案 %(a)s 的文件校验失败（SHA-256 与归档记录不一致），已拒绝下载并通知管理人员。")  # noqa: E501
        raise ArchiveTampered(message % {"a": archive})
    copy.seek(0)
    return copy  # type: ignore[return-value]
