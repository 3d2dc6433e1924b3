"""Login through the real form: session rotation, errors, throttling, timeouts."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from eoms.accounts.middleware import LOGIN_AT, SEEN_AT
from eoms.accounts.models import LoginFailure
from eoms.testing.world import PASSWORD

LOGIN = "/accounts/login/"


def _post(client: Client, username: str, password: str = PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def test_it_rotates_the_session_key_on_login(world):
    client = Client()
    client.post("/accounts/language/", {"language": "zh-hans", "next": "/"})
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=before).exists()
    response = _post(client, "pm")
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert response.status_code == 302
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert Session.objects.get(session_key=after).get_decoded()["_auth_user_id"] == str(
        world.pm.pk)


def test_logout_ends_the_session_and_clears_the_browser_cache(world):
    client = Client()
    _post(client, "worker")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache"'
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/field/").status_code == 302


def test_it_tells_a_wrong_password_and_does_not_log_in(world):
    client = Client()
    response = _post(client, "pm", "not-the-password-2026")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert client.get("/").status_code == 302  # still anonymous
    assert LoginFailure.objects.filter(username="pm").count() == 1


def test_it_clears_the_failures_of_an_account_after_a_good_login(world):
    client = Client()
    _post(client, "pm", "wrong-password-2026")
    assert _post(client, "pm").status_code == 302
    assert not LoginFailure.objects.filter(username="pm").exists()


@pytest.mark.parametrize("limit", [3])
def test_it_answers_429_after_the_failure_limit_of_one_account(world, settings, limit):
    settings.LOGIN_FAILURE_LIMIT = limit
    settings.LOGIN_FAILURE_IP_LIMIT = 100
    client = Client()
    for _ in range(limit):
        assert _post(client, "pm", "wrong-password-2026").status_code == 200
    response = _post(client, "pm")  # even the right password is refused now
    assert response.status_code == 429
    assert "请求过于频繁" in response.content.decode()
    assert client.get("/").status_code == 302
    assert _post(Client(), "qc").status_code == 302  # another account is not affected


def test_it_answers_429_after_the_ip_limit_across_accounts(world, settings):
    settings.LOGIN_FAILURE_LIMIT = 100
    settings.LOGIN_FAILURE_IP_LIMIT = 4
    client = Client(REMOTE_ADDR="203.0.113.7")
    for name in ("pm", "qc", "buyer", "nobody"):
        assert _post(client, name, "wrong-password-2026").status_code == 200
    assert _post(client, "worker").status_code == 429
    assert _post(Client(REMOTE_ADDR="198.51.100.2"), "worker").status_code == 302


def _logged_in(username: str) -> Client:
    client = Client()
    assert _post(client, username).status_code == 302
    return client


def _age_session(client: Client, **ago: float) -> None:
    session = client.session
    now = time.time()
    for key, seconds in ago.items():
        session[key] = now - seconds
    session.save()


def test_it_keeps_a_fresh_session(world):
    client = _logged_in("pm")
    assert client.get("/").status_code == 200


def test_it_logs_out_after_the_idle_timeout(world):
    client = _logged_in("pm")
    _age_session(client, **{SEEN_AT: settings.SESSION_IDLE_SECONDS + 5})
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session


def test_it_says_why_on_the_login_page_after_a_timeout(world):
    client = _logged_in("pm")
    _age_session(client, **{SEEN_AT: settings.SESSION_IDLE_SECONDS + 5})
    response = client.get("/", follow=True)
    assert "会话已超时" in response.content.decode()


def test_it_logs_out_after_the_absolute_timeout_even_when_active(world):
    client = _logged_in("pm")
    _age_session(client, **{LOGIN_AT: settings.SESSION_COOKIE_AGE + 5, SEEN_AT: 1})
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_it_refreshes_the_idle_clock_on_activity(world):
    client = _logged_in("pm")
    _age_session(client, **{SEEN_AT: 120})
    assert client.get("/").status_code == 200
    assert time.time() - client.session[SEEN_AT] < 60
