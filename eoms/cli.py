"""The `eoms` command: `eoms run`, `eoms worker`, `eoms demo`, ... and every Django
management command (`eoms migrate`, `eoms check --deploy`, ...)."""

from __future__ import annotations

import os
import sys

ALIASES = {"run": "eoms_run", "worker": "run_huey"}

USAGE = """usage: eoms COMMAND [options]

  run                     migrate, load demo data on first start, serve web + jobs
  worker                  run background job consumers (Huey)
  migrate                 create or update the database tables
  demo                    load the demo company (idempotent)
  createuser USER         create a user (--role, --email, --password-file)
  token create USER       create an API token (--expires DAYS, --name)
  audit verify            check the audit hash chain (exit 1 when broken)
  audit purge             delete audit entries older than the retention
  orders import FILE.xlsx import orders, one row per line (--dry-run, --user U);
                          exit 1 with the problems when any row is rejected
  orders export FILE.xlsx export orders with their lines (--status, --project, ...)
  schedule import FILE    MS Project XML / Primavera XER or XML (--order CODE,
                          --project CODE, --user U); prints the order's code
  schedule cpm ORDER --json
                          the computed schedule (dates, floats, critical) as JSON
  schedule export ORDER --format mspdi -o FILE
                          the order's schedule as MS Project XML
  schedule_reminders      send today's overdue reminders and milestone warnings

Every Django management command works too: `eoms help` lists them.
"""


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eoms.settings")
    if not args or args[0] in {"-h", "--help"}:
        print(USAGE)
        return
    args[0] = ALIASES.get(args[0], args[0])
    from django.core.management import execute_from_command_line

    execute_from_command_line(["eoms", *args])


if __name__ == "__main__":
    main()
