"""The route walker's view of keeping templates and checkpoints (read by
eoms/testing/routes_quality.py): pages and API writes on the seeded 钢筋隐蔽验收 (QT-GJ)
and the seeded checkpoint 钢筋分项完工验收; new templates and checkpoints get a code and
name unique per request. A permitted DELETE removes a fresh unused template."""

from __future__ import annotations

import itertools
from typing import Any

from eoms.core.access import ADD
from eoms.core.context import Channel, acting
from eoms.quality.models import Checkpoint, InspectionTemplate

API = "/api/v1/quality"
_serial = itertools.count(1)


def _seeded(w: Any) -> InspectionTemplate:
    return InspectionTemplate.objects.get(code="QT-GJ")


def _checkpoint(w: Any) -> Checkpoint:
    return Checkpoint.objects.get(name="钢筋分项完工验收")


def _unused(w: Any) -> InspectionTemplate:
    n = next(_serial)
    with acting(Channel.TEST):
        return InspectionTemplate.objects.create(code=f"QT-DEL{n:05d}", name=f"待删模板{n:05d}",
                                                 standard_kind="company")


def _new_template(w: Any, n: int) -> dict[str, Any]:
    return {"code": f"QT-W{n:05d}", "name": f"巡检模板{n:05d}", "standard_kind": "company"}


def _new_checkpoint(template: Any) -> Any:
    def body(w: Any, n: int) -> dict[str, Any]:
        return {"name": f"巡检检验点{n:05d}", "template": template(w), "trigger": "milestone",
                "milestone": "custom"}

    return body


def targets(target: Any) -> list[tuple[str, Any]]:
    renamed = lambda w, n: {"name": f"巡检改名{n:05d}"}  # noqa: E731
    copied = lambda w, n: {"code": f"QT-C{n:05d}"}  # noqa: E731
    return [
        ("quality:template_create", target(model=InspectionTemplate, form=True,
                                           body=_new_template)),
        ("quality:template_edit", target(model=InspectionTemplate, obj=_seeded, form=True,
                                         body=renamed)),
        ("quality:template_copy", target(model=InspectionTemplate, obj=_seeded, form=True,
                                         action=ADD, body=copied)),
        ("quality:checkpoint_create", target(
            model=Checkpoint, form=True,
            body=_new_checkpoint(lambda w: InspectionTemplate.objects.get(code="QT-FX").pk))),
        ("quality:checkpoint_edit", target(model=Checkpoint, obj=_checkpoint, form=True,
                                           body=renamed)),
        (f"POST {API}/templates", target(model=InspectionTemplate, body=_new_template)),
        (f"PATCH {API}/templates/{{pk}}", target(model=InspectionTemplate, obj=_seeded,
                                                 body=renamed)),
        (f"POST {API}/templates/{{pk}}/copy", target(model=InspectionTemplate, obj=_seeded,
                                                     action=ADD, body=copied)),
        (f"DELETE {API}/templates/{{pk}}", target(model=InspectionTemplate, obj=_seeded,
                                                  fresh=_unused)),
        (f"POST {API}/checkpoints", target(
            model=Checkpoint, body=_new_checkpoint(lambda w: "QT-FX"))),
        (f"PATCH {API}/checkpoints/{{pk}}", target(model=Checkpoint, obj=_checkpoint,
                                                   body=renamed)),
    ]
