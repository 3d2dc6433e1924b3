"""The interface language is a user's preference: it follows him to his next login."""

from __future__ import annotations

import re

from django.test import Client
from django.utils import translation

from eoms.audit.models import AuditEntry
from eoms.testing.world import PASSWORD


def _html_lang(client: Client) -> str:
    page = client.get("/").content.decode()
    return re.search(r'<html lang="([^"]+)"', page).group(1)


def _fresh_login(username: str) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"username": username,
                                            "password": PASSWORD}).status_code == 302
    return client


def test_it_switches_to_english_and_remembers_it_for_the_next_login(world, login):
    client = login(world.pm)
    assert _html_lang(client) == "zh-hans"
    response = client.post("/accounts/language/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    world.pm.refresh_from_db()
    assert world.pm.language == "en"
    assert AuditEntry.objects.filter(event="user.language_changed", actor=world.pm).exists()
    assert _html_lang(_fresh_login("pm")) == "en"


def test_it_shows_english_text_once_translated(world, login):
    client = login(world.pm)
    client.post("/accounts/language/", {"language": "en", "next": "/"})
    page = _fresh_login("pm").get("/").content.decode()
    with translation.override("en"):
        english = translation.gettext("搜索")
    if english != "搜索":  # the English catalogue is compiled: the page speaks English
        assert english in page
        assert 'placeholder="搜索' not in page
    else:  # not translated yet: the page still declares itself English
        assert '<html lang="en">' in page


def test_it_switches_back_to_chinese(world, login):
    client = login(world.pm)
    client.post("/accounts/language/", {"language": "en", "next": "/"})
    client.post("/accounts/language/", {"language": "zh-hans", "next": "/"})
    world.pm.refresh_from_db()
    assert world.pm.language == "zh-hans"
    assert _html_lang(_fresh_login("pm")) == "zh-hans"


def test_it_refuses_an_unknown_language_and_changes_nothing(world, login):
    client = login(world.pm)
    client.post("/accounts/language/", {"language": "fr", "next": "/"})
    world.pm.refresh_from_db()
    assert world.pm.language == ""
    assert _html_lang(client) == "zh-hans"


def test_it_keeps_another_users_language(world, login):
    login(world.pm).post("/accounts/language/", {"language": "en", "next": "/"})
    assert _html_lang(_fresh_login("qc")) == "zh-hans"


def test_it_ignores_an_offsite_next_url(world, login):
    response = login(world.pm).post("/accounts/language/",
                                    {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"
