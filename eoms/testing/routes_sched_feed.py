"""The route walker's view of the calendar feed (eoms/scheduling/urls_feed.py), read by
eoms/testing/routes_scheduling.py.

The feed page and its regenerate button are for people who see tasks (staff); customers
get 403. The feed itself has no login: its key is the credential, so every client —
anonymous included — that has the URL gets the calendar (an unknown or replaced key
404s, tested in tests/scheduling/test_sch_ical_*.py).
"""

from __future__ import annotations

from typing import Any

from django.db import models

from eoms.core.access import VIEW, can
from eoms.scheduling.models import FeedToken, Task


def _staff_page(user: Any, world: Any, obj: Any) -> str:
    from eoms.testing.routes import FORBIDDEN, LOGIN, OK  # routes imports this module

    if user is None:
        return LOGIN
    return OK if can(user, VIEW, Task) else FORBIDDEN


def _anyone_with_the_key(user: Any, world: Any, obj: Any) -> str:
    from eoms.testing.routes import OK

    return OK


def _pm_feed(w: Any) -> FeedToken:
    """The project manager's feed key (made through the service when he has none)."""
    from eoms.core.context import Channel, acting
    from eoms.scheduling import services_feed
    from eoms.testing.routes_scheduling import world_schedule

    world_schedule(w)  # so the feed has tasks to write
    found = services_feed.feed_token_of(w.pm)
    if found is not None:
        return found
    with acting(Channel.TEST):
        return services_feed.regenerate_feed(w.pm, actor=w.pm)


def targets(target: Any) -> list[tuple[str, Any]]:
    return [
        ("scheduling:feed_settings", target(expect=_staff_page)),
        ("scheduling:feed_regenerate", target(expect=_staff_page)),
        ("scheduling:feed_ics", target(obj=_pm_feed, expect=_anyone_with_the_key,
                                       kwargs=lambda token: {"key": token.key})),
    ]


MAKERS: dict[type[models.Model], Any] = {}
