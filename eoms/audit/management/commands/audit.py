from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from eoms.audit import services
from eoms.core.context import Channel, acting


class Command(BaseCommand):
    help = ("Audit log: `audit verify` checks the hash chain; "
            "`audit purge` removes old entries.")

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="exit 0 when the chain is intact, 1 when broken")
        purge = sub.add_parser("purge", help="delete entries older than the retention")
        purge.add_argument("--days", type=int, default=None,
                           help="retention in days (>= 183; default EOMS_AUDIT_RETENTION_DAYS)")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "verify":
            result = services.verify()
            if not result.ok:
                raise CommandError(
                    f"audit chain BROKEN at entry #{result.first_bad_seq}: {result.problem} "
                    f"({result.checked} entries verified before it)")
            self.stdout.write(self.style.SUCCESS(f"audit chain intact: {result.checked} entries"))
            return
        try:
            with acting(Channel.COMMAND):
                purged = services.purge(days=opts["days"])
        except ValueError as exc:
            raise CommandError(str(exc))
        self.stdout.write(f"purged {purged.deleted} audit entries")
