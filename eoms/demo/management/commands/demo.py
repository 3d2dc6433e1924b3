"""`eoms demo`: load the demo company (idempotent: a second run changes nothing)."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from eoms.accounts.demo_hint import DEMO_PASSWORD
from eoms.demo import data, loader


def _pad(text: str, width: int) -> str:
    """Left-align for a terminal, where a Chinese character takes two columns."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - shown)


def _describe(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return "; ".join(exc.messages)


class Command(BaseCommand):
    help = ("Load the demo company: users for every role, customers, suppliers, materials, "
            "projects with sites, crews, cost codes. Running it again adds nothing.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--if-empty", action="store_true",
                            help="load only into a database that has no users yet "
                                 "(what `eoms run` does on first start)")

    def handle(self, *args: Any, **opts: Any) -> None:
        from eoms.accounts.models import User

        if opts["if_empty"] and User.objects.exists():
            self._print_logins_hint()
            return
        try:
            demo = loader.run()
        except ValidationError as exc:
            raise CommandError(f"the demo could not be loaded, nothing was written: "
                               f"{_describe(exc)}")
        totals = loader.counts()
        self.stdout.write("demo data (new / already there):")
        for label in demo.labels:
            self.stdout.write(f"  {label:<24} {demo.created[label]:>4} new"
                              f" {demo.existing[label]:>4} existing")
        self.stdout.write(f"database now holds {totals['projects']} projects, "
                          f"{totals['customers']} customers, {totals['materials']} materials, "
                          f"{totals['users']} users")
        self.stdout.write(self.style.SUCCESS(f"demo logins (password: {DEMO_PASSWORD}):"))
        for username, name, role, _phone, title in data.USERS:
            user = demo.users[username]
            self.stdout.write(f"  {username:<14} {_pad(name, 7)} {role:<16} {title}"
                              + ("" if user.is_active else "  (inactive)"))

    def _print_logins_hint(self) -> None:
        from eoms.accounts.demo_hint import demo_logins

        hint = demo_logins()
        if hint:
            self.stdout.write(f"demo logins (password: {hint['demo_password']}):")
            for username, label in hint["demo_logins"]:
                self.stdout.write(f"  {username:<16} {label}")
