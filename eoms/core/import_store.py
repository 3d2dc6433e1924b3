"""An uploaded import file kept between its preview and its confirmation, and the job that
checks or imports it.

Files live in the default storage under ``imports/<user id>/<random token>``: the token is
unguessable and the user id comes from the session, so nobody else reaches another user's
upload. Beside the .xlsx sit small JSON files: the upload's facts (``meta``), the dry-run
report (``preview``) and the import's report (``result``). The .xlsx is deleted once it is
imported (or cancelled); a user's leftovers older than a day go at his next upload.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from eoms.core.import_spec import ImportReport
from eoms.core.imports import Importer, Progress
from eoms.core.jobs import JobHandle, tracked_task

ROOT = "imports"
STALE_AFTER = dt.timedelta(days=1)
SYNC_ROWS = 500  # files with more rows are checked and imported as background jobs
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


def importer_class(path: str) -> type[Importer]:
    cls = import_string(path)
    if not (isinstance(cls, type) and issubclass(cls, Importer)):
        raise TypeError(f"{path} is not an Importer")
    return cls


def dotted(cls: type[Importer]) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


class StoredImport:
    def __init__(self, user_id: int, token: str) -> None:
        if not _TOKEN.match(token or ""):
            raise LookupError(token)
        self.user_id, self.token = int(user_id), token
        self.base = f"{ROOT}/{self.user_id}/{token}"

    @classmethod
    def create(cls, user: Any, data: bytes, *, kind: str, filename: str,
               rows: int) -> StoredImport:
        cls.sweep(user.pk)
        stored = cls(user.pk, secrets.token_urlsafe(32))
        _put(stored.file_name, data)
        stored.save_meta({"kind": kind, "filename": filename[:200], "rows": rows,
                          "created": timezone.now().isoformat()})
        return stored

    @classmethod
    def sweep(cls, user_id: int) -> None:
        """Remove this user's uploads and reports older than STALE_AFTER."""
        folder = f"{ROOT}/{int(user_id)}"
        try:
            names = default_storage.listdir(folder)[1]
        except (FileNotFoundError, NotImplementedError):
            return
        cutoff = timezone.now() - STALE_AFTER
        for name in names:
            path = f"{folder}/{name}"
            try:
                if default_storage.get_modified_time(path) < cutoff:
                    default_storage.delete(path)
            except (OSError, NotImplementedError):
                continue

    @property
    def file_name(self) -> str:
        return f"{self.base}.xlsx"

    def _json_name(self, part: str) -> str:
        return f"{self.base}.{part}.json"

    def _load(self, part: str) -> dict[str, Any] | None:
        name = self._json_name(part)
        if not default_storage.exists(name):
            return None
        with default_storage.open(name, "rb") as fh:
            return json.loads(fh.read().decode())

    def meta(self) -> dict[str, Any] | None:
        return self._load("meta")

    def save_meta(self, meta: dict[str, Any]) -> None:
        _put(self._json_name("meta"), json.dumps(meta, ensure_ascii=False).encode())

    def report(self, part: str) -> ImportReport | None:
        data = self._load(part)
        return None if data is None else ImportReport.from_dict(data)

    def save_report(self, part: str, report: ImportReport) -> None:
        _put(self._json_name(part), json.dumps(report.to_dict(), ensure_ascii=False).encode())

    def read_file(self) -> bytes | None:
        if not default_storage.exists(self.file_name):
            return None
        with default_storage.open(self.file_name, "rb") as fh:
            return fh.read()

    def delete_file(self) -> None:
        default_storage.delete(self.file_name)

    def delete_all(self) -> None:
        self.delete_file()
        default_storage.delete(self._claim_name)
        for part in ("meta", "preview", "result"):
            default_storage.delete(self._json_name(part))

    @property
    def _claim_name(self) -> str:
        return f"{self.base}.confirmed"

    def claim(self) -> bool:
        """Mark the upload as confirmed; False if it was already (a second click, a retry).

        The storage creates a file exclusively and picks another name when one exists.
        """
        saved = default_storage.save(self._claim_name, ContentFile(b"1"))
        if saved != self._claim_name:
            default_storage.delete(saved)
            return False
        return True

    def process(self, cls: type[Importer], actor: Any, *, dry_run: bool,
                progress: Progress | None = None) -> ImportReport:
        """Check (dry run) or import the stored file; keep the report; drop an imported file."""
        data = self.read_file()
        if data is None:
            report = ImportReport(dry_run=dry_run, file_error=_(
                "上传的文件已不存在（可能已导入、已取消或已过期），请重新上传。"))
        else:
            report = cls(actor).run(data, dry_run=dry_run, progress=progress)
        self.save_report("preview" if dry_run else "result", report)
        if report.written:
            self.delete_file()
        return report


def _put(name: str, content: bytes) -> None:
    """Write a file under exactly this name (the storage would otherwise pick a new one)."""
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:  # pragma: no cover - a storage that renames on its own
        default_storage.delete(saved)
        raise OSError(f"storage saved {name!r} as {saved!r}")


@tracked_task(retries=0)
def process_stored_import(job: JobHandle, *, importer: str, user_id: int, token: str,
                          dry_run: bool, url: str = "") -> dict[str, Any]:
    """Background check or import of a stored upload, for the user who started the job."""
    cls = importer_class(importer)
    user = job.job.created_by
    if user is None or user.pk != user_id:
        raise PermissionError("an import job runs only for the user who uploaded the file")
    with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
        report = StoredImport(user_id, token).process(cls, user, dry_run=dry_run,
                                                      progress=job.progress)
        return {"message": report.summary(), "url": url, "ok": report.ok,
                "creates": report.creates, "updates": report.updates,
                "errors": report.error_count, "written": report.written}
