"""Who is acting, through which channel, and for which business event.

Requests (middleware), jobs, imports and commands open an `ActionContext`; the audit
app reads the current one when it records a change. Services name the business event
they perform with `business_event()`, so the row changes inside it carry that name.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any


class Channel:
    WEB = "web"
    API = "api"
    JOB = "job"
    IMPORT = "import"
    EMAIL = "email"
    COMMAND = "command"
    SYSTEM = "system"
    TEST = "test"


@dataclass(frozen=True)
class ActionContext:
    channel: str
    user: Any = None  # accounts.User or None for the system
    token_id: int | None = None
    ip: str | None = None
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    job_id: str | None = None
    event: str = ""
    reason: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def user_id(self) -> int | None:
        user = self.user
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        return user.pk


_current: ContextVar[ActionContext | None] = ContextVar("eoms_action_context", default=None)


def current() -> ActionContext | None:
    return _current.get()


@contextlib.contextmanager
def acting(channel: str, user: Any = None, **kwargs: Any) -> Iterator[ActionContext]:
    """Open an action context (request, job, import, command)."""
    ctx = ActionContext(channel=channel, user=user, **kwargs)
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


@contextlib.contextmanager
def business_event(name: str, *, actor: Any = None, reason: str = "",
                   **detail: Any) -> Iterator[ActionContext]:
    """Tag the changes made inside with a business event name (`order.assigned`).

    `actor` overrides the user of the enclosing context (a service always knows its
    actor); outside any context a system context is opened so nothing goes unnamed.
    """
    outer = _current.get()
    if outer is None:
        outer = ActionContext(channel=Channel.SYSTEM)
    ctx = replace(
        outer,
        user=actor if actor is not None else outer.user,
        event=name,
        reason=reason or outer.reason,
        detail={**outer.detail, **detail},
    )
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def identify(user: Any, *, token_id: int | None = None, channel: str | None = None) -> None:
    """Name the actor once authentication knows him (API token or session).

    Changes the context opened by the request middleware, which resets it at the end.
    """
    ctx = _current.get()
    if ctx is not None:
        _current.set(replace(ctx, user=user, token_id=token_id, channel=channel or ctx.channel))
