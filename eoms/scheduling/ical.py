"""A person's tasks and milestones as an iCalendar feed (RFC 5545), written by hand.

Content lines end with CRLF and are folded at 75 octets (never inside a UTF-8 character);
TEXT values escape backslash, semicolon, comma and newlines. Every task is an all-day
event (DTSTART/DTEND with VALUE=DATE, DTEND exclusive), so no VTIMEZONE is needed; a
milestone is a one-day event on its date. The UID is stable per task, so a calendar
updates the event in place when the plan moves.

The feed holds the tasks the person may see (Task policy) AND is responsible for: he owns
the task, his crew (as member or leader) does it, or he is the order's project manager
(its owner, or the project's manager). Summary tasks, tasks not yet scheduled and the
tasks of cancelled orders are left out; at most FEED_LIMIT events, the latest first.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from eoms.core.access import VIEW
from eoms.orders.choices import OrderStatus
from eoms.scheduling import task_calendars
from eoms.scheduling.day_words import plural_count
from eoms.scheduling.models import Task, WorkCalendar
from eoms.scheduling.policies import own_task_scope

CRLF = "\r\n"
LINE_OCTETS = 75
FEED_LIMIT = 2000
PRODID = "-//EOMS//Schedule feed//ZH"


# --- RFC 5545 writing ------------------------------------------------------------------------

def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon, comma escaped; any newline becomes \\n."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line folded into lines of at most 75 octets (continuations start with
    a space, which counts), each ending with CRLF."""
    parts: list[str] = []
    current, size, limit = [], 0, LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [" "], 1, LINE_OCTETS
        current.append(char)
        size += width
    parts.append("".join(current))
    return "".join(part + CRLF for part in parts)


def content_line(name: str, value: str, **params: str) -> str:
    head = name + "".join(f";{key.replace('_', '-')}={val}" for key, val in params.items())
    return fold(f"{head}:{value}")


def ical_date(day: date) -> str:
    return day.strftime("%Y%m%d")


def ical_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


@dataclass(frozen=True)
class Event:
    uid: str
    stamp: datetime
    start: date
    end: date  # exclusive: the day after the last day
    summary: str
    description: str
    url: str


def event_lines(event: Event) -> Iterator[str]:
    yield content_line("BEGIN", "VEVENT")
    yield content_line("UID", event.uid)
    yield content_line("DTSTAMP", ical_utc(event.stamp))
    yield content_line("LAST-MODIFIED", ical_utc(event.stamp))
    yield content_line("DTSTART", ical_date(event.start), VALUE="DATE")
    yield content_line("DTEND", ical_date(event.end), VALUE="DATE")
    yield content_line("SUMMARY", escape_text(event.summary))
    yield content_line("DESCRIPTION", escape_text(event.description))
    yield content_line("URL", event.url)
    yield content_line("TRANSP", "TRANSPARENT")  # a plan, not a busy slot
    yield content_line("END", "VEVENT")


def calendar_bytes(name: str, description: str, events: Iterable[Event]) -> bytes:
    lines = [content_line("BEGIN", "VCALENDAR"), content_line("VERSION", "2.0"),
             content_line("PRODID", PRODID), content_line("CALSCALE", "GREGORIAN"),
             content_line("METHOD", "PUBLISH"), content_line("NAME", escape_text(name)),
             content_line("X-WR-CALNAME", escape_text(name)),
             content_line("X-WR-CALDESC", escape_text(description)),
             content_line("REFRESH-INTERVAL", "PT1H", VALUE="DURATION"),
             content_line("X-PUBLISHED-TTL", "PT1H")]
    for event in events:
        lines.extend(event_lines(event))
    lines.append(content_line("END", "VCALENDAR"))
    return "".join(lines).encode("utf-8")


# --- a person's tasks -------------------------------------------------------------------------

def responsible_scope(user: Any) -> Q:
    return (own_task_scope(user) | Q(order__owner=user) | Q(order__project__manager=user))


def feed_tasks(user: Any) -> QuerySet[Task]:
    visible = Task.objects.for_user(user, VIEW).values("pk")  # type: ignore[attr-defined]
    return (Task.objects.filter(pk__in=visible).filter(responsible_scope(user)).distinct()
            .filter(is_summary=False, early_start__isnull=False, early_finish__isnull=False)
            .exclude(order__status=OrderStatus.CANCELLED)
            .select_related("order__schedule", "owner", "crew")
            .order_by("-early_finish", "-pk"))


def _site() -> tuple[str, str]:
    base = str(settings.SITE_URL).rstrip("/")
    return base, urlsplit(base).hostname or "eoms"


def _stamp(task: Task) -> datetime:
    try:
        computed = task.order.schedule.computed_at  # type: ignore[attr-defined]
    except ObjectDoesNotExist:
        computed = None
    return max(filter(None, (task.updated_at, computed)))


def _description(task: Task, row: WorkCalendar | None, link: str) -> str:
    float_days = task_calendars.format_days(task_calendars.float_days(task, row))
    lines = [_("订单：%(code)s %(title)s") % {"code": task.order.code, "title": task.order.title}]
    if task.wbs:
        lines.append(_("WBS：%(wbs)s") % {"wbs": task.wbs})
    lines.append(_("计划：%(start)s 至 %(finish)s") % {
        "start": task.early_start.isoformat(), "finish": task.early_finish.isoformat()})  # type: ignore[union-attr]
    count = plural_count(float_days)
    lines.append((ngettext("总时差：%(days)s 个工作日（关键任务）",
                           "总时差：%(days)s 个工作日（关键任务）", count) if task.critical
                  else ngettext("总时差：%(days)s 个工作日", "总时差：%(days)s 个工作日", count))
                 % {"days": float_days})
    if task.owner_id:
        lines.append(_("负责人：%(name)s") % {
            "name": task.owner.get_full_name() or task.owner.username})  # type: ignore[union-attr]
    if task.crew_id:
        lines.append(_("班组：%(crew)s") % {"crew": task.crew.name})  # type: ignore[union-attr]
    lines.append(_("状态：%(status)s，完成 %(percent)s%%") % {
        "status": task.get_status_display(), "percent": task.percent_complete})
    lines.append(link)
    return "\n".join(lines)


def task_event(task: Task, row: WorkCalendar | None) -> Event:
    base, host = _site()
    link = base + reverse("scheduling:task_detail", args=[task.pk])
    start, finish = task.early_start, task.early_finish
    assert start is not None and finish is not None  # feed_tasks leaves unscheduled out
    if task.milestone:
        start = finish
        summary = f"[{task.order.code}] ◆ {task.name}"
    else:
        summary = f"[{task.order.code}] {task.name}"
    return Event(uid=f"eoms-task-{task.pk}@{host}", stamp=_stamp(task), start=start,
                 end=max(finish, start) + timedelta(days=1), summary=summary,
                 description=_description(task, row, link), url=link)


def feed_for(user: Any) -> bytes:
    """The user's feed, in his interface language."""
    tasks = list(feed_tasks(user)[:FEED_LIMIT])
    rows = task_calendars.calendars_for(tasks)
    name = user.get_full_name() or user.username
    with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
        events = [task_event(task, rows.get(task.pk)) for task in tasks]
        return calendar_bytes(_("EOMS 我的任务（%(name)s）") % {"name": name},
                              _("%(name)s 负责的任务与里程碑，来自 EOMS 进度计划。")
                              % {"name": name}, events)
