"""Compare EOMS's computed dates with the dates the file's own scheduler wrote.

A date is *equal* when no working time (on the task's calendar as the file defines it)
lies between the two. Every other date is a :class:`Difference` with a reason:

``has_actuals``            the task has progress; the file's dates follow the actuals
                           (a successor of a P6 activity completed after the data date
                           is not one: :func:`.to_engine.to_spec` schedules it, as P6
                           does, from the data date)
``external_link``          a link to another project's activity was left out
``unsupported_constraint`` P6 mandatory/secondary constraints, expected finish, LOE/WBS
                           summary activities: scheduled differently by EOMS
``elapsed_lag``            an elapsed or percent lag (or an elapsed duration), approximated
``calendar_detail``        the calendar has other hours on some weekdays or partial-day
                           exceptions in the task's window, or a lag counted on another
                           task's calendar (P6 option)
``resource_driven``        MS Project stretched the task by a resource's work contour
``resource_levelling``     the file's date is later than the CPM date and no logic, no
                           constraint, no project start drives it there (MSP/P6 levelled)
``file_off_calendar``      the file's own start and finish do not fit its calendar and
                           duration (it was scheduled with other calendar data)
``summary``                a summary whose children all agree (rolled up differently)
``unexplained``            none of the above

A task without a cause of its own takes the reason of a differing predecessor (or child,
for a summary; or its summary's predecessor), with ``via`` naming the task where the cause is.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from eoms.scheduling.engine.model import Constraint, LinkType, ScheduleResult

from .document import (
    LinkDoc,
    ResolvedCalendar,
    ScheduleDocument,
    TaskDoc,
)
from .engine_calendar import CalendarLosses, calendar_losses
from .worktime import add_working, working_minutes_between

UNEXPLAINED = "unexplained"
LAG_REASONS = {"elapsed_lag", "percent_lag", "elapsed_duration"}
CONSTRAINT_REASONS = {"unsupported_constraint", "unsupported_task_type"}
CALENDAR_REASONS = {"lag_calendar", "resource_calendar"}
RESOURCE_REASONS = {"work_contour"}


@dataclass
class Difference:
    external_id: str
    name: str
    field: str  # start | finish
    file_date: datetime
    eoms_date: datetime
    reason: str
    delta_minutes: int = 0  # working minutes EOMS is later (negative: earlier)
    via: str | None = None  # the task where the cause lies, when not this one


@dataclass
class CompareSummary:
    compared: int = 0
    equal: int = 0
    explained: int = 0
    unexplained: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)


class _Comparer:
    def __init__(self, document: ScheduleDocument, result: ScheduleResult):
        self.document = document
        self.result = result
        self.tasks = document.task_map()
        self.calendars: dict[str | None, ResolvedCalendar] = {}
        self.losses: dict[str | None, CalendarLosses] = {}
        self.incoming: dict[str, list[LinkDoc]] = {}
        self.outgoing: dict[str, list[str]] = {}
        for link in document.links:
            self.incoming.setdefault(link.successor_id, []).append(link)
            self.outgoing.setdefault(link.predecessor_id, []).append(link.successor_id)
        self.children: dict[str, list[str]] = {}
        for task in document.tasks:
            if task.parent_id:
                self.children.setdefault(task.parent_id, []).append(task.external_id)
        self.raw: dict[str, list[Difference]] = {}
        self.reasons: dict[str, tuple[str, str | None]] = {}

    def calendar(self, task: TaskDoc) -> ResolvedCalendar:
        if task.calendar_id not in self.calendars:
            cal = self.document.resolve_calendar(task.calendar_id)
            self.calendars[task.calendar_id] = cal
            self.losses[task.calendar_id] = calendar_losses(cal)
        return self.calendars[task.calendar_id]

    def run(self) -> list[Difference]:
        for task in self.document.tasks:
            got = self.result.tasks.get(task.external_id)
            if got is None:
                continue
            cal = self.calendar(task)
            for name, mine, theirs in (("start", got.early_start, task.compare_start),
                                       ("finish", got.early_finish, task.compare_finish)):
                if theirs is None:
                    continue
                gap = working_minutes_between(theirs, mine, cal)
                if gap:
                    self.raw.setdefault(task.external_id, []).append(
                        Difference(task.external_id, task.name, name, theirs, mine, "", gap))
        self.resolve()
        out: list[Difference] = []
        for task_id, diffs in self.raw.items():
            reason, via = self.reasons[task_id]
            for diff in diffs:
                diff.reason, diff.via = reason, via
                out.append(diff)
        return out

    def resolve(self) -> None:
        """Own causes first; then, until nothing changes, a task without one takes the
        reason of a differing upstream task that has one. The rest is unexplained."""
        for task_id in self.raw:
            own = self.own_reason(task_id)
            if own:
                self.reasons[task_id] = (own, None)
        changed = True
        while changed:
            changed = False
            for task_id in self.raw:
                if task_id in self.reasons:
                    continue
                for other in self.upstream(task_id):
                    if other in self.reasons:
                        reason, via = self.reasons[other]
                        self.reasons[task_id] = (reason, via or other)
                        changed = True
                        break
        for task_id in self.raw:
            if task_id not in self.reasons:
                culprit = next(iter(self.upstream(task_id)), None)
                self.reasons[task_id] = (UNEXPLAINED, culprit)

    def upstream(self, task_id: str) -> list[str]:
        """Differing tasks whose dates feed this one's: predecessors whose linked date
        differs, children (for a summary), its summaries' predecessors, successors (ALAP)."""
        task = self.tasks[task_id]
        found = [link.predecessor_id for link in self.incoming.get(task_id, [])
                 if self.differs(link.predecessor_id, _pred_field(link))]
        found += self.children.get(task_id, [])
        parent = task.parent_id
        while parent in self.tasks:  # a summary's links drive its children
            found += [link.predecessor_id for link in self.incoming.get(parent, [])
                      if self.differs(link.predecessor_id, _pred_field(link))]
            parent = self.tasks[parent].parent_id
        if task.constraint == Constraint.ALAP:  # placed by its successors' dates
            found += self.outgoing.get(task_id, [])
        return [o for o in found if o in self.raw and o != task_id]

    def differs(self, task_id: str, field_name: str) -> bool:
        return any(d.field == field_name for d in self.raw.get(task_id, []))

    def own_reason(self, task_id: str) -> str | None:
        task = self.tasks[task_id]
        codes = self.document.warning_codes(task_id)
        if task.has_actuals:
            return "has_actuals"
        if "external_link" in codes:
            return "external_link"
        if codes & CONSTRAINT_REASONS:
            return "unsupported_constraint"
        lags = self.incoming.get(task_id, [])
        if codes & LAG_REASONS or any(not link.supported for link in lags):
            return "elapsed_lag"
        if codes & CALENDAR_REASONS or self.calendar_in_window(task):
            return "calendar_detail"
        if codes & RESOURCE_REASONS:
            return "resource_driven"
        if self.off_calendar(task):
            return "file_off_calendar"
        if task.is_summary:
            return None if any(c in self.raw for c in self.children.get(task_id, [])) else "summary"
        if task.leveling_delay or (task.constraint != Constraint.ALAP and self.levelled(task)):
            return "resource_levelling"
        return None

    def off_calendar(self, task: TaskDoc) -> bool:
        """The file's own start and finish do not fit its own calendar and duration (a
        date on a day off, or the wrong amount of working time between them): its
        scheduler used other calendar data."""
        if task.is_summary or task.has_actuals:
            return False
        start, finish = task.compare_start, task.compare_finish
        if start is None or finish is None:
            return False
        cal = self.calendar(task)
        if task.duration and any(not cal.hours_on(m.date()) for m in (start, finish)):
            return True
        expected = task.remaining_duration if task.remaining_duration is not None else task.duration
        return abs(working_minutes_between(start, finish, cal) - expected) > 1

    def calendar_in_window(self, task: TaskDoc) -> bool:
        self.calendar(task)
        losses = self.losses[task.calendar_id]
        if not losses.any:
            return False
        got = self.result.tasks[task.external_id]
        moments = [m for m in (task.compare_start, task.compare_finish, got.early_start,
                               got.early_finish) if m is not None]
        return losses.touches(min(moments).date(), max(moments).date())

    def levelled(self, task: TaskDoc) -> bool:
        """The file puts the task later than CPM and nothing in the file drives it there."""
        got = self.result.tasks[task.external_id]
        start, finish = task.compare_start, task.compare_finish
        if start is None or finish is None:
            return False
        cal = self.calendar(task)
        if working_minutes_between(start, got.early_start, cal) >= 0:
            return False  # the file is not later than EOMS
        same = lambda a, b: a is not None and b is not None and working_minutes_between(  # noqa: E731
            a, b, cal) == 0
        project = self.document.project
        if same(start, project.start) or same(start, project.status_date):
            return False
        if task.constraint in (Constraint.SNET, Constraint.MSO) and same(
                start, task.constraint_date):
            return False
        if task.constraint in (Constraint.FNET, Constraint.MFO) and same(
                finish, task.constraint_date):
            return False
        holder: TaskDoc | None = task
        while holder is not None:
            for link in self.incoming.get(holder.external_id, []):
                pred = self.tasks.get(link.predecessor_id)
                if pred is not None and self.drives(link, pred, start, finish, cal, same):
                    return False
            holder = self.tasks.get(holder.parent_id) if holder.parent_id else None
        return True

    @staticmethod
    def drives(link: LinkDoc, pred: TaskDoc, start, finish, cal, same) -> bool:
        from_finish = link.type in (LinkType.FS, LinkType.FF)
        anchor = pred.compare_finish if from_finish else pred.compare_start
        if anchor is None:
            return False
        target = add_working(anchor, link.lag, cal)
        to_start = link.type in (LinkType.FS, LinkType.SS)
        return same(target, start if to_start else finish)


def _pred_field(link: LinkDoc) -> str:
    return "finish" if link.type in (LinkType.FS, LinkType.FF) else "start"


def compare(document: ScheduleDocument, result: ScheduleResult) -> list[Difference]:
    """Every early start/finish of EOMS that differs from the file's, with its reason."""
    return _Comparer(document, result).run()


def summarize(document: ScheduleDocument, result: ScheduleResult,
              differences: list[Difference]) -> CompareSummary:
    """Tasks compared (those with a file date that EOMS scheduled), equal, explained
    (every difference has a known reason) and unexplained."""
    compared = [t.external_id for t in document.tasks
                if t.external_id in result.tasks and (t.compare_start or t.compare_finish)]
    by_task: dict[str, list[Difference]] = {}
    for diff in differences:
        by_task.setdefault(diff.external_id, []).append(diff)
    unexplained = sum(1 for d in by_task.values() if any(x.reason == UNEXPLAINED for x in d))
    return CompareSummary(
        compared=len(compared),
        equal=sum(1 for t in compared if t not in by_task),
        explained=len(by_task) - unexplained,
        unexplained=unexplained,
        by_reason=dict(Counter(d[0].reason for d in by_task.values())),
    )
