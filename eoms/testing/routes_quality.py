"""The route walker's view of quality: the pages with what each role may do, on the
world's quality work (made again when a rollback removed it):

- an open 钢筋隐蔽验收 of the concealed task 底板钢筋绑扎 (world.worker's), assigned to
  world.qc, with one photo recorded: detail, fill (GET and POST) and the photo;
- a failed 分项工程验收 of the world's order (no task) with its NCR and a signature: the
  NCR pages, the signature, and re-inspection (a new failed one is made for each permitted
  re-inspection, since an inspection is re-inspected once);
- an inspection of world.other_order, so the lists show what must not leak.

Closing the NCR is refused to everyone allowed (its re-inspection has not passed) and
accepting the task too (its inspection is open): the walker checks who gets the refusal
(the page again / a redirect back to the task) and who gets 403 or 404; the successful
paths are tested in tests/quality.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.db import models

from eoms.core.access import ADD, CHANGE, VIEW, can
from eoms.core.context import Channel, acting
from eoms.quality import services
from eoms.quality.choices import ItemKind
from eoms.quality.models import (
    Inspection,
    InspectionPhoto,
    InspectionResult,
    InspectionTemplate,
    NonConformance,
    TaskAcceptance,
)
from eoms.quality.policies import CLOSE, REINSPECT
from eoms.testing import routes_q_api, routes_q_archive, routes_q_config
from eoms.testing.photo_samples import jpeg_upload
from eoms.testing.quality_checks import fill
from eoms.testing.quality_world import build_quality, finish


def _failed(w: Any, order: Any) -> Inspection:
    template = InspectionTemplate.objects.get(code="QT-FX")
    with acting(Channel.TEST):
        started = services.start_inspection(order, template, actor=w.manager)
    return fill(started, w.qc, fail="观感质量符合要求")


def world_quality(w: Any) -> Any:
    from eoms.testing.routes_scheduling import world_schedule  # routes → here

    found = w.__dict__.get("_walker_quality")
    if found is not None and Inspection.objects.filter(pk=found.open.pk).exists():
        return found
    q = build_quality(w, world_schedule(w))
    inspection = finish(q.rebar, w.worker)
    assert inspection is not None
    photo_item = inspection.template.items.get(kind=ItemKind.PHOTO)
    with acting(Channel.TEST):
        services.record_results(inspection, actor=w.qc, values={},
                                photos={photo_item.pk: [jpeg_upload("巡检照片.jpg")]})
        other_template = InspectionTemplate.objects.get(code="QT-CL")
        other = services.start_inspection(q.plan.orders.other_order, other_template,
                                          actor=w.manager)
    failed = _failed(w, q.order)
    found = w.__dict__["_walker_quality"] = SimpleNamespace(
        q=q, open=inspection, failed=failed, other=other,
        photo=InspectionPhoto.objects.get(inspection=inspection),
        ncr=NonConformance.objects.get(inspection=failed),
        signature=InspectionResult.objects.exclude(signature="").get(inspection=failed))
    return found


def _to_reinspect(w: Any) -> Inspection:
    found = world_quality(w)
    if Inspection.objects.filter(repeats=found.failed).exists():
        found.failed = _failed(w, found.q.order)
    return found.failed


def _expect(action: str, allowed: str) -> Any:
    """Who sees the object and may `action` it gets `allowed` (the name of an answer in
    eoms.testing.routes: "OK", "INVALID"); who sees it 403; others 404."""

    def expect(user: Any, w: Any, obj: Any) -> str:
        from eoms.testing import routes
        from eoms.testing.routes import HIDDEN, LOGIN, REFUSED, may

        allowed_answer = getattr(routes, allowed)
        if user is None:
            return LOGIN
        if not may(user, VIEW, obj):
            return HIDDEN
        return allowed_answer if can(user, action, obj) and may(user, action, obj) else REFUSED

    return expect


def _accept_expect(user: Any, w: Any, task: Any) -> str:
    from eoms.testing.routes import HIDDEN, LOGIN, REDIRECT, REFUSED, may

    if user is None:
        return LOGIN
    if not may(user, VIEW, task):
        return HIDDEN
    return REDIRECT if can(user, ADD, TaskAcceptance(task=task)) else REFUSED


def targets() -> list[tuple[str, Any]]:
    from eoms.testing.routes import Target  # routes imports this module

    quality = world_quality
    return [
        ("quality:inspection_list", Target(model=Inspection, obj=lambda w: quality(w).other)),
        ("quality:inspection_detail", Target(model=Inspection, obj=lambda w: quality(w).open)),
        ("quality:inspection_fill", Target(
            model=Inspection, obj=lambda w: quality(w).open, action=CHANGE, form=True,
            body=lambda w, n: {"note": f"巡检意见{n:05d}"})),
        ("quality:inspection_reinspect", Target(
            model=Inspection, obj=_to_reinspect, action=REINSPECT,
            expect=_expect(REINSPECT, "OK"))),
        ("quality:photo_image", Target(model=InspectionPhoto, obj=lambda w: quality(w).photo)),
        ("quality:signature_image", Target(model=InspectionResult,
                                           obj=lambda w: quality(w).signature)),
        ("quality:ncr_list", Target(model=NonConformance, obj=lambda w: quality(w).ncr)),
        ("quality:ncr_detail", Target(model=NonConformance, obj=lambda w: quality(w).ncr)),
        ("quality:ncr_close", Target(model=NonConformance, obj=lambda w: quality(w).ncr,
                                     expect=_expect(CLOSE, "INVALID"), audited=False)),
        ("quality:template_list", Target(model=InspectionTemplate)),
        ("quality:template_detail", Target(
            model=InspectionTemplate,
            obj=lambda w: InspectionTemplate.objects.get(code="QT-GJ"))),
        ("quality:task_accept", Target(obj=lambda w: quality(w).q.rebar, expect=_accept_expect,
                                       audited=False)),
        *routes_q_api.targets(Target),
        *routes_q_archive.targets(Target),
        *routes_q_config.targets(Target),
    ]


MAKERS: dict[type[models.Model], Any] = {**routes_q_api.MAKERS}
