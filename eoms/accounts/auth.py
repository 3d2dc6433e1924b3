"""API authentication: the browser's session (with CSRF) or a bearer token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from eoms.accounts import services
from eoms.core import context


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = services.user_for_token(token)
        if found is None:
            return None
        user, api_token = found
        request.user = user
        request.api_token = api_token  # type: ignore[attr-defined]
        context.identify(user, token_id=api_token.pk)
        return user


class ActiveSessionAuth(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None:
            context.identify(user)
        return user


api_auth = [TokenAuth(), ActiveSessionAuth()]
