"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's
live server.

    @pytest.mark.browser
    @pytest.mark.django_db(transaction=True)
    def test_x(web, world):
        web.login(world.pm)
        web.open("/md/project/")
        assert web.console_errors == []

`chromium` (one browser per test module) and `web` (a fresh context and page per test,
collecting console errors, failed requests and uncaught exceptions) are pytest fixtures.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from eoms.testing.world import PASSWORD

CHROMIUM = os.environ.get("EOMS_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@dataclass
class Web:
    """One browser page on the live server, and what went wrong in it."""

    page: Any
    base_url: str
    console_errors: list[str] = field(default_factory=list)

    def watch(self) -> None:
        def on_console(message: Any) -> None:
            if message.type == "error":
                self.console_errors.append(f"console: {message.text} ({message.location})")

        self.page.on("console", on_console)
        self.page.on("pageerror", lambda exc: self.console_errors.append(f"page: {exc}"))
        self.page.on("requestfailed", self._on_request_failed)

    def _on_request_failed(self, request: Any) -> None:
        # ERR_ABORTED is the browser cancelling a request because the page navigated on
        # (a favicon still loading when a link is followed): not a fault of the page.
        if "ERR_ABORTED" not in str(request.failure):
            self.console_errors.append(f"request failed: {request.url} {request.failure}")

    def open(self, path: str) -> Any:
        response = self.page.goto(self.base_url + path, wait_until="load")
        assert response is not None and response.ok, f"GET {path}: {response and response.status}"
        return response

    def login(self, user: Any, password: str = PASSWORD) -> None:
        """Through the login form, as a person would."""
        self.open("/accounts/login/")
        self.page.fill("input[name=username]", user.username)
        self.page.fill("input[name=password]", password)
        with self.page.expect_navigation(wait_until="load"):
            self.page.click("form button[type=submit]")
        assert self.page.url == self.base_url + "/", f"login as {user} ended at {self.page.url}"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM} (make browser installs it)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the database calls the test
    # makes meanwhile are synchronous and safe. Only while the browser runs: the variable
    # must not leak into later tests (`check --deploy` in a subprocess refuses it).
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


def _web(chromium: Any, live_server: Any, viewport: dict[str, int]) -> Iterator[Web]:
    context = chromium.new_context(viewport=viewport, locale="zh-CN",
                                   timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    web = Web(context.new_page(), live_server.url)
    web.watch()
    try:
        yield web
    finally:
        context.close()


@pytest.fixture
def web(chromium: Any, live_server: Any) -> Iterator[Web]:
    """A desktop-sized page (1280 × 900)."""
    yield from _web(chromium, live_server, DESKTOP)


@pytest.fixture
def phone(chromium: Any, live_server: Any) -> Iterator[Web]:
    """A phone-sized page (390 × 844)."""
    yield from _web(chromium, live_server, PHONE)
