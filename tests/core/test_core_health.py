"""Health probes and start-up settings checks."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


def test_it_answers_healthz_without_login(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_it_answers_readyz_with_database_and_queue(db):
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "queue": "ok"}
    assert "no-cache" in response["Cache-Control"]


def _django(tmp_path: Path, code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EOMS_")
             and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean.update({"DJANGO_SETTINGS_MODULE": "eoms.settings", "EOMS_DATA_DIR": str(tmp_path),
                  "PYTHONPATH": str(ROOT)}, **env)
    clean.pop("PYTEST_CURRENT_TEST", None)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=120)


SETUP = "import django; django.setup()"


@pytest.mark.parametrize(("name", "value"), [
    ("EOMS_AUDIT_RETENTION_DAYS", "30"),
    ("EOMS_DEBUG", "maybe"),
    ("EOMS_LANGUAGE", "fr"),
    ("EOMS_REDIS_URL", "http://x"),
    ("EOMS_DATABASE_URL", "nonsense://"),
    ("EOMS_TIME_ZONE", "Mars/Olympus"),
    ("EOMS_SESSION_IDLE_MINUTES", "soon"),
    ("EOMS_EMAIL_URL", "pigeon://loft"),
])
def test_it_stops_start_up_naming_the_bad_variable(tmp_path, name, value):
    result = _django(tmp_path, SETUP, **{name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr.strip().splitlines()[-1], result.stderr[-600:]


def test_it_starts_with_good_values(tmp_path):
    result = _django(tmp_path, SETUP + "; from django.conf import settings; "
                     "print(settings.AUDIT_RETENTION_DAYS, settings.LANGUAGE_CODE)",
                     EOMS_AUDIT_RETENTION_DAYS="200", EOMS_LANGUAGE="en", EOMS_DEBUG="off")
    assert result.returncode == 0, result.stderr[-600:]
    assert result.stdout.split() == ["200", "en"]


def test_it_passes_the_deployment_checks_in_production_mode(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("EOMS_")
             and k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
             "EOMS_DEBUG": "0", "EOMS_DATA_DIR": str(tmp_path),
             "EOMS_SECRET_KEY": secrets.token_urlsafe(45)[:60],
             "EOMS_ALLOWED_HOSTS": "eoms.example.com"})
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-1500:]
    assert "WARNING" not in output and "System check identified no issues" in output


def test_it_refuses_a_short_secret_key_in_production(tmp_path):
    result = _django(tmp_path, SETUP, EOMS_DEBUG="0", EOMS_SECRET_KEY="too-short")
    assert result.returncode != 0
    assert "EOMS_SECRET_KEY" in result.stderr.strip().splitlines()[-1]
