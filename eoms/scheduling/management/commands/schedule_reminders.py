"""`eoms schedule_reminders [--date YYYY-MM-DD]`: run the overdue / milestone sweep now.

The worker runs it every morning by itself (eoms.scheduling.tasks); operators use this
after an outage or to check the configuration. Running it twice the same day sends
nothing new.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from eoms.core.context import Channel, acting
from eoms.scheduling import reminders


class Command(BaseCommand):
    help = ("Send today's overdue reminders, escalations and milestone warnings "
            "(each at most once per task and day).")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", dest="day", default=None,
                            help="the day to sweep for, YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **opts: Any) -> None:
        day = None
        if opts["day"]:
            try:
                day = date.fromisoformat(opts["day"])
            except ValueError:
                raise CommandError(f"--date must be YYYY-MM-DD, not {opts['day']!r}")
        with acting(Channel.COMMAND):
            result = reminders.sweep(day)
        self.stdout.write(
            f"{result.day.isoformat()}: {result.overdue} overdue, {result.escalated} escalated, "
            f"{result.milestones} milestone warnings, {result.notifications} notifications")
