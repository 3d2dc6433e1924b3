"""Users, their roles, crews (班组), API tokens and login failures."""

from __future__ import annotations

import hashlib
from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eoms.core import access
from eoms.core.access import ScopedQuerySet
from eoms.core.models import Audited, BusinessModel


class Role(models.TextChoices):
    ADMIN = access.ADMIN, _("系统管理员")
    MANAGER = access.MANAGER, _("管理层")
    PROJECT_MANAGER = access.PROJECT_MANAGER, _("项目经理")
    PROCUREMENT = access.PROCUREMENT, _("采购")
    QC_INSPECTOR = access.QC_INSPECTOR, _("质检员")
    SITE_WORKER = access.SITE_WORKER, _("施工员")
    FINANCE = access.FINANCE, _("财务")
    CUSTOMER = access.CUSTOMER, _("客户")
    AUDITOR = access.AUDITOR, _("审计员")


class UserQuerySet(ScopedQuerySet):
    def with_role(self, role: str) -> UserQuerySet:
        return self.filter(role_assignments__role=role).distinct()


class EomsUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(Audited, AbstractUser):
    phone = models.CharField(_("手机号"), max_length=30, blank=True)
    language = models.CharField(_("界面语言"), max_length=10, blank=True,
                                choices=settings.LANGUAGES)
    # A customer's user belongs to that customer (masterdata.Customer id; the
    # masterdata app holds the relation so accounts stays below it).
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = EomsUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self) -> str:
        name = self.get_full_name()
        return f"{name} ({self.username})" if name else self.username

    def get_full_name(self) -> str:
        # Chinese order: family name first, no space.
        return f"{self.last_name}{self.first_name}".strip()

    @cached_property
    def role_codes(self) -> frozenset[str]:
        if not self.pk:
            return frozenset()
        return frozenset(self.role_assignments.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(access.roles_of(self) & set(roles))

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in sorted(access.roles_of(self)) if r in Role.values]


class RoleAssignment(Audited):
    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="role_assignments")
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="user_role_once")]

    def __str__(self) -> str:
        return f"{self.user.username}: {self.get_role_display()}"


class Crew(BusinessModel):
    """A crew (班组) of site workers with a leader."""

    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    trade = models.CharField(_("工种"), max_length=60, blank=True)
    leader = models.ForeignKey(User, verbose_name=_("班组长"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="led_crews")
    members = models.ManyToManyField(User, verbose_name=_("成员"), through="CrewMembership",
                                     related_name="crews", blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("班组")
        verbose_name_plural = _("班组")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CrewMembership(Audited):
    crew = models.ForeignKey(Crew, verbose_name=_("班组"), on_delete=models.CASCADE,
                             related_name="memberships")
    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="crew_memberships")
    joined_on = models.DateField(_("加入日期"), default=timezone.localdate)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["crew", "user"], name="crew_member_once")]

    def __str__(self) -> str:
        return f"{self.crew.code}: {self.user.username}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiToken(Audited):
    """A bearer token; only its SHA-256 is stored, the token is shown once."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    audit_exclude = ("digest", "last_used_at")

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class LoginFailure(models.Model):
    """Recent failed logins, counted per account and per IP for throttling."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
