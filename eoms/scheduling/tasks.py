"""Background jobs of scheduling, found by the worker (`eoms worker` autodiscovers them)."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from datetime import UTC, datetime, time

from django.conf import settings
from huey.contrib.djhuey import HUEY, db_periodic_task

from eoms.core.context import Channel, acting
from eoms.scheduling import reminders

REMINDER_TIME = time(7, 30)  # local time (EOMS_TIME_ZONE): before the site's day starts


def at_local_time(moment: time) -> Callable[[datetime], bool]:
    """A periodic-task schedule firing at a local time of day. Huey hands the check a naive
    UTC timestamp (HUEY utc=True) and crontab() would compare it in UTC; this converts to
    EOMS_TIME_ZONE first, daylight saving time included."""

    def due(timestamp: datetime) -> bool:
        if HUEY.utc:
            timestamp = timestamp.replace(tzinfo=UTC).astimezone(
                zoneinfo.ZoneInfo(str(settings.TIME_ZONE)))
        return (timestamp.hour, timestamp.minute) == (moment.hour, moment.minute)

    return due


@db_periodic_task(at_local_time(REMINDER_TIME))
def send_schedule_reminders() -> int:
    """Daily: overdue tasks, escalations to management, milestones at risk."""
    with acting(Channel.JOB):
        return reminders.sweep().notifications
