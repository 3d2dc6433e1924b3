"""`eoms masterdata import|export|template KIND FILE.xlsx` — master data in and out of Excel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from eoms.core.access import EXPORT, can
from eoms.core.import_command import ImportExportCommand
from eoms.masterdata.imports import IMPORTERS

KINDS = list(IMPORTERS)
USER_HELP = ("act as this user: his permissions apply and he is recorded as the actor. "
             "Without --user the command acts as the system and skips permission checks")


class Command(ImportExportCommand):
    help = ("Master data in and out of Excel (.xlsx). "
            "`import KIND FILE` checks the whole file and writes nothing if any row is rejected "
            "(exit status 1, the problems are printed); `export KIND FILE` writes the records "
            "in the import format; `template KIND FILE` writes an empty template with a 说明 "
            f"sheet. KIND is one of: {', '.join(KINDS)}.")

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import rows from an .xlsx (all or nothing)")
        exp = sub.add_parser("export", help="export records to an .xlsx in the import format")
        tpl = sub.add_parser("template", help="write the import template of KIND")
        for p in (imp, exp, tpl):
            p.add_argument("kind", choices=KINDS)
            p.add_argument("file", help="path of the .xlsx file")
            p.add_argument("--user", help=USER_HELP)
        imp.add_argument("--dry-run", action="store_true",
                         help="only check the file and print what would change")

    def handle(self, *args: Any, **opts: Any) -> None:
        cls = IMPORTERS[opts["kind"]]
        actor = self._user(opts["user"]) if opts.get("user") else None
        path = Path(opts["file"])
        if opts["action"] == "import":
            self._import(cls(actor), path, dry_run=opts["dry_run"])
        elif opts["action"] == "export":
            manager: Any = cls.model._default_manager
            if actor is not None and not can(actor, EXPORT, cls.model):
                raise CommandError(f"user {actor.username} may not export {opts['kind']}")
            qs = manager.for_user(actor, EXPORT) if actor is not None else manager.all()
            count = qs.count()
            self._write(path, cls(actor).export(qs.order_by("code")))
            self.stdout.write(self.style.SUCCESS(f"exported {count} rows to {path}"))
        else:
            self._write(path, cls(actor).template())
            self.stdout.write(self.style.SUCCESS(f"wrote the template to {path}"))
