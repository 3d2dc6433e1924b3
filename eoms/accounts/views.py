"""Login, logout, language, profile and the user's own API tokens."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eoms.accounts import services
from eoms.accounts.demo_hint import demo_logins
from eoms.accounts.forms import LanguageForm, LoginForm, TokenForm
from eoms.accounts.middleware import LANGUAGE_SESSION_KEY, LOGIN_AT, SEEN_AT
from eoms.accounts.models import ApiToken
from eoms.core import context, notifications
from eoms.core.access import ADD, can
from eoms.core.middleware import client_ip


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return default


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST":
        username = request.POST.get("username", "")
        ip = client_ip(request)
        if services.login_throttled(username, ip):
            return render(request, "429.html", status=429)
        if form.is_valid():
            user = form.get_user()
            with context.business_event("user.logged_in", actor=user):
                login(request, user)  # rotates the session key
            services.clear_login_failures(username)
            request.session[LOGIN_AT] = request.session[SEEN_AT] = time.time()
            if user.language:
                request.session[LANGUAGE_SESSION_KEY] = user.language
            return HttpResponseRedirect(_safe_next(request, reverse(settings.LOGIN_REDIRECT_URL)))
        services.record_login_failure(username, ip)
    return render(request, "registration/login.html", {
        "form": form, "next": request.GET.get("next", ""), **demo_logins(),
    })


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    response = redirect(settings.LOGOUT_REDIRECT_URL)
    # A site phone is shared by a crew: the next user must not find this user's pages in
    # the browser's cache (back button). The offline outbox (IndexedDB) is kept.
    response["Clear-Site-Data"] = '"cache"'
    return response


@require_POST
def set_language_view(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST)
    target = _safe_next(request, "/")
    if not form.is_valid():
        messages.error(request, _("不支持的语言。"))
        return redirect(target)
    language = form.cleaned_data["language"]
    request.session[LANGUAGE_SESSION_KEY] = language
    if request.user.is_authenticated:
        services.set_language(request.user, language, actor=request.user)  # type: ignore[arg-type]
    response = redirect(target)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax",
                        secure=request.is_secure(), max_age=365 * 24 * 3600)
    return response


@login_required
def profile_view(request: HttpRequest) -> HttpResponse:
    tokens = ApiToken.objects.for_user(request.user).filter(user=request.user)
    new_token = request.session.pop("eoms_new_token", None)
    return render(request, "accounts/profile.html", {
        "tokens": tokens, "token_form": TokenForm(), "new_token": new_token,
        "preferences": notifications.preferences_of(request.user),
        "can_use_tokens": can(request.user, ADD, ApiToken),
    })


@login_required
@require_POST
def notification_prefs_view(request: HttpRequest) -> HttpResponse:
    choices = {kind: (f"in_app:{kind}" in request.POST, f"email:{kind}" in request.POST)
               for kind in notifications.KINDS}
    notifications.set_preferences(request.user, choices)
    messages.success(request, _("通知方式已保存。"))
    return redirect("accounts:profile")


@login_required
@require_POST
def token_create_view(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            _token, raw = services.create_token(
                request.user, actor=request.user, name=form.cleaned_data["name"],  # type: ignore[arg-type]
                expires_days=form.cleaned_data["expires_days"])
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            request.session["eoms_new_token"] = raw
            messages.success(request, _("令牌已创建。请立即复制，它只显示这一次。"))
    else:
        for errors in form.errors.values():
            messages.error(request, "; ".join(str(e) for e in errors))
    return redirect("accounts:profile")


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.for_user(request.user, "delete"), pk=pk)
    services.revoke_token(token, actor=request.user)
    messages.success(request, _("令牌已撤销。"))
    return redirect("accounts:profile")
