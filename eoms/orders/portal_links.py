"""The hook through which higher apps add links to the customer's order page (the portal):
a provider gets (order, user) and returns (label, url, icon) triples the user may follow
(quality adds the archived quality report of a delivered order)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PortalLink = tuple[str, str, str]
_providers: list[Callable[[Any, Any], list[PortalLink]]] = []


def register_portal_links(provider: Callable[[Any, Any], list[PortalLink]]) -> None:
    if provider not in _providers:
        _providers.append(provider)


def portal_links(order: Any, user: Any) -> list[PortalLink]:
    return [link for provider in _providers for link in provider(order, user)]
