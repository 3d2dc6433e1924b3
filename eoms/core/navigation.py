"""The sidebar: apps register their entries; each shows only to users who may use it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise

from eoms.core.access import VIEW, can


@dataclass
class NavItem:
    section: Promise | str
    label: Promise | str
    url_name: str
    icon: str
    order: int
    model: Any = None  # shown when the user may view this model
    allowed: Callable[[Any], bool] | None = None


_items: list[NavItem] = []


def register(section: Promise | str, label: Promise | str, url_name: str, *, icon: str,
             order: int, model: Any = None, allowed: Callable[[Any], bool] | None = None) -> None:
    if any(i.url_name == url_name for i in _items):
        return
    _items.append(NavItem(section, label, url_name, icon, order, model, allowed))


def for_user(user: Any, current_path: str) -> list[dict[str, Any]]:
    sections: dict[str, dict[str, Any]] = {}
    entries = []
    for item in sorted(_items, key=lambda i: i.order):
        if item.model is not None and not can(user, VIEW, item.model):
            continue
        if item.allowed is not None and not item.allowed(user):
            continue
        url = reverse(item.url_name)
        section = sections.setdefault(str(item.section), {"label": str(item.section),
                                                          "items": []})
        entry: dict[str, Any] = {"label": str(item.label), "url": url, "icon": item.icon,
                                 "active": False}
        section["items"].append(entry)
        entries.append(entry)
    # Only the longest matching entry is active (/orders/rules/ is not also /orders/).
    matching = [e for e in entries if current_path == e["url"]
                or (e["url"] != "/" and current_path.startswith(e["url"]))]
    if matching:
        max(matching, key=lambda e: len(e["url"]))["active"] = True
    return list(sections.values())
