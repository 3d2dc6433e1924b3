"""Reads that need care: a site's day of check-ins summed up for the daily log, the photos
of that day, and who was expected on site and has not come (the supervisor view).

Everything here reads in bulk, a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from eoms.accounts.models import CrewMembership
from eoms.fieldwork.choices import CheckInState, PhotoState
from eoms.fieldwork.models import CheckIn, Photo
from eoms.masterdata.models import Site
from eoms.orders.choices import OrderStatus
from eoms.scheduling.choices import TaskStatus
from eoms.scheduling.models import Task

INACTIVE_ORDERS = (OrderStatus.CLOSED, OrderStatus.CANCELLED, OrderStatus.ON_HOLD)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The local day as an aware [start, end) range (index-friendly, unlike __date)."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def checkins_of_day(site: Site, day: date) -> QuerySet:
    start, end = day_bounds(day)
    return (CheckIn.objects.filter(site=site, checked_in_at__gte=start, checked_in_at__lt=end)
            .select_related("worker", "task", "crew").order_by("checked_in_at", "pk"))


def photos_of_day(site: Site, day: date, *, before: datetime | None = None) -> QuerySet:
    """The photos of a site's day: those of the day's check-ins, and loose ones taken at
    the site that day. `before`: only those already there at that moment (a signed log
    keeps the photos it was signed with)."""
    start, end = day_bounds(day)
    of_checkins = Q(checkin__site=site, checkin__checked_in_at__gte=start,
                    checkin__checked_in_at__lt=end)
    loose = Q(checkin__isnull=True, site=site, created_at__gte=start, created_at__lt=end)
    qs = Photo.objects.filter(of_checkins | loose).exclude(state=PhotoState.FAILED)
    if before is not None:
        qs = qs.filter(created_at__lte=before)
    return qs.select_related("taken_by").order_by("created_at", "pk")


def person(user: Any) -> str:
    return user.get_full_name() or user.username


def number(value: Decimal | None) -> str:
    """12.50 → "12.5", 3.00 → "3"."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- the daily log's summary of check-ins -----------------------------------------------------

@dataclass
class CrewLine:
    crew: Any  # a Crew, or None for workers without a crew
    crew_name: str
    headcount: int
    hours: Decimal


def crew_lines(checkins: Iterable[CheckIn]) -> list[CrewLine]:
    """Headcount (distinct workers) and hours (of closed check-ins) per crew; workers
    without a crew form "未分班组"."""
    workers: dict[int | None, set[int]] = defaultdict(set)
    hours: dict[int | None, Decimal] = defaultdict(Decimal)
    crews: dict[int | None, Any] = {}
    for checkin in checkins:
        key = checkin.crew_id
        crews[key] = checkin.crew
        workers[key].add(checkin.worker_id)
        if checkin.state == CheckInState.CLOSED and checkin.hours_worked is not None:
            hours[key] += checkin.hours_worked
    lines = [CrewLine(crew=crews[key], crew_name=crews[key].name if crews[key] else
                      _("未分班组"), headcount=len(workers[key]),
                      hours=hours[key].quantize(Decimal("0.01")))
             for key in workers]
    return sorted(lines, key=lambda line: (line.crew is None, line.crew_name))


def work_line(checkin: CheckIn) -> str:
    """One check-in as a line of the log's work done: task, worker, progress, notes."""
    details = []
    if checkin.progress_percent is not None:
        details.append(_("进度 %(p)s%%") % {"p": checkin.progress_percent})
    if checkin.quantity_done is not None:
        details.append(_("完成 %(q)s %(u)s") % {"q": number(checkin.quantity_done),
                                                "u": checkin.quantity_unit})
    details += [text.strip() for text in (checkin.note, checkin.checkout_note) if text.strip()]
    task = checkin.task.name if checkin.task else _("未关联任务")
    if not details:
        return _("%(task)s（%(worker)s）") % {"task": task, "worker": person(checkin.worker)}
    return _("%(task)s（%(worker)s）：%(details)s") % {
        "task": task, "worker": person(checkin.worker), "details": "；".join(
            d.replace("\n", " ").strip() for d in details)}


def work_text(checkins: Iterable[CheckIn]) -> str:
    """The work done as the day's check-ins tell it, one numbered line each."""
    ordered = sorted(checkins, key=lambda c: (c.task.name if c.task else "\uffff",
                                              person(c.worker), c.checked_in_at))
    return "\n".join(f"{n}. {work_line(c)}" for n, c in enumerate(ordered, start=1))


@dataclass
class DaySummary:
    """What the day's check-ins say, for pre-filling a log and as a suggestion beside it."""

    crews: list[CrewLine]
    work_done: str
    checkin_count: int

    @property
    def headcount(self) -> int:
        return sum(line.headcount for line in self.crews)


def day_summary(site: Site, day: date) -> DaySummary:
    checkins = list(checkins_of_day(site, day))
    return DaySummary(crews=crew_lines(checkins), work_done=work_text(checkins),
                      checkin_count=len(checkins))


# --- the supervisor view ------------------------------------------------------------------------

@dataclass
class Expected:
    """A worker expected on a site on a day, and the tasks that make him expected."""

    user: Any
    tasks: list[str] = field(default_factory=list)


@dataclass
class SiteBoard:
    site: Site
    checkins: list[CheckIn] = field(default_factory=list)
    expected: dict[int, Expected] = field(default_factory=dict)
    missing: list[Expected] = field(default_factory=list)
    still_open: list[CheckIn] = field(default_factory=list)  # earlier days, not checked out

    @property
    def present(self) -> int:
        return len({c.worker_id for c in self.checkins})

    @property
    def flagged(self) -> int:
        return sum(1 for c in self.checkins if c.flagged)

    @property
    def active(self) -> bool:
        return bool(self.checkins or self.expected or self.still_open)


def expected_tasks(sites: list[Site], day: date) -> list[Task]:
    """Leaf tasks at these sites (orders of the site, or of its project without a site)
    planned across the day or, looking at today, in progress; not done."""
    site_ids = [s.pk for s in sites]
    project_ids = {s.project_id for s in sites}
    when = Q(early_start__lte=day, early_finish__gte=day)
    if day == timezone.localdate():
        when |= Q(status=TaskStatus.IN_PROGRESS)
    where = Q(order__site__in=site_ids) | Q(order__site__isnull=True,
                                             order__project__in=project_ids)
    return list(Task.objects.filter(where, when, is_summary=False, milestone="")
                .exclude(status=TaskStatus.DONE).exclude(order__status__in=INACTIVE_ORDERS)
                .select_related("order", "owner", "crew__leader").order_by("name", "pk"))


def _crew_people(tasks: list[Task]) -> dict[int, list[Any]]:
    crew_ids = {t.crew_id for t in tasks if t.crew_id}
    people: dict[int, list[Any]] = defaultdict(list)
    for membership in (CrewMembership.objects.filter(crew__in=crew_ids, user__is_active=True)
                       .select_related("user").order_by("pk")):
        people[membership.crew_id].append(membership.user)
    for task in tasks:
        crew = task.crew
        leader = crew.leader if crew is not None else None
        if crew is not None and leader is not None and leader.is_active \
                and leader not in people[crew.pk]:
            people[crew.pk].append(leader)
    return people


def _expect(boards: dict[int, SiteBoard], sites: list[Site], day: date) -> None:
    tasks = expected_tasks(sites, day)
    people = _crew_people(tasks)
    by_project: dict[int, list[int]] = defaultdict(list)
    for site in sites:
        by_project[site.project_id].append(site.pk)
    for task in tasks:
        at = [task.order.site_id] if task.order.site_id else by_project[task.order.project_id]
        owner = task.owner
        workers: list[Any] = [owner] if owner is not None and owner.is_active else []
        workers += people.get(task.crew_id or 0, [])
        for site_id in at:
            for worker in workers:
                entry = boards[site_id].expected.setdefault(worker.pk, Expected(worker))
                if task.name not in entry.tasks:
                    entry.tasks.append(task.name)


def supervision(user: Any, sites: QuerySet, day: date) -> list[SiteBoard]:
    """Per site: the day's check-ins the user sees, who was expected and did not check
    in, and check-ins of earlier days still open. Sites with nothing to show are left out."""
    site_list = list(sites.select_related("project").order_by("code"))
    boards = {s.pk: SiteBoard(site=s) for s in site_list}
    start, end = day_bounds(day)
    visible = CheckIn.objects.for_user(user).values("pk")  # type: ignore[attr-defined]
    rows = (CheckIn.objects.filter(pk__in=visible, site__in=site_list)
            .select_related("worker", "site", "task", "crew")
            .annotate(photo_count=Count("photos"))
            .order_by("checked_in_at", "pk"))
    for checkin in rows.filter(checked_in_at__gte=start, checked_in_at__lt=end):
        boards[checkin.site_id].checkins.append(checkin)
    for checkin in rows.filter(state=CheckInState.OPEN, checked_in_at__lt=start):
        boards[checkin.site_id].still_open.append(checkin)
    _expect(boards, site_list, day)
    for board in boards.values():
        came = {c.worker_id for c in board.checkins}
        board.missing = sorted((e for pk, e in board.expected.items() if pk not in came),
                               key=lambda e: person(e.user))
    return [b for b in boards.values() if b.active]
