"""The field pages as an installable app (PWA): manifest, service worker, offline page.

All three are the same for everyone and carry no user data, so they are public: the
browser fetches the manifest without cookies, and a service worker script must never be
answered with a redirect to the login page. The worker caches only the app shell (static
files and the offline page) and the latest copy of the today page; other pages are always
fetched from the network (see templates/fieldwork/sw.js).
"""

from __future__ import annotations

import hashlib
import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

# The app shell: what the today page needs to open without signal.
SHELL_ASSETS = (
    "vendor/tabler/tabler.min.css", "vendor/tabler/tabler.min.js", "vendor/htmx/htmx.min.js",
    "eoms/eoms.css", "eoms/eoms.js", "eoms/favicon.svg",
    "fieldwork/field.css", "fieldwork/field.js", "fieldwork/field-capture.js",
    "fieldwork/outbox.js",
    "fieldwork/icon-192.png",
)
# Raise when sw.js changes in a way its asset URLs do not show (its own logic).
SW_REVISION = 1
THEME_COLOR = "#206bc4"


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    today = reverse("fieldwork:today")
    icons = [{"src": static(f"fieldwork/icon-{size}.png"), "sizes": f"{size}x{size}",
              "type": "image/png", "purpose": purpose}
             for size in (192, 512) for purpose in ("any", "maskable")]
    data = {
        "id": today, "name": _("现场 EOMS"), "short_name": _("现场"),
        "description": _("现场签到、拍照、签退，没有信号也能用。"),
        "lang": get_language(), "start_url": today, "scope": today, "display": "standalone",
        "orientation": "portrait", "background_color": "#f6f8fb", "theme_color": THEME_COLOR,
        "icons": icons,
    }
    return JsonResponse(data, content_type="application/manifest+json",
                        json_dumps_params={"ensure_ascii": False})


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    scope = reverse("fieldwork:today")
    assets = [static(path) for path in SHELL_ASSETS]
    offline_url = reverse("fieldwork:offline")
    fingerprint = json.dumps([SW_REVISION, assets, offline_url, get_language()])
    context = {
        "version": hashlib.sha256(fingerprint.encode()).hexdigest()[:16],
        "assets_json": json.dumps(assets), "scope_json": json.dumps(scope),
        "offline_json": json.dumps(offline_url), "static_json": json.dumps(static("")),
        "outbox_json": json.dumps(static("fieldwork/outbox.js")),
    }
    response = render(request, "fieldwork/sw.js", context,
                      content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = scope
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "fieldwork/offline.html", {"today_url": reverse("fieldwork:today")})
