"""Every change to inspections: started (by a checkpoint or by hand), assigned to a QC
inspector, answered item by item with photos and signatures, completed (passed or failed:
a failure opens non-conformances with a rework task), re-inspected, cancelled.

Each service checks permission and invariants, writes in one transaction under a named
business event, and refuses bad input with a localized message naming the item; a
refusal writes nothing (files included).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eoms.accounts.models import User
from eoms.core import codes, notifications
from eoms.core.access import ADD, CHANGE, QC_INSPECTOR, require
from eoms.core.context import business_event
from eoms.core.stored_files import delete_on_rollback
from eoms.masterdata.services import StaleVersion
from eoms.orders.models import Order
from eoms.quality import answers, media
from eoms.quality.choices import InspectionStatus, ItemKind
from eoms.quality.models import (
    Checkpoint,
    Inspection,
    InspectionResult,
    InspectionTemplate,
)
from eoms.quality.policies import REINSPECT
from eoms.scheduling.models import Task
from eoms.scheduling.services import field_error

codes.register_default("inspection", "QI-{year}-{seq:05}")
notifications.register_kind("inspection.assigned", gettext_lazy("分派给我的质量检验"))
notifications.register_kind("inspection.unassigned", gettext_lazy("质量检验无人可派"))
notifications.register_kind("inspection.failed", gettext_lazy("质量检验不合格"))


def inspection_url(inspection: Inspection) -> str:
    return reverse("quality:inspection_detail", args=[inspection.pk])


# --- starting and assigning --------------------------------------------------------------------

def choose_inspector(order: Order) -> Any:
    """A QC inspector of the order's project with the fewest open inspections, else any
    active QC inspector (the fewest again), else None."""
    qc = User.objects.with_role(QC_INSPECTOR).filter(is_active=True)
    for pool in (qc.filter(project_memberships__project=order.project_id), qc):
        ids = list(pool.values_list("pk", flat=True))
        if not ids:
            continue
        load = dict.fromkeys(ids, 0)
        for inspector_id in Inspection.objects.filter(
                inspector__in=ids, status=InspectionStatus.OPEN).values_list(
                "inspector", flat=True):
            load[inspector_id] += 1
        return User.objects.get(pk=min(ids, key=lambda pk: (load[pk], pk)))
    return None


def _tell(inspection: Inspection) -> None:
    what = describe_subject(inspection)
    if inspection.inspector is not None:
        notifications.notify(
            [inspection.inspector], kind="inspection.assigned",
            title=_("新的质量检验：%(t)s") % {"t": inspection.template.name},
            body=what, url=inspection_url(inspection))
        return
    order = inspection.order
    manager = order.project.manager or order.owner
    if manager is not None:
        notifications.notify(
            [manager], kind="inspection.unassigned",
            title=_("质量检验 %(c)s 没有可分派的质检员") % {"c": inspection.code},
            body=_("%(what)s。系统中没有在职的质检员，请指定检验人员。") % {"what": what},
            url=inspection_url(inspection))


def describe_subject(inspection: Inspection) -> str:
    order = inspection.order
    if inspection.task is not None:
        return _("订单 %(o)s · 任务“%(t)s”") % {"o": order.code, "t": inspection.task.name}
    return _("订单 %(o)s %(title)s") % {"o": order.code, "title": order.title}


def _create(order: Order, template: InspectionTemplate, *, actor: Any, task: Task | None,
            checkpoint: Checkpoint | None, inspector: Any, repeats: Inspection | None,
            event: str) -> Inspection:
    inspection = Inspection(
        code=codes.next_code("inspection"), order=order, task=task, template=template,
        checkpoint=checkpoint, inspector=inspector,
        round=repeats.round + 1 if repeats is not None else 1, repeats=repeats,
        created_by=actor if getattr(actor, "pk", None) else None)
    with business_event(event, actor=actor):
        inspection.save()
    _tell(inspection)
    return inspection


@transaction.atomic
def start_by_checkpoint(checkpoint: Checkpoint, *, order: Order, task: Task | None,
                        actor: Any) -> Inspection | None:
    """The inspection a checkpoint starts by itself (once per checkpoint and subject: a
    task reported done twice does not get two)."""
    existing = Inspection.objects.filter(checkpoint=checkpoint, order=order, task=task,
                                         repeats=None)
    if existing.exists():
        return None
    return _create(order, checkpoint.template, actor=actor, task=task, checkpoint=checkpoint,
                   inspector=choose_inspector(order), repeats=None,
                   event="inspection.created")


@transaction.atomic
def start_inspection(order: Order, template: InspectionTemplate, *, actor: Any,
                     task: Task | None = None, inspector: Any = None) -> Inspection:
    """An inspection started by hand (QC, the project's manager, management)."""
    require(actor, ADD, Inspection(order=order, task=task, template=template))
    if not template.active:
        raise field_error("template", _("检验模板“%(t)s”已停用。") % {"t": template.name},
                          "inactive")
    if task is not None and task.order_id != order.pk:
        raise field_error("task", _("任务“%(t)s”不属于订单 %(o)s。")
                          % {"t": task.name, "o": order.code}, "other_order")
    if inspector is not None and (not inspector.is_active
                                  or QC_INSPECTOR not in inspector.role_codes):
        raise field_error("inspector", _("检验人员必须是在职的质检员。"), "not_inspector")
    return _create(order, template, actor=actor, task=task, checkpoint=None,
                   inspector=inspector or choose_inspector(order), repeats=None,
                   event="inspection.created")


def _locked(inspection: Inspection, actor: Any, action: str,
            expected_version: int | None = None) -> Inspection:
    locked = (Inspection.objects.select_for_update(of=("self",))
              .select_related("order__project", "task", "template").get(pk=inspection.pk))
    require(actor, action, locked)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(_("检验 %(c)s 已被修改（当前版本 %(v)s），请刷新后重试。")
                           % {"c": locked.code, "v": locked.version}, code="stale")
    return locked


def _must_be_open(inspection: Inspection) -> None:
    if inspection.status != InspectionStatus.OPEN:
        raise ValidationError(_("检验 %(c)s 已%(s)s，不能再修改。") % {
            "c": inspection.code, "s": inspection.get_status_display()}, code="closed")


# --- answering ----------------------------------------------------------------------------

@transaction.atomic
def record_results(inspection: Inspection, *, actor: Any, values: Mapping[Any, Any],
                   photos: Mapping[Any, Sequence[Any]] | None = None, note: str | None = None,
                   expected_version: int | None = None) -> Inspection:
    """Answer items: `values` maps an item (id) to its answer (see eoms.quality.answers),
    `photos` an item (id) to uploads. Every answer and photo is checked before anything
    is written; the errors name the item (`item_<id>`)."""
    locked = _locked(inspection, actor, CHANGE, expected_version)
    _must_be_open(locked)
    items = {item.pk: item for item in locked.template.items.all()}
    checked = answers.check_all(items, values, photos or {})
    already = locked.photos.count()
    prepared = {}
    for item, uploads in checked.photos.items():
        prepared[item.pk] = media.prepare(uploads, field=f"item_{item.pk}", already=already)
        already += len(uploads)
    now = timezone.now()
    written: list[str] = []
    with business_event("inspection.recorded", actor=actor):
        delete_on_rollback(written)
        for item, answer in checked.answers.items():
            result = (InspectionResult.objects.filter(inspection=locked, item=item).first()
                      or InspectionResult(inspection=locked, item=item, created_by=actor))
            answers.apply(result, answer)
            if item.kind == ItemKind.SIGNATURE and answer.signature is not None:
                media.save_signature(result, answer.signature, written)
            result.save()
        for item_pk, ready in prepared.items():
            media.save(ready, inspection=locked, item=items[item_pk], actor=actor, at=now)
        locked.started_at = locked.started_at or now
        if note is not None:
            locked.note = str(note)[:5000]
        if locked.inspector_id is None and QC_INSPECTOR in actor.role_codes:
            locked.inspector = actor
        locked.version += 1
        locked.save()
    return locked


# --- completing, re-inspecting, cancelling ----------------------------------------------------

@transaction.atomic
def complete_inspection(inspection: Inspection, *, actor: Any, note: str | None = None,
                        expected_version: int | None = None) -> Inspection:
    """Passed when every answered item passes; failed otherwise, opening a non-conformance
    per failed item and a rework task. Refused, naming them, while a required item is
    unanswered or a photo item lacks photos."""
    from eoms.quality import services_ncr  # it imports this module

    locked = _locked(inspection, actor, CHANGE, expected_version)
    _must_be_open(locked)
    items = list(locked.template.items.all())
    results = {r.item_id: r for r in locked.results.all()}
    counts: dict[int, int] = {}
    for photo in locked.photos.all():
        counts[photo.item_id or 0] = counts.get(photo.item_id or 0, 0) + 1
    answers.check_complete(items, results, counts)
    failed = [item for item in items if item.pk in results and results[item.pk].passed is False]
    now = timezone.now()
    locked.status = InspectionStatus.FAILED if failed else InspectionStatus.PASSED
    locked.completed_at, locked.completed_by = now, actor
    locked.started_at = locked.started_at or now
    if note is not None:
        locked.note = str(note)[:5000]
    locked.version += 1
    event = "inspection.failed" if failed else "inspection.passed"
    with business_event(event, actor=actor):
        locked.save()
    if failed:
        services_ncr.open_for_failure(locked, [(item, results[item.pk]) for item in failed],
                                      actor=actor)
    return locked


@transaction.atomic
def reinspect(inspection: Inspection, *, actor: Any,
              expected_version: int | None = None) -> Inspection:
    """The next round of a failed inspection (after the rework), by the same inspector
    when he is still active."""
    locked = _locked(inspection, actor, REINSPECT, expected_version)
    if locked.status != InspectionStatus.FAILED:
        raise ValidationError(_("只有不合格的检验才能复检，检验 %(c)s 为“%(s)s”。") % {
            "c": locked.code, "s": locked.get_status_display()}, code="not_failed")
    again = Inspection.objects.filter(repeats=locked).first()
    if again is not None:
        raise ValidationError(_("检验 %(c)s 已安排复检 %(r)s。") % {
            "c": locked.code, "r": again.code}, code="already_reinspected")
    inspector = locked.inspector if locked.inspector and locked.inspector.is_active else \
        choose_inspector(locked.order)
    return _create(locked.order, locked.template, actor=actor, task=locked.task,
                   checkpoint=locked.checkpoint, inspector=inspector, repeats=locked,
                   event="inspection.reinspection")


@transaction.atomic
def cancel_inspection(inspection: Inspection, *, actor: Any, reason: str) -> Inspection:
    locked = _locked(inspection, actor, CHANGE)
    _must_be_open(locked)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("取消检验需要填写原因。"), "required")
    locked.status = InspectionStatus.CANCELLED
    locked.version += 1
    with business_event("inspection.cancelled", actor=actor, reason=reason):
        locked.save()
    return locked
