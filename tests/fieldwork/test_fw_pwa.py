"""The field pages as an installable app: manifest, service worker, offline page — public,
the same for everyone, carrying no user data; and the page scripts take every text from
the page (translated), none from the .js files."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.test import Client
from PIL import Image

from eoms.fieldwork.views_checkin import page_strings
from eoms.fieldwork.views_pwa import SHELL_ASSETS

STATIC = Path(finders.find("fieldwork/field.js")).parent
SCRIPTS = ("field.js", "field-capture.js", "outbox.js")


def test_it_serves_an_installable_manifest_to_anyone():
    answer = Client().get("/field/manifest.webmanifest")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/manifest+json"
    manifest = json.loads(answer.content)
    assert manifest["name"] == "现场 EOMS"
    assert manifest["start_url"] == manifest["scope"] == "/field/"
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon
        with Image.open(path) as image:
            assert image.format == "PNG" and f"{image.width}x{image.height}" == icon["sizes"]


def test_it_serves_the_service_worker_for_the_field_scope(world, login):
    anonymous = Client().get("/field/sw.js")
    assert anonymous.status_code == 200
    assert anonymous["Content-Type"].startswith("application/javascript")
    assert anonymous["Service-Worker-Allowed"] == "/field/"
    assert "no-cache" in anonymous["Cache-Control"]
    script = anonymous.content.decode()
    for asset in SHELL_ASSETS:
        assert finders.find(asset), asset
        assert f'"/static/{asset}"' in script
    assert 'importScripts("/static/fieldwork/outbox.js")' in script
    assert '"/field/offline/"' in script
    # The same script for everyone: nothing of the signed-in user in it.
    assert login(world.worker).get("/field/sw.js").content == anonymous.content


def test_it_caches_no_answer_of_the_api_and_no_page_but_today():
    script = Client().get("/field/sw.js").content.decode()
    assert 'url.pathname.indexOf("/api/") === 0' in script
    assert "cache.put(SCOPE, copy)" in script  # the today page, under its own address only
    assert script.count("cache.put(") == 2  # that page and the static files


def test_it_serves_an_offline_page_without_user_data(world, login):
    anonymous = Client().get("/field/offline/")
    assert anonymous.status_code == 200
    html = anonymous.content.decode()
    assert "没有网络" in html and 'href="/field/"' in html
    assert "csrfmiddlewaretoken" not in html
    signed_in = login(world.worker).get("/field/offline/").content.decode()
    assert world.worker.username not in signed_in and "孙施工" not in signed_in
    assert "csrfmiddlewaretoken" not in signed_in


def _literals(source: str) -> list[str]:
    code = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    code = re.sub(r"^\s*//.*$", "", code, flags=re.M)
    return re.findall(r'"((?:[^"\\\n]|\\.)*)"', code)


def test_it_keeps_every_text_out_of_the_scripts():
    for name in SCRIPTS:
        texts = _literals((STATIC / name).read_text())
        assert texts, name
        shown = [t for t in texts if re.search(r"[\u4e00-\u9fff]", t)
                 or re.fullmatch(r"[A-Z][a-z]+(?: [a-z]+)+[.!]?", t)]
        assert not shown, f"{name} holds texts: {shown}"


def test_it_gives_the_scripts_every_text_they_ask_for(settings):
    settings.LANGUAGE_CODE = "zh-hans"
    strings = page_strings()
    source = "".join((STATIC / name).read_text() for name in SCRIPTS)
    asked = set(re.findall(r"\bT\.(\w+)", source))
    states = {"pending", "uploading", "synced", "failed", "auth"}  # T[state] in field.js
    assert asked | states <= set(strings), sorted((asked | states) - set(strings))
    assert "{distance}" in strings["outside"] and "{count}" in strings["photos"]
