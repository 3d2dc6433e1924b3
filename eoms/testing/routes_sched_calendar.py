"""The route walker's view of the work-calendar and baseline pages
(eoms/scheduling/urls_calendar.py): targets of each route, and bulk calendars for the
query-count test of the calendar list.

The world's calendar is world.project's (kept by world.pm); deletes get a fresh calendar
of a new project world.pm manages, a fresh exception, a fresh baseline, so the world keeps
its own.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from django.db import models

from eoms.core.access import ADD, CHANGE, DELETE
from eoms.core.context import Channel, acting
from eoms.masterdata.models import Project
from eoms.scheduling import services_plan
from eoms.scheduling.models import Baseline, CalendarException, WorkCalendar

_serial = itertools.count(1)
FIRST_WALKER_DAY = date(2030, 1, 7)  # far after the world's schedule: moves nothing


def _plan(w: Any) -> Any:
    from eoms.testing.routes_scheduling import world_schedule  # that module imports this one

    return world_schedule(w)


def _calendar(w: Any) -> WorkCalendar:
    return _plan(w).calendar


def _walker_day(n: int) -> date:
    return FIRST_WALKER_DAY + timedelta(days=n)


def _fresh_calendar(w: Any) -> WorkCalendar:
    """A calendar of a new project of world.pm (no schedule uses it: it may go)."""
    i = next(_serial)
    with acting(Channel.TEST):
        project = Project.objects.create(code=f"PRJ-C{i:05d}", name=f"巡检日历项目{i:05d}",
                                         customer=w.customer, manager=w.pm)
        return services_plan.save_calendar(None, actor=w.manager, data={
            "name": f"巡检可删日历{i:05d}", "project": project})


def _exception(w: Any) -> CalendarException:
    calendar = _calendar(w)
    with acting(Channel.TEST):
        return services_plan.set_exception(calendar, actor=w.manager,
                                           day=_walker_day(4000 + next(_serial)),
                                           kind="holiday", name="巡检休息日")


def _baseline(w: Any) -> Baseline:
    plan = _plan(w)
    with acting(Channel.TEST):
        return services_plan.save_baseline(plan.order, actor=w.manager,
                                           name=f"巡检基线{next(_serial):05d}")


def _of_order(baseline: Any) -> dict[str, Any]:
    return {"order_pk": baseline.order_id}


def _calendar_targets(target: Any) -> list[tuple[str, Any]]:
    form = ("GET", "POST")
    return [
        ("scheduling:calendar_list", target(model=WorkCalendar, obj=_calendar)),
        ("scheduling:calendar_create", target(
            model=WorkCalendar, action=ADD, form=True, methods=form,
            acts_on=lambda w, _obj: WorkCalendar(),
            body=lambda w, n: {"name": f"巡检新建日历{n:05d}"})),
        ("scheduling:calendar_detail", target(model=WorkCalendar, obj=_calendar)),
        ("scheduling:calendar_edit", target(
            model=WorkCalendar, obj=_calendar, action=CHANGE, form=True, methods=form,
            body=lambda w, n: {"name": f"巡检修改日历{n:05d}"})),
        ("scheduling:calendar_delete", target(model=WorkCalendar, obj=_calendar,
                                              action=DELETE, fresh=_fresh_calendar)),
        ("scheduling:calendar_exception_set", target(
            model=WorkCalendar, obj=_calendar, action=CHANGE,
            body=lambda w, n: {"date": _walker_day(n).isoformat(), "kind": "holiday",
                               "name": f"巡检例外{n:05d}"})),
        ("scheduling:calendar_exception_delete", target(
            model=CalendarException, obj=_exception, action=DELETE, fresh=_exception)),
    ]


def _baseline_targets(target: Any) -> list[tuple[str, Any]]:
    return [
        ("scheduling:baseline_list", target(model=Baseline, obj=_baseline, kwargs=_of_order)),
        ("scheduling:baseline_create", target(
            model=Baseline, obj=_baseline, kwargs=_of_order, action=ADD,
            acts_on=lambda w, b: Baseline(order=b.order),
            body=lambda w, n: {"name": f"巡检新基线{n:05d}", "note": "巡检"})),
        ("scheduling:baseline_detail", target(model=Baseline, obj=_baseline)),
        ("scheduling:baseline_delete", target(model=Baseline, obj=_baseline, action=DELETE,
                                              fresh=_baseline)),
        ("scheduling:baseline_export", target(model=Baseline, obj=_baseline)),
    ]


def targets(target: Any) -> list[tuple[str, Any]]:
    return [*_calendar_targets(target), *_baseline_targets(target)]


# --- bulk rows for the query-count test ----------------------------------------------------

def _bulk_calendars(world: Any, n: int, user: Any) -> list[models.Model]:
    """Company calendars (every staff member sees them all)."""
    return list(WorkCalendar.objects.bulk_create([
        WorkCalendar(code=f"CAL-Q{i:05d}", name=f"批量日历{i:05d}")
        for i in (next(_serial) for _ in range(n))]))


MAKERS: dict[type[models.Model], Any] = {WorkCalendar: _bulk_calendars}
