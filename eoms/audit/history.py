"""An object's history, prepared for the timeline on its page: field labels, choice
labels and the names of related records instead of the raw values stored."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from eoms.audit.models import AuditAction, AuditEntry
from eoms.core import events

CHANNEL_LABELS = {
    "web": gettext_lazy("网页"), "api": "API", "job": gettext_lazy("后台任务"),
    "import": gettext_lazy("导入"), "email": gettext_lazy("邮件"),
    "command": gettext_lazy("命令行"), "system": gettext_lazy("系统"),
    "test": gettext_lazy("测试"),
}


# show(object_id, field name, stored value) -> the value in words; None/""/[] never reach it.
ValueShow = Callable[[str, str, Any], str]
# Called once per history shown, with the ids of the model's objects whose entries change
# one of the registered fields: fetches what the words need (a fixed number of queries).
ValueFormatter = Callable[[list[str]], ValueShow]

_FORMATTERS: dict[type[models.Model], tuple[dict[str, Any], ValueFormatter]] = {}


def register_formatter(model: type[models.Model], labels: Mapping[str, Any],
                       formatter: ValueFormatter) -> None:
    """Show the model's fields named in `labels` in words in histories, under these labels,
    instead of as stored (working minutes as working days, say: the field's own label names
    the stored unit). One formatter per model; registering again replaces it."""
    _FORMATTERS[model] = (dict(labels), formatter)


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


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    for f in model._meta.get_fields():
        if getattr(f, "attname", None) == name or f.name == name:
            return f
        if f.is_relation and getattr(f, "get_accessor_name", None) and \
                f.get_accessor_name() == name:  # type: ignore[union-attr]
            return f
    return None


class _Names:
    """Names of the related records mentioned in a batch of entries, fetched per model."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        self.found: dict[type[models.Model], dict[str, str]] = {}

    def want(self, model: type[models.Model], ids: Any) -> None:
        self.wanted[model].update(i for i in ids if i not in (None, ""))

    def fetch(self) -> None:
        for model, ids in self.wanted.items():
            rows = model._base_manager.filter(pk__in=list(ids))
            self.found[model] = {str(obj.pk): str(obj) for obj in rows}

    def name(self, model: type[models.Model], pk: Any) -> str:
        return self.found.get(model, {}).get(str(pk), f"#{pk}")


def _related_model(field: Any) -> type[models.Model] | None:
    return field.related_model if field is not None and field.is_relation else None


def _show(field: Any, value: Any, names: _Names) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    related = _related_model(field)
    if related is not None:
        return names.name(related, value)
    if isinstance(value, list | dict):  # a JSON field's value: not a choice key
        return "、".join(map(str, value)) if isinstance(value, list) else str(value)
    choices = dict(getattr(field, "flatchoices", None) or [])
    if value in choices:
        return str(choices[value])
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
    return str(value)


class _Formatted:
    """The registered formatters of the models in a batch of entries, made once each."""

    def __init__(self, entries: list[Any], models_of: list[Any]) -> None:
        ids: dict[type[models.Model], list[str]] = defaultdict(list)
        for e, model in zip(entries, models_of, strict=True):
            labels = _FORMATTERS[model][0] if model in _FORMATTERS else {}
            if e.action != AuditAction.DELETE and isinstance(e.changes, dict) and \
                    labels.keys() & e.changes.keys():
                ids[model].append(str(e.object_id))
        self.shows = {model: _FORMATTERS[model][1](list(dict.fromkeys(found)))
                      for model, found in ids.items()}

    def row(self, model: Any, object_id: Any, name: str, value: Any) -> dict[str, str] | None:
        """The change in words, or None when no formatter shows this field."""
        show = self.shows.get(model)
        if show is None or name not in _FORMATTERS[model][0] or isinstance(value, dict):
            return None
        before, after = value if isinstance(value, list) and len(value) == 2 else (None, value)

        def words(stored: Any) -> str:
            return "—" if stored in (None, "", []) else show(str(object_id), name, stored)

        return {"field": str(_FORMATTERS[model][0][name]), "before": words(before),
                "after": words(after)}


def _change_row(model: type[models.Model] | None, name: str, value: Any,
                names: _Names) -> dict[str, str]:
    field = _field(model, name)
    label = str(field.verbose_name) if getattr(field, "verbose_name", None) else name
    if isinstance(value, dict):  # a many-to-many change: {"added": [ids]} or "removed"
        words = {"added": pgettext("history", "新增"), "removed": pgettext("history", "移除"),
                 "cleared": pgettext("history", "清空")}
        kind, ids = next(iter(value.items()), ("", []))
        related = _related_model(field)
        shown = [names.name(related, i) if related else str(i) for i in ids]
        return {"field": label, "before": "",
                "after": f"{words.get(kind, kind)} {'、'.join(shown)}".strip()}
    if isinstance(value, list) and len(value) == 2:
        return {"field": label, "before": _show(field, value[0], names),
                "after": _show(field, value[1], names)}
    return {"field": label, "before": "—", "after": _show(field, value, names)}


def _collect(model: type[models.Model] | None, changes: dict[str, Any], names: _Names) -> None:
    for name, value in changes.items():
        related = _related_model(_field(model, name))
        if related is None:
            continue
        if isinstance(value, dict):
            names.want(related, next(iter(value.values()), []))
        elif isinstance(value, list):
            names.want(related, value[:2])


def prepare(entries: Any, *, resolve_names: bool = True) -> list[HistoryItem]:
    """Entries for display. `resolve_names` looks up related records' names (one query per
    related model) and shows registered fields in words (register_formatter); the audit
    search shows the raw ids and values instead, as stored."""
    entries = list(entries)
    names = _Names()
    models_of = [e.content_type.model_class() if e.content_type_id else None for e in entries]
    formatted = _Formatted(entries if resolve_names else [], models_of if resolve_names else [])
    if resolve_names:
        for e, model in zip(entries, models_of, strict=True):
            if e.action != AuditAction.DELETE and isinstance(e.changes, dict):
                _collect(model, e.changes, names)
        names.fetch()
    items = []
    for e, model in zip(entries, models_of, strict=True):
        changes = e.changes if isinstance(e.changes, dict) else {}
        rows = [] if e.action == AuditAction.DELETE else [
            formatted.row(model, e.object_id, name, v) or _change_row(model, name, v, names)
            for name, v in changes.items()
        ]
        items.append(HistoryItem(
            seq=e.seq, timestamp=e.timestamp, actor_label=e.actor_label,
            channel_label=str(CHANNEL_LABELS.get(e.channel, e.channel)),
            action_label=str(AuditAction(e.action).label), event=e.event, reason=e.reason,
            changes=rows, object_repr=e.object_repr, action=e.action,
        ))
    return items


def history_for(obj: models.Model, limit: int = 100) -> list[HistoryItem]:
    entries = AuditEntry.objects.for_object(obj).select_related("content_type")[:limit]
    return prepare(entries)
