"""An object's history, prepared for the timeline on its page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models

from eoms.audit.models import AuditAction, AuditEntry
from eoms.core import events

CHANNEL_LABELS = {
    "web": "网页", "api": "API", "job": "后台任务", "import": "导入", "email": "邮件",
    "command": "命令行", "system": "系统", "test": "测试",
}


@dataclass
class HistoryItem:
    seq: int
    timestamp: datetime
    actor_label: str
    channel_label: str
    action_label: str
    event: str
    reason: str
    changes: list[dict[str, str]]
    object_repr: str = ""
    action: str = ""

    @property
    def event_label(self) -> str:
        return events.label(self.event) if self.event else ""

    @property
    def summary(self) -> str:
        if self.event and events.label(self.event) != self.event:
            return f"{self.event_label} · {self.object_repr}".strip(" ·")
        return f"{self.action_label} {self.object_repr}".strip()


def _field_label(model: type[models.Model] | None, attname: str) -> str:
    if model is None:
        return attname
    for f in model._meta.concrete_fields:
        if f.attname == attname or f.name == attname:
            return str(f.verbose_name)
    return attname


def _show(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def prepare(entries: Any) -> list[HistoryItem]:
    from django.utils.translation import gettext as _

    items = []
    for e in entries:
        model = e.content_type.model_class() if e.content_type_id else None
        changes = e.changes if isinstance(e.changes, dict) else {}
        rows = [] if e.action == AuditAction.DELETE else [
            {"field": _field_label(model, name),
             "before": _show(v[0] if isinstance(v, list) else None),
             "after": _show(v[1] if isinstance(v, list) else v)}
            for name, v in changes.items()
        ]
        items.append(HistoryItem(
            seq=e.seq, timestamp=e.timestamp, actor_label=e.actor_label,
            channel_label=_(CHANNEL_LABELS.get(e.channel, e.channel)),
            action_label=str(AuditAction(e.action).label), event=e.event, reason=e.reason,
            changes=rows, object_repr=e.object_repr, action=e.action,
        ))
    return items


def history_for(obj: models.Model, limit: int = 100) -> list[HistoryItem]:
    entries = AuditEntry.objects.for_object(obj).select_related("content_type")[:limit]
    return prepare(entries)
