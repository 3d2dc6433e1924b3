"""The dashboard shell: apps contribute cards; each card is shown to who may see it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_card_providers: list[Callable[[Any], list[dict[str, Any]]]] = []
_recent_provider: list[Callable[[Any], list[Any]]] = []


def register_cards(provider: Callable[[Any], list[dict[str, Any]]]) -> None:
    if provider not in _card_providers:
        _card_providers.append(provider)


def register_recent(provider: Callable[[Any], list[Any]]) -> None:
    _recent_provider[:] = [provider]


def context_for(user: Any) -> dict[str, Any]:
    cards: list[dict[str, Any]] = []
    for provider in _card_providers:
        cards.extend(provider(user))
    recent = _recent_provider[0](user) if _recent_provider else []
    return {"cards": cards, "recent": recent}
