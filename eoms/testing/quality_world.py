"""Quality work for the fixed test world, made through the services.

    q = build_quality(world)
    q.plan           # build_schedule(world)
    q.order          # q.plan.order (world.project, owner world.pm)
    q.rebar          # "底板钢筋绑扎": concealed, work type 钢筋, owned by world.worker, crew
                     # world.crew, not started
    q.pour           # "底板混凝土浇筑": finish-to-start after q.rebar, owned by world.worker
    q.rebar_template # the seeded 钢筋隐蔽验收 (QT-GJ)
    finish(q.rebar, world.worker)   # report it done; its checkpoint starts the inspection
The seeded checkpoints (eoms/quality/seed.py) are live: finishing q.rebar starts a
钢筋隐蔽验收 assigned to world.qc (the QC inspector member of world.project).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.db import transaction

from eoms.core.context import Channel, acting
from eoms.quality.models import Inspection, InspectionTemplate
from eoms.scheduling import services
from eoms.scheduling.models import Task
from eoms.testing.scheduling_world import build_schedule


def build_quality(world: Any, plan: Any = None) -> SimpleNamespace:
    plan = plan or getattr(world, "_schedule", None) or build_schedule(world)
    world._schedule = plan
    with acting(Channel.TEST):
        add = services.create_task
        rebar = add(plan.order, actor=world.manager, data={
            "name": "底板钢筋绑扎", "duration_days": 2, "is_concealed": True,
            "work_type": "rebar", "owner": world.worker, "crew": world.crew})
        pour = add(plan.order, actor=world.manager, data={
            "name": "底板混凝土浇筑", "duration_days": 1, "owner": world.worker,
            "work_type": "concrete"})
        services.add_link(rebar, pour, actor=world.manager)
    return SimpleNamespace(plan=plan, order=plan.order, rebar=rebar, pour=pour,
                           rebar_template=InspectionTemplate.objects.get(code="QT-GJ"))


def run_on_commit(work: Any) -> Any:
    """Run `work()` and then the on-commit callbacks it queued (signal receivers), as a
    committed transaction would, inside the test's own transaction."""
    connection = transaction.get_connection()
    start = len(connection.run_on_commit)
    result = work()
    queued = connection.run_on_commit[start:]
    del connection.run_on_commit[start:]
    for _savepoints, callback, _robust in queued:
        callback()
    return result


def finish(task: Task, actor: Any) -> Inspection | None:
    """Report a task done (its checkpoints run); the inspection started for it, if any."""
    with acting(Channel.TEST):
        run_on_commit(lambda: services.report_progress(task, actor=actor, percent=100))
    return Inspection.objects.filter(task=task).order_by("-pk").first()
