from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from eoms.accounts import services
from eoms.accounts.models import Role
from eoms.core.context import Channel, acting


class Command(BaseCommand):
    help = "Create a user with roles. The password is asked, or read from --password-file."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", action="append", default=[], choices=Role.values,
                            help="repeat for several roles")
        parser.add_argument("--email", default="")
        parser.add_argument("--name", default="", help="full name, e.g. 张伟")
        parser.add_argument("--password-file", help="file holding the password")
        parser.add_argument("--superuser", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["password_file"]:
            password = Path(opts["password_file"]).read_text().strip()
        else:
            password = getpass.getpass("Password: ")
        name = opts["name"]
        try:
            with acting(Channel.COMMAND):
                user = services.create_user(
                    actor=None, check_permission=False, username=opts["username"],
                    password=password, roles=opts["role"], email=opts["email"],
                    last_name=name[:1], first_name=name[1:])
                if opts["superuser"]:
                    user.is_superuser = user.is_staff = True
                    user.save(update_fields=["is_superuser", "is_staff"])
        except ValidationError as exc:
            raise CommandError("; ".join(
                f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()))
        self.stdout.write(self.style.SUCCESS(f"created user {user.username}"))
