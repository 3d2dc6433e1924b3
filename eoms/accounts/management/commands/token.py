from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from eoms.accounts import services
from eoms.accounts.models import ApiToken, User
from eoms.core.context import Channel, acting


class Command(BaseCommand):
    help = "API tokens: `token create USER [--expires DAYS]`, `token revoke PREFIX`."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("username")
        create.add_argument("--expires", type=int, default=None, help="days until it expires")
        create.add_argument("--name", default="cli")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **opts: Any) -> None:
        with acting(Channel.COMMAND):
            if opts["action"] == "create":
                user = User.objects.filter(username=opts["username"]).first()
                if user is None:
                    raise CommandError(f"no user named {opts['username']!r}")
                try:
                    _token, raw = services.create_token(user, actor=None, name=opts["name"],
                                                        expires_days=opts["expires"])
                except ValidationError as exc:
                    raise CommandError("; ".join(exc.messages))
                self.stdout.write(raw)
                return
            tokens = ApiToken.objects.filter(prefix=opts["prefix"], revoked_at__isnull=True)
            if not tokens:
                raise CommandError(f"no active token with prefix {opts['prefix']!r}")
            for token in tokens:
                services.revoke_token(token, actor=None)
            self.stdout.write(f"revoked {len(tokens)} token(s)")
