"""Base models and the platform's own tables (codes, idempotency, jobs, notifications)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eoms.core.access import ScopedQuerySet


class Audited(models.Model):
    """Marks a model whose every change the audit app records, with field diffs.

    Remembers the values it was loaded with, so a save can say what changed without
    reading the row again.
    """

    class Meta:
        abstract = True

    audit_exclude: tuple[str, ...] = ("updated_at", "version", "password", "last_login")

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)
        instance._loaded_values = dict(zip(field_names, values, strict=False))  # type: ignore[attr-defined]
        return instance

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            f.attname: getattr(self, f.attname)
            for f in self._meta.concrete_fields
            if f.name not in self.audit_exclude and f.attname not in self.audit_exclude
        }


class BusinessModel(Audited):
    """Every business table: who made it and when, and a version for optimistic locking."""

    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


class CodePattern(models.Model):
    """The configurable pattern of one kind of business code (`customer` → `CUS-{seq:05}`)."""

    kind = models.CharField(_("编码类型"), max_length=40, unique=True)
    pattern = models.CharField(_("编码规则"), max_length=80)

    class Meta:
        verbose_name = _("编码规则")
        verbose_name_plural = _("编码规则")

    def __str__(self) -> str:
        return f"{self.kind}: {self.pattern}"


class CodeSequence(models.Model):
    """The last number handed out for one rendered scope (`ORD-2026-{seq}`)."""

    scope = models.CharField(max_length=120, unique=True)
    last_value = models.PositiveBigIntegerField(default=0)


class IssuedCode(models.Model):
    """Every code ever issued, so that no code is issued twice, even after a delete."""

    code = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=40)
    issued_at = models.DateTimeField(default=timezone.now)


class IdempotencyRecord(models.Model):
    """The first answer to a POST carrying an Idempotency-Key, replayed on retries."""

    owner = models.CharField(max_length=80)  # user id or token id: keys are per caller
    key = models.CharField(max_length=200)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    body_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True)
    response = models.BinaryField(null=True)
    content_type = models.CharField(max_length=100, default="application/json")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_owner_key")
        ]


class JobState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("运行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class Job(models.Model):
    """A background job that a person started or must know about: progress and outcome."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("类型"), max_length=80)
    label = models.CharField(_("名称"), max_length=200)
    state = models.CharField(_("状态"), max_length=10, choices=JobState.choices,
                             default=JobState.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    message = models.CharField(_("消息"), max_length=500, blank=True)
    result_url = models.CharField(max_length=300, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.label

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notifications")
    kind = models.CharField(_("类别"), max_length=60)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notif_user_unread")]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """Per user and kind: in-app and/or e-mail. No row means the kind's default."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notification_preferences")
    kind = models.CharField(_("类别"), max_length=60)
    in_app = models.BooleanField(_("站内通知"), default=True)
    email = models.BooleanField(_("邮件通知"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notif_pref_user_kind")
        ]
