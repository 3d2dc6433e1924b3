"""Every change to accounts: users, roles, crews, tokens, login bookkeeping."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eoms.accounts.models import (
    ApiToken,
    Crew,
    CrewMembership,
    LoginFailure,
    Role,
    RoleAssignment,
    User,
    hash_token,
)
from eoms.core import codes
from eoms.core.access import ADD, CHANGE, DELETE, require
from eoms.core.context import business_event

codes.register_default("crew", "BZ-{seq:03}")
TOKEN_PREFIX = "eoms_"


def _check_roles(roles: Iterable[str]) -> list[str]:
    roles = list(dict.fromkeys(roles))
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise ValidationError({"roles": _("未知角色：%(r)s") % {"r": ", ".join(unknown)}})
    return roles


@transaction.atomic
def create_user(*, actor: Any, username: str, password: str, roles: Iterable[str] = (),
                email: str = "", first_name: str = "", last_name: str = "", phone: str = "",
                language: str = "", check_permission: bool = True) -> User:
    if check_permission:
        require(actor, ADD, User)
    role_list = _check_roles(roles)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("用户名 %(u)s 已存在。") % {"u": username}})
    user = User(username=username, email=email, first_name=first_name, last_name=last_name,
                phone=phone, language=language)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages})
    user.set_password(password)
    user.full_clean(exclude=["password"])
    with business_event("user.created", actor=actor):
        user.save()
        for role in role_list:
            RoleAssignment.objects.create(user=user, role=role)
    return user


@transaction.atomic
def set_roles(user: User, roles: Iterable[str], *, actor: Any) -> None:
    require(actor, CHANGE, user)
    wanted = set(_check_roles(roles))
    with business_event("user.roles_changed", actor=actor):
        for ra in RoleAssignment.objects.filter(user=user).exclude(role__in=wanted):
            ra.delete()
        have = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
        for role in sorted(wanted - have):
            RoleAssignment.objects.create(user=user, role=role)
    user.__dict__.pop("role_codes", None)


def set_language(user: User, language: str, *, actor: Any) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("不支持的语言：%(l)s") % {"l": language}})
    with business_event("user.language_changed", actor=actor):
        user.language = language
        user.save(update_fields=["language"])


@transaction.atomic
def create_token(user: User, *, actor: Any, name: str,
                 expires_days: int | None = None) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns it with the raw secret, shown only this once."""
    if actor is not None:
        require(actor, ADD, ApiToken)
        if actor != user:
            require(actor, CHANGE, user)
    if not name.strip():
        raise ValidationError({"name": _("请填写令牌名称。")})
    if expires_days is not None and not 1 <= expires_days <= 3650:
        raise ValidationError({"expires_days": _("有效期应在 1 到 3650 天之间。")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = timezone.now() + timedelta(days=expires_days) if expires_days else None
    with business_event("token.created", actor=actor):
        token = ApiToken.objects.create(user=user, name=name.strip()[:100], prefix=raw[:12],
                                        digest=hash_token(raw), expires_at=expires)
    return token, raw


def revoke_token(token: ApiToken, *, actor: Any) -> None:
    if actor is not None:
        require(actor, DELETE, token)
    if token.revoked_at is None:
        with business_event("token.revoked", actor=actor):
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])


def user_for_token(raw: str) -> tuple[User, ApiToken] | None:
    token = (ApiToken.objects.select_related("user").filter(digest=hash_token(raw.strip()))
             .first())
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # bookkeeping, not audited
    return token.user, token


# --- crews --------------------------------------------------------------------------------

@transaction.atomic
def create_crew(*, actor: Any, name: str, trade: str = "", leader: User | None = None,
                members: Iterable[User] = ()) -> Crew:
    require(actor, ADD, Crew)
    with business_event("crew.created", actor=actor):
        crew = Crew(code=codes.next_code("crew"), name=name, trade=trade, leader=leader,
                    created_by=actor if getattr(actor, "pk", None) else None)
        crew.full_clean()
        crew.save()
        for member in members:
            CrewMembership.objects.create(crew=crew, user=member)
    return crew


# --- login throttling ---------------------------------------------------------------------

def record_login_failure(username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=username.lower()[:150], ip=ip)


def login_throttled(username: str, ip: str | None) -> bool:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
    recent = LoginFailure.objects.filter(at__gte=since)
    if recent.filter(username=username.lower()[:150]).count() >= settings.LOGIN_FAILURE_LIMIT:
        return True
    return bool(ip) and recent.filter(ip=ip).count() >= settings.LOGIN_FAILURE_IP_LIMIT


def clear_login_failures(username: str) -> None:
    LoginFailure.objects.filter(username=username.lower()[:150]).delete()
