"""`eoms schedule import|cpm|export` — schedules in and out of MS Project and Primavera.

    eoms schedule import FILE [--order CODE] [--project CODE] [--user USERNAME]
        prints the new or updated order's code on stdout (nothing else); the report
        summary goes to stderr
    eoms schedule cpm ORDER_CODE --json
        the computed schedule: a JSON list, one object a task
    eoms schedule export ORDER_CODE --format mspdi -o FILE
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError
from django.db import transaction

from eoms.core.context import Channel, acting
from eoms.core.import_command import ImportExportCommand
from eoms.masterdata.models import Project
from eoms.orders.models import Order
from eoms.scheduling import recompute, services_export
from eoms.scheduling import services_exchange as exchange
from eoms.scheduling.api_common import TASK_PREFETCH, TASK_RELATED, DayLength
from eoms.scheduling.api_results import cpm_rows
from eoms.scheduling.models import Schedule, ScheduleImport, Task

USER_HELP = ("act as this user: his permissions apply and he is recorded as the actor. "
             "Without --user the command acts as the system and skips permission checks")


class Command(ImportExportCommand):
    help = ("Schedules in and out of MS Project XML and Primavera P6 (XER, XML). `import FILE` "
            "reads the file (by content) into a new order, or replaces the tasks of --order, "
            "prints the order's code and, on stderr, how EOMS's dates compare with the "
            "file's; a file that cannot be read writes nothing (exit status 1). `cpm ORDER` "
            "prints the computed schedule (--json: a JSON list). `export ORDER --format "
            "mspdi -o FILE` writes MS Project XML.")

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import an MS Project / Primavera file")
        imp.add_argument("file", help="the .xml or .xer file")
        imp.add_argument("--order", help="code of the order whose schedule the file replaces")
        imp.add_argument("--project", help="project code of the new order (default: the "
                                           "internal project 导入的进度计划)")
        cpm = sub.add_parser("cpm", help="print an order's computed schedule")
        cpm.add_argument("order", help="order code")
        cpm.add_argument("--json", action="store_true", help="a JSON list, one object a task")
        exp = sub.add_parser("export", help="write an order's schedule to a file")
        exp.add_argument("order", help="order code")
        exp.add_argument("--format", choices=["mspdi"], default="mspdi",
                         help="mspdi: MS Project XML")
        exp.add_argument("-o", "--output", required=True, help="the file to write")
        for p in (imp, cpm, exp):
            p.add_argument("--user", help=USER_HELP)

    def handle(self, *args: Any, **opts: Any) -> None:
        actor = self._user(opts["user"]) if opts.get("user") else None
        if opts["action"] == "import":
            self._import_file(actor, Path(opts["file"]), opts)
        elif opts["action"] == "cpm":
            self._cpm(actor, self._order(actor, opts["order"]), as_json=opts["json"])
        else:
            self._export(actor, self._order(actor, opts["order"]), Path(opts["output"]))

    # --- lookups ------------------------------------------------------------------------------
    def _order(self, actor: Any, code: str | None) -> Order:
        qs = Order.objects.for_user(actor) if actor is not None else Order.objects.all()
        order = qs.filter(code=(code or "").strip()).first()
        if order is None:
            raise CommandError(f"no order {code!r}")
        return order

    def _project(self, actor: Any, code: str | None) -> Project | None:
        if not code:
            return None
        qs = Project.objects.for_user(actor) if actor is not None else Project.objects.all()
        project = qs.filter(code=code.strip()).first()
        if project is None:
            raise CommandError(f"no project {code!r}")
        return project

    # --- import -------------------------------------------------------------------------------
    def _import_file(self, actor: Any, path: Path, opts: dict[str, Any]) -> None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}")
        order = self._order(actor, opts["order"]) if opts.get("order") else None
        project = self._project(actor, opts.get("project"))
        try:
            with acting(Channel.COMMAND, user=actor):
                report = exchange.import_schedule(data, path.name, actor=actor, order=order,
                                                  project=project)
        except ValidationError as exc:
            raise CommandError(f"{path}: {' '.join(exc.messages)}")
        except PermissionDenied:
            raise CommandError(f"user {actor.username} may not plan this order")
        self.stdout.write(report.order.code)
        self.stderr.write(self._summary(report))

    def _summary(self, report: ScheduleImport) -> str:
        tasks: dict[str, str] = {}
        for diff in report.differences:
            if tasks.get(diff["external_id"]) != "unexplained":
                tasks[diff["external_id"]] = diff["reason"]
        reasons = Counter(tasks.values())
        unexplained = reasons.pop("unexplained", 0)
        lines = [f"{report.filename} ({report.source_format}) -> {report.order.code}: "
                 f"{report.task_count} tasks, {report.link_count} links; "
                 f"{report.matched} dates as in the file, {len(tasks)} differ "
                 f"({len(tasks) - unexplained} explained, {unexplained} unexplained)"]
        lines += [f"  {reason}: {count}" for reason, count in sorted(reasons.items())]
        lines += [f"  warning {w['code']}: {w['count']}" for w in report.warnings]
        return "\n".join(lines)

    # --- cpm ----------------------------------------------------------------------------------
    def _cpm(self, actor: Any, order: Order, *, as_json: bool) -> None:
        schedule = Schedule.objects.filter(order=order).first()
        if schedule is None:
            raise CommandError(f"order {order.code} has no schedule")
        if schedule.computed_at is None:
            with acting(Channel.COMMAND, user=actor), transaction.atomic():
                recompute.recompute(order)
        rows = self._cpm_rows(actor, order)
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2,
                                         default=date.isoformat))
            return
        for row in rows:
            mark = "*" if row["critical"] else " "
            self.stdout.write(f"{mark} {row['early_start']} {row['early_finish']} "
                              f"TF {row['total_float']:>6} FF {row['free_float']:>6}  "
                              f"{row['external_id'] or '-'}  {row['name']}")

    def _cpm_rows(self, actor: Any, order: Order) -> list[dict[str, Any]]:
        """The API's rows (api_results.cpm_rows) of the tasks the actor sees."""
        tasks = Task.objects.for_user(actor) if actor is not None else Task.objects.all()
        tasks = (tasks.filter(order=order).select_related(*TASK_RELATED)
                 .prefetch_related(*TASK_PREFETCH).order_by("position", "pk"))
        return cpm_rows(list(tasks), DayLength())

    # --- export -------------------------------------------------------------------------------
    def _export(self, actor: Any, order: Order, path: Path) -> None:
        try:
            content = services_export.export_mspdi(order, actor=actor)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages))
        except PermissionDenied:
            raise CommandError(f"user {actor.username} may not export the schedule of "
                               f"{order.code}")
        self._write(path, content)
        self.stdout.write(f"wrote {path}")

