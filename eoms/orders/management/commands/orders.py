"""`eoms orders import|export|template FILE.xlsx` — orders in and out of Excel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from eoms.core.access import ADD, EXPORT, can
from eoms.core.import_command import ImportExportCommand
from eoms.orders.choices import OrderStatus, OrderType, Priority
from eoms.orders.filtering import filter_orders
from eoms.orders.imports import OrderImporter
from eoms.orders.models import Order

USER_HELP = ("act as this user: his permissions apply and he is recorded as the actor. "
             "Without --user the command acts as the system and skips permission checks")


class Command(ImportExportCommand):
    show_preview_on_dry_run = True
    help = ("Orders in and out of Excel (.xlsx). `import FILE` checks the whole file (one row "
            "per order line, rows grouped into orders by 外部编号) and writes nothing if any "
            "row is rejected (exit status 1, the problems are printed); the orders it creates "
            "are submitted, so the assignment rules route them. `export FILE` writes the "
            "orders with their lines (filters as in the API list); `template FILE` writes an "
            "empty import template with a 说明 sheet.")

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import orders from an .xlsx (all or nothing)")
        exp = sub.add_parser("export", help="export orders with their lines to an .xlsx")
        tpl = sub.add_parser("template", help="write the import template")
        for p in (imp, exp, tpl):
            p.add_argument("file", help="path of the .xlsx file")
            p.add_argument("--user", help=USER_HELP)
        imp.add_argument("--dry-run", action="store_true",
                         help="only check the file and print the orders it would create")
        exp.add_argument("--status", choices=OrderStatus.values)
        exp.add_argument("--type", dest="order_type", choices=OrderType.values)
        exp.add_argument("--priority", choices=Priority.values)
        exp.add_argument("--owner", help="username of the owner")
        exp.add_argument("--customer", help="customer code")
        exp.add_argument("--project", help="project code")
        exp.add_argument("--overdue", action="store_true", help="only overdue orders")
        exp.add_argument("-q", dest="q", help="search code, title, CRM id")

    def handle(self, *args: Any, **opts: Any) -> None:
        actor = self._user(opts["user"]) if opts.get("user") else None
        path = Path(opts["file"])
        if opts["action"] == "import":
            if actor is not None and not can(actor, ADD, Order):
                raise CommandError(f"user {actor.username} may not add orders")
            self._import(OrderImporter(actor), path, dry_run=opts["dry_run"])
        elif opts["action"] == "export":
            self._export(actor, path, opts)
        else:
            self._write(path, OrderImporter(actor).template())
            self.stdout.write(self.style.SUCCESS(f"wrote the template to {path}"))

    def _export(self, actor: Any, path: Path, opts: dict[str, Any]) -> None:
        if actor is not None and not can(actor, EXPORT, Order):
            raise CommandError(f"user {actor.username} may not export orders")
        scoped = (Order.objects.for_user(actor, EXPORT) if actor is not None
                  else Order.objects.all())
        qs = filter_orders(scoped, q=opts["q"], status=opts["status"],
                           order_type=opts["order_type"], priority=opts["priority"],
                           owner=opts["owner"], customer=opts["customer"],
                           project=opts["project"], overdue=True if opts["overdue"] else None)
        count = qs.count()
        self._write(path, OrderImporter(actor).export(qs.order_by("-id")))
        self.stdout.write(self.style.SUCCESS(f"exported {count} orders to {path}"))
