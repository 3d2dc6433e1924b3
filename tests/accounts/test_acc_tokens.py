"""API tokens: hashed at rest, bearer auth, revocation, expiry, shown once, CLI."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.utils import timezone

from eoms import cli
from eoms.accounts import services
from eoms.accounts.models import ApiToken
from eoms.audit.models import AuditEntry
from eoms.testing.world import PASSWORD

ME = "/api/v1/accounts/me"


def _bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_it_keeps_only_a_hash_of_the_token(world, ctx):
    token, raw = services.create_token(world.pm, actor=world.pm, name="CRM")
    stored = json.dumps(list(ApiToken.objects.values()), default=str)
    audited = json.dumps(list(AuditEntry.objects.values("changes", "object_repr")),
                         ensure_ascii=False)
    assert raw.startswith("eoms_") and len(raw) > 40
    assert raw not in stored and raw[12:] not in stored
    assert raw not in audited and token.digest not in audited
    assert token.digest != raw and len(token.digest) == 64


def test_it_authenticates_a_bearer_token(world, ctx):
    _token, raw = services.create_token(world.pm, actor=world.pm, name="CRM")
    response = _bearer(raw).get(ME)
    assert response.status_code == 200
    assert response.json()["username"] == "pm"


def test_it_refuses_a_revoked_token(world, ctx):
    token, raw = services.create_token(world.pm, actor=world.pm, name="CRM")
    services.revoke_token(token, actor=world.pm)
    response = _bearer(raw).get(ME)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_it_refuses_an_expired_token(world, ctx):
    token, raw = services.create_token(world.pm, actor=world.pm, name="CRM", expires_days=1)
    assert _bearer(raw).get(ME).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(
        seconds=1))
    assert _bearer(raw).get(ME).status_code == 401


def test_it_refuses_a_made_up_token(world):
    assert _bearer("eoms_" + "x" * 43).get(ME).status_code == 401


def test_it_shows_a_new_token_once_on_the_profile_page(world, login):
    client = login(world.pm)
    response = client.post("/accounts/profile/tokens/", {"name": "考勤机", "expires_days": "30"},
                           follow=True)
    page = response.content.decode()
    shown = re.search(r'id="new-token">\s*(eoms_[A-Za-z0-9_-]+)\s*<', page)
    assert shown, page[:2000]
    raw = shown.group(1)
    assert _bearer(raw).get(ME).json()["username"] == "pm"
    again = client.get("/accounts/profile/").content.decode()
    assert raw not in again
    assert "考勤机" in again  # listed by name and prefix only
    token = ApiToken.objects.get(user=world.pm, name="考勤机")
    assert abs((token.expires_at - timezone.now()) - dt.timedelta(days=30)) < dt.timedelta(
        minutes=1)


def test_it_prints_a_working_token_from_the_command_line(world, capsys, monkeypatch):
    # A command closes the database connections when it ends; the test's transaction
    # lives on that connection, so keep it open.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    cli.main(["token", "create", "pm", "--expires", "30"])
    raw = capsys.readouterr().out.strip()
    assert _bearer(raw).get(ME).json()["username"] == "pm"
    token = ApiToken.objects.get(prefix=raw[:12])
    assert token.expires_at.date() == (timezone.now() + dt.timedelta(days=30)).date()
    entry = AuditEntry.objects.filter(event="token.created").latest("seq")
    assert entry.channel == "command"


def test_it_revokes_a_token_from_the_command_line(world, ctx):
    _token, raw = services.create_token(world.pm, actor=world.pm, name="CRM")
    call_command("token", "revoke", raw[:12])
    assert _bearer(raw).get(ME).status_code == 401


def test_it_logs_in_with_the_password_not_the_token(world, ctx):
    _token, raw = services.create_token(world.pm, actor=world.pm, name="CRM")
    client = Client()
    response = client.post("/accounts/login/", {"username": "pm", "password": raw})
    assert response.status_code == 200
    assert client.post("/accounts/login/", {"username": "pm",
                                            "password": PASSWORD}).status_code == 302


def test_it_lets_only_an_admin_make_a_token_for_someone_else(world, ctx):
    with pytest.raises(PermissionDenied):
        services.create_token(world.pm, actor=world.manager, name="代办")
    token, _raw = services.create_token(world.pm, actor=world.admin, name="代办")
    assert token.user == world.pm
