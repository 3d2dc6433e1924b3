"""What every `eoms <module> import|export|template FILE.xlsx` command shares: finding the
acting user, writing a file, running an import and printing its problems."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class ImportExportCommand(BaseCommand):
    show_preview_on_dry_run = False

    def _user(self, username: str) -> Any:
        user = get_user_model().objects.filter(username=username).first()
        if user is None or not user.is_active:
            raise CommandError(f"no active user {username!r}")
        return user

    def _write(self, path: Path, content: bytes) -> None:
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc.strerror or exc}")

    def _import(self, importer: Any, path: Path, *, dry_run: bool) -> None:
        """Run the import; print every problem and exit non-zero when a row is rejected."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}")
        report = importer.run(data, dry_run=dry_run)
        for error in report.errors:
            value = f" [{error.value}]" if error.value else ""
            column = error.column or "-"
            self.stdout.write(f"row {error.row_label} · {column}{value}: {error.message}")
        if report.errors_truncated:
            self.stdout.write(f"... {report.error_count - len(report.errors)} more problems")
        if not report.ok:
            raise CommandError(f"{path}: {report.summary()}")
        if dry_run and self.show_preview_on_dry_run:
            for row in report.preview:
                self.stdout.write(f"row {row['row']} · {row['key']}: {row['label']}")
        self.stdout.write(self.style.SUCCESS(report.summary()))
