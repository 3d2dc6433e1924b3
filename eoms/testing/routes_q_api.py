"""The route walker's view of the quality API (read by eoms/testing/routes_quality.py):
which model decides each operation and which object of the world's quality work fills it,
plus bulk makers of inspections and NCRs for the query-count test.

Some writes cannot succeed with the walker's JSON bodies, so their expected answer is
given (`expect`), and they are tested fully in tests/quality/test_q_api_*.py:
- POST /inspections/{pk}/photos takes multipart files: a JSON body is refused (422
  naming `item`) for those who may fill the inspection;
- POST /inspections/{pk}/complete on the open inspection is refused (422 naming the
  items not answered yet); POST /ncrs/{pk}/close is refused (409: the re-inspection has
  not passed); POST /tasks/{pk}/accept is refused (409: the task's inspection is open).
"""

from __future__ import annotations

import itertools
from typing import Any

from django.db import models

from eoms.core.access import ADD, CHANGE, VIEW, can
from eoms.quality.choices import InspectionStatus, Severity
from eoms.quality.models import (
    Checkpoint,
    Inspection,
    InspectionTemplate,
    NonConformance,
    TaskAcceptance,
)
from eoms.quality.policies import CLOSE, REINSPECT

API = "/api/v1/quality"
_serial = itertools.count(1)


def _quality(w: Any) -> Any:
    from eoms.testing.routes_quality import world_quality  # it imports this module

    return world_quality(w)


def _to_reinspect(w: Any) -> Inspection:
    from eoms.testing.routes_quality import _to_reinspect as again

    return again(w)


def _expect(action: str, allowed: str) -> Any:
    """routes_quality's: who sees the object and may `action` it gets `allowed`; who sees
    it 403; others 404."""

    def expect(user: Any, w: Any, obj: Any) -> str:
        from eoms.testing.routes_quality import _expect as quality_expect

        return quality_expect(action, allowed)(user, w, obj)

    return expect


def _sees_acceptance(user: Any, task: Any) -> bool:
    from eoms.testing.routes import may

    return may(user, VIEW, task) and can(user, VIEW, TaskAcceptance)


def _acceptance_expect(user: Any, w: Any, task: Any) -> str:
    from eoms.testing.routes import HIDDEN, LOGIN, OK

    if user is None:
        return LOGIN
    return OK if _sees_acceptance(user, task) else HIDDEN


def _accept_expect(user: Any, w: Any, task: Any) -> str:
    from eoms.testing.routes import HIDDEN, INVALID, LOGIN, REFUSED

    if user is None:
        return LOGIN
    if not _sees_acceptance(user, task):
        return HIDDEN
    return INVALID if can(user, ADD, TaskAcceptance(task=task)) else REFUSED


def targets(target: Any) -> list[tuple[str, Any]]:
    q = _quality
    rebar = lambda w: q(w).q.rebar  # noqa: E731
    return [
        (f"GET {API}/templates", target(model=InspectionTemplate)),
        (f"GET {API}/templates/{{pk}}", target(
            model=InspectionTemplate, obj=lambda w: InspectionTemplate.objects.get(code="QT-GJ"))),
        (f"GET {API}/checkpoints", target(model=Checkpoint)),
        (f"GET {API}/inspections", target(model=Inspection, obj=lambda w: q(w).other)),
        (f"GET {API}/inspections/{{pk}}", target(model=Inspection, obj=lambda w: q(w).open)),
        (f"POST {API}/inspections/{{pk}}/results", target(
            model=Inspection, obj=lambda w: q(w).open, action=CHANGE,
            body=lambda w, n: {"note": f"巡检意见{n:05d}"})),
        (f"POST {API}/inspections/{{pk}}/photos", target(
            model=Inspection, obj=lambda w: q(w).open, expect=_expect(CHANGE, "INVALID"),
            audited=False)),
        (f"POST {API}/inspections/{{pk}}/complete", target(
            model=Inspection, obj=lambda w: q(w).open, expect=_expect(CHANGE, "INVALID"),
            audited=False)),
        (f"POST {API}/inspections/{{pk}}/reinspect", target(
            model=Inspection, obj=_to_reinspect, expect=_expect(REINSPECT, "OK"))),
        (f"GET {API}/ncrs", target(model=NonConformance, obj=lambda w: q(w).ncr)),
        (f"GET {API}/ncrs/{{pk}}", target(model=NonConformance, obj=lambda w: q(w).ncr)),
        (f"POST {API}/ncrs/{{pk}}/close", target(
            model=NonConformance, obj=lambda w: q(w).ncr, expect=_expect(CLOSE, "INVALID"),
            audited=False)),
        (f"GET {API}/tasks/{{pk}}/acceptance", target(obj=rebar, expect=_acceptance_expect)),
        (f"POST {API}/tasks/{{pk}}/accept", target(obj=rebar, expect=_accept_expect,
                                                    audited=False)),
    ]


# --- bulk rows for the query-count test ------------------------------------------------------

def _inspections(world: Any, n: int, user: Any) -> list[models.Model]:
    """Open, unassigned inspections of the world's concealed task (world.worker's, of
    world.project), so the office, the project's manager, QC and the worker see them (the
    page's 我的检验 shows the unassigned too)."""
    found = _quality(world)
    task = found.q.rebar
    return list(Inspection.objects.bulk_create([Inspection(
        code=f"QI-BULK-{next(_serial):06d}", order=task.order, task=task,
        template=found.open.template, inspector=None, status=InspectionStatus.OPEN)
        for _ in range(n)]))


def _ncrs(world: Any, n: int, user: Any) -> list[models.Model]:
    found = _quality(world)
    failed = found.ncr.inspection
    return list(NonConformance.objects.bulk_create([NonConformance(
        code=f"NCR-BULK-{next(_serial):06d}", inspection=failed, order=failed.order,
        task=found.q.rebar, item=found.ncr.item, severity=Severity.MINOR,
        cause="批量不合格项", responsible_crew=world.crew) for _ in range(n)]))


MAKERS: dict[type[models.Model], Any] = {Inspection: _inspections, NonConformance: _ncrs}
