"""The audit log: one row per change or business event, chained by SHA-256."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("创建")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    EVENT = "event", _("事件")


class AuditEntryQuerySet(models.QuerySet):
    def for_object(self, obj: models.Model) -> AuditEntryQuerySet:
        ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
        return self.filter(content_type=ct, object_id=str(obj.pk))

    def for_user(self, user: object, action: str = "view") -> AuditEntryQuerySet:
        from eoms.core.access import policy_for

        return policy_for(self.model).visible(user, self, action)  # type: ignore[return-value]


class AuditEntry(models.Model):
    """Written only by the audit app; never updated. `seq` orders the hash chain."""

    seq = models.BigAutoField(primary_key=True)
    timestamp = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_constraint=False, verbose_name=_("操作人"),
    )
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    token_id = models.BigIntegerField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    channel = models.CharField(_("渠道"), max_length=20)
    request_id = models.CharField(max_length=64, blank=True, db_index=True)
    job_id = models.CharField(max_length=64, blank=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True,
                                     on_delete=models.SET_NULL, db_constraint=False)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    action = models.CharField(_("操作"), max_length=10, choices=AuditAction.choices)
    event = models.CharField(_("业务事件"), max_length=80, blank=True, db_index=True)
    reason = models.TextField(_("原因"), blank=True)
    changes = models.JSONField(_("变更"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="audit_object"),
            models.Index(fields=["actor", "timestamp"], name="audit_actor_time"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"


class AuditChainHead(models.Model):
    """One row: the last entry of the chain, and where the chain starts after purges.

    Appending locks this row, so entries are chained in commit order; verification
    compares the chain's end with it, so deleting the newest rows is caught as well.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    # After a purge the chain starts at the first kept entry, whose prev_hash is this.
    anchor_seq = models.BigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, default="0" * 64)
