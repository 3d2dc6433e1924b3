"""Embedded SQLite under concurrent writers: services never fail with "database is locked".

pytest-django keeps the test database in one process; this test runs a small program
against a real SQLite file in a temporary EOMS_DATA_DIR, as `eoms run` would, with
several threads writing through the services at once (codes, audit chain, records).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
THREADS, WRITES = 8, 12

PROGRAM = f"""
import json, threading
import django
django.setup()
from django.db import connection
from eoms.accounts import services as accounts
from eoms.audit.chain import verify
from eoms.core.context import Channel, acting
from eoms.masterdata import services
from eoms.masterdata.models import Customer

with acting(Channel.COMMAND):
    boss = accounts.create_user(actor=None, check_permission=False, username="boss",
                                password="梧桐-river-lantern-77", roles=["manager"])
errors, start = [], threading.Barrier({THREADS})

def work(t):
    try:
        start.wait()
        for i in range({WRITES}):
            with acting(Channel.COMMAND, user=boss):
                c = services.create_record(Customer, actor=boss,
                                           data={{"name": f"并发客户 {{t}}-{{i}}"}})
                services.update_record(c, actor=boss, data={{"phone": str(i)}},
                                       expected_version=1)
    except Exception as exc:
        errors.append(f"{{type(exc).__name__}}: {{exc}}")
    finally:
        connection.close()

threads = [threading.Thread(target=work, args=(t,)) for t in range({THREADS})]
for t in threads: t.start()
for t in threads: t.join()
codes = list(Customer.objects.values_list("code", flat=True))
print(json.dumps({{"errors": errors, "count": len(codes), "unique": len(set(codes)),
                  "chain": verify().ok}}, ensure_ascii=False))
"""


def _run(args: list[str], data_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EOMS_")
             and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"EOMS_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "eoms.settings",
                "EOMS_JOBS_IMMEDIATE": "1"})
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def test_it_writes_from_many_threads_without_database_is_locked(tmp_path):
    migrated = _run(["manage.py", "migrate", "--noinput"], tmp_path)
    assert migrated.returncode == 0, migrated.stderr[-1000:]
    result = _run(["-c", PROGRAM], tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["errors"] == []
    assert outcome["count"] == outcome["unique"] == THREADS * WRITES
    assert "locked" not in result.stderr
    assert outcome["chain"] is True  # the audit chain stayed whole under contention
    assert (tmp_path / "eoms.sqlite3").exists()
