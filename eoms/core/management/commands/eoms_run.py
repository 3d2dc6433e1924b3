"""`eoms run`: one command for a working EOMS on this machine (web + background jobs)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, load demo data on first start, and serve web and background jobs."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("EOMS_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("EOMS_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=2, help="web processes")
        parser.add_argument("--no-demo", action="store_true", help="do not load demo data")

    def handle(self, *args: Any, **opts: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("database ready")
        if not opts["no_demo"]:
            call_command("demo", if_empty=True)  # loads the demo company on first start
        call_command("collectstatic", interactive=False, verbosity=0)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "eoms.settings"}
        worker = subprocess.Popen([sys.executable, "-m", "eoms.cli", "worker", "-w", "2"],
                                  env=env)
        web = subprocess.Popen([
            sys.executable, "-m", "gunicorn", "eoms.wsgi:application",
            "--bind", f"{opts['host']}:{opts['port']}", "--workers", str(opts["workers"]),
            "--threads", "4", "--access-logfile", "-", "--graceful-timeout", "5",
        ], env=env)
        self.stdout.write(self.style.SUCCESS(
            f"EOMS is running at http://{opts['host']}:{opts['port']}/  (Ctrl+C stops it)"))

        def stop(*_: Any) -> None:
            for proc in (web, worker):
                if proc.poll() is None:
                    proc.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            web.wait()
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            worker.wait(timeout=10)
