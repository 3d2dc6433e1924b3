"""The one model-change receiver: every save and delete of an `Audited` model."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save

from eoms.audit import chain
from eoms.audit.models import AuditAction
from eoms.core import context
from eoms.core.models import Audited


class MissingAuditContext(RuntimeError):
    pass


def plain(value: Any) -> Any:
    """A JSON value that reads back from the database exactly as it was written."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal | float | UUID):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return f"<{len(bytes(value))} bytes>"
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return str(value)


def _context() -> context.ActionContext:
    ctx = context.current()
    if ctx is None:
        if settings.AUDIT_REQUIRE_CONTEXT:
            raise MissingAuditContext(
                "A model was written outside any action context: open one with "
                "eoms.core.context.acting() (request, job, import or command)."
            )
        ctx = context.ActionContext(channel=context.Channel.SYSTEM)
    return ctx


def record(*, action: str, obj: models.Model | None = None, changes: dict | None = None,
           event: str = "", reason: str = "", object_repr: str = "") -> None:
    """Write one audit entry for the current context (also used for pure events)."""
    ctx = _context()
    user = ctx.user if ctx.user_id else None
    ct_id = None
    object_id = ""
    if obj is not None:
        ct_id = ContentType.objects.get_for_model(obj, for_concrete_model=True).pk
        object_id = str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    chain.append(
        actor_id=ctx.user_id,
        actor_label=(user.get_username() if user else ctx.channel)[:150],
        token_id=ctx.token_id,
        ip=ctx.ip,
        channel=ctx.channel,
        request_id=ctx.request_id or "",
        job_id=ctx.job_id or "",
        content_type_id=ct_id,
        object_id=object_id,
        object_repr=object_repr[:200],
        action=action,
        event=event or ctx.event,
        reason=reason or ctx.reason,
        changes=plain(changes or {}),
    )


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        name: [plain(before.get(name)), plain(value)]
        for name, value in after.items()
        if plain(before.get(name)) != plain(value)
    }


def on_save(sender: type[models.Model], instance: Audited, created: bool, raw: bool,
            **_: Any) -> None:
    if raw or not isinstance(instance, Audited):
        return
    after = instance.audit_snapshot()
    if created:
        changes = {name: [None, plain(value)] for name, value in after.items()
                   if value not in (None, "")}
        record(action=AuditAction.CREATE, obj=instance, changes=changes)
    else:
        loaded = getattr(instance, "_loaded_values", None)
        changes = _diff(loaded, after) if loaded is not None else {"*": [None, "saved"]}
        if not changes and not (context.current() and context.current().event):  # type: ignore[union-attr]
            return
        record(action=AuditAction.UPDATE, obj=instance, changes=changes)
    instance._loaded_values = {  # type: ignore[attr-defined]
        f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields
    }


def on_delete(sender: type[models.Model], instance: Audited, **_: Any) -> None:
    if not isinstance(instance, Audited):
        return
    snapshot = {name: [plain(value), None] for name, value in instance.audit_snapshot().items()}
    record(action=AuditAction.DELETE, obj=instance, changes=snapshot)


def _m2m_field_name(instance: models.Model, through: type[models.Model], reverse: bool) -> str:
    if not reverse:
        for field in instance._meta.many_to_many:
            if field.remote_field.through is through:  # type: ignore[union-attr]
                return field.name
    for rel in instance._meta.related_objects:
        if rel.many_to_many and rel.through is through:  # type: ignore[attr-defined]
            return rel.get_accessor_name() or rel.name
    return through._meta.model_name or "m2m"


def on_m2m_changed(sender: type[models.Model], instance: models.Model, action: str,
                   reverse: bool, pk_set: set[Any] | None, **_: Any) -> None:
    """A many-to-many list changed (a supplier's approved categories): record which ids."""
    if not isinstance(instance, Audited) or not action.startswith("post_"):
        return
    name = _m2m_field_name(instance, sender, reverse)
    kind = {"post_add": "added", "post_remove": "removed", "post_clear": "cleared"}[action]
    ids = sorted(pk_set or [])
    if kind != "cleared" and not ids:
        return
    record(action=AuditAction.UPDATE, obj=instance, changes={name: {kind: ids}})


def connect() -> None:
    post_save.connect(on_save, dispatch_uid="eoms.audit.on_save")
    post_delete.connect(on_delete, dispatch_uid="eoms.audit.on_delete")
    m2m_changed.connect(on_m2m_changed, dispatch_uid="eoms.audit.on_m2m_changed")
