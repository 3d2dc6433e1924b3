"""Per-user interface language and idle / absolute session timeouts."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

LANGUAGE_SESSION_KEY = "eoms_language"
LOGIN_AT = "eoms_login_at"
SEEN_AT = "eoms_seen_at"


class LanguageMiddleware:
    """Pages speak the language the user chose (session, then cookie), else the site's
    EOMS_LANGUAGE — not the browser's Accept-Language, so a Chinese site stays Chinese on
    an English-language phone. The API honours Accept-Language, as machines set it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        supported = dict(settings.LANGUAGES)
        if request.path.startswith("/api/"):
            language = str(translation.get_language_from_request(request))
        else:
            chosen = (request.session.get(LANGUAGE_SESSION_KEY)
                      or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
            language = str(chosen) if chosen in supported else str(settings.LANGUAGE_CODE)
        # The language is the thread's until the response is made, not after: a worker
        # thread's next job or request must not speak this request's language.
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and LOGIN_AT in request.session:
            now = time.time()
            login_at = request.session.get(LOGIN_AT, now)
            seen_at = request.session.get(SEEN_AT, login_at)
            if now - login_at > settings.SESSION_COOKIE_AGE or \
                    now - seen_at > settings.SESSION_IDLE_SECONDS:
                logout(request)
                messages.info(request, _("会话已超时，请重新登录。"))
            elif now - seen_at > 60:
                request.session[SEEN_AT] = now
        return self.get_response(request)
