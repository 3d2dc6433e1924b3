"""The iCalendar feed (a secret URL, no login) and the page where a person finds it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from eoms.scheduling import ical, services_feed
from eoms.scheduling.models import FeedToken


@require_safe
def feed_ics(request: HttpRequest, key: str) -> HttpResponse:
    """The feed itself: the key in the URL is the credential (calendar apps cannot log in)."""
    user = services_feed.user_for_feed_key(key)
    if user is None:
        raise Http404
    response = HttpResponse(ical.feed_for(user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="eoms-tasks.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def feed_urls(token: FeedToken | None) -> tuple[str, str]:
    """(https URL, webcal URL) of a feed key, on the site's public address."""
    if token is None:
        return "", ""
    url = str(settings.SITE_URL).rstrip("/") + reverse("scheduling:feed_ics",
                                                       kwargs={"key": token.key})
    return url, "webcal://" + url.split("://", 1)[-1]


@login_required
@require_safe
def feed_settings(request: HttpRequest) -> HttpResponse:
    if not services_feed.may_subscribe(request.user):
        raise PermissionDenied("calendar_feed")
    token = services_feed.feed_token_of(request.user)
    url, webcal = feed_urls(token)
    return render(request, "scheduling/feed_settings.html",
                  {"token": token, "feed_url": url, "webcal_url": webcal})


@login_required
@require_POST
def feed_regenerate(request: HttpRequest) -> HttpResponse:
    had_one = services_feed.feed_token_of(request.user) is not None
    services_feed.regenerate_feed(request.user, actor=request.user)
    if had_one:
        messages.success(request, _("已生成新的订阅地址，旧地址已失效。请在日历应用中换用新地址。"))
    else:
        messages.success(request, _("订阅地址已生成。复制后添加到日历应用即可。"))
    return redirect("scheduling:feed_settings")
