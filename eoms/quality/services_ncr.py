"""Non-conformance (不合格项, NCR): opened by a failed inspection, one per failed item,
with one rework task in the schedule (named after the task, finish-to-start after it);
closed only after a re-inspection of it passed."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from eoms.core import codes, notifications
from eoms.core.access import CHANGE, require
from eoms.core.context import business_event
from eoms.lib.text import plain_decimal
from eoms.quality.answers import tolerance_text
from eoms.quality.choices import InspectionStatus, ItemKind, NcrStatus, Severity
from eoms.quality.models import Inspection, InspectionResult, NonConformance, TemplateItem
from eoms.quality.policies import CLOSE
from eoms.scheduling import services as scheduling
from eoms.scheduling.models import Task
from eoms.scheduling.services import field_error

codes.register_default("ncr", "NCR-{year}-{seq:05}")
REWORK_DAYS = 1


def _cause(item: TemplateItem, result: InspectionResult) -> str:
    if item.kind == ItemKind.MEASUREMENT and result.value is not None:
        return _("“%(item)s”实测 %(value)s %(unit)s，超出允许范围 %(range)s。") % {
            "item": item.label, "value": plain_decimal(result.value), "unit": item.unit,
            "range": tolerance_text(item)}
    return _("“%(item)s”检验不合格。") % {"item": item.label}


def _rework_task(inspection: Inspection, *, actor: Any) -> Task | None:
    """One rework task per failed inspection of a task, planned by the system for the
    inspector (who does not plan schedules himself)."""
    task = inspection.task
    if task is None:
        return None
    rework = scheduling.create_task(task.order, actor=actor, check_permission=False, data={
        "name": (_("返工：%(task)s") % {"task": task.name})[:200],
        "owner": task.owner, "crew": task.crew, "duration_days": REWORK_DAYS,
        "notes": _("检验 %(code)s 不合格，返工后复检。") % {"code": inspection.code}})
    scheduling.add_link(task, rework, actor=actor, link_type="FS", check_permission=False)
    return rework


def open_for_failure(inspection: Inspection, failures: list[tuple[TemplateItem,
                                                                   InspectionResult]],
                     *, actor: Any) -> list[NonConformance]:
    """Inside complete_inspection's transaction."""
    rework = _rework_task(inspection, actor=actor)
    task = inspection.task
    made = []
    with business_event("ncr.opened", actor=actor):
        for item, result in failures:
            made.append(NonConformance.objects.create(
                code=codes.next_code("ncr"), inspection=inspection, item=item,
                order=inspection.order, task=task, severity=Severity.MAJOR,
                cause=_cause(item, result), responsible_crew=task.crew if task else None,
                rework_task=rework, created_by=actor))
    _tell_failure(inspection, made)
    return made


def _tell_failure(inspection: Inspection, made: list[NonConformance]) -> None:
    order = inspection.order
    people = {u for u in (order.project.manager, order.owner) if u is not None}
    if inspection.task is not None and inspection.task.crew is not None:
        leader = inspection.task.crew.leader
        if leader is not None:
            people.add(leader)
    notifications.notify(
        people, kind="inspection.failed",
        title=_("检验 %(c)s 不合格（%(n)s 项）") % {"c": inspection.code, "n": len(made)},
        body="\n".join(ncr.cause for ncr in made),
        url=reverse("quality:inspection_detail", args=[inspection.pk]))


def _chain_after(inspection: Inspection) -> list[Inspection]:
    """The re-inspections that followed an inspection, in order."""
    found, current = [], inspection
    while True:
        nxt = Inspection.objects.filter(repeats=current).first()
        if nxt is None:
            return found
        found.append(nxt)
        current = nxt


def _passed_reinspection(ncr: NonConformance) -> Inspection:
    later = _chain_after(ncr.inspection)
    passed = next((i for i in later if i.status == InspectionStatus.PASSED), None)
    if passed is not None:
        return passed
    if not later:
        why = _("还没有安排复检")
    elif later[-1].status == InspectionStatus.OPEN:
        why = _("复检 %(c)s 尚未完成") % {"c": later[-1].code}
    else:
        why = _("复检 %(c)s 为“%(s)s”") % {"c": later[-1].code,
                                          "s": later[-1].get_status_display()}
    raise ValidationError(_("不合格项 %(code)s 须在复检合格后才能关闭：%(why)s。")
                          % {"code": ncr.code, "why": why}, code="needs_reinspection")


@transaction.atomic
def close_ncr(ncr: NonConformance, *, actor: Any, note: str = "",
              expected_version: int | None = None) -> NonConformance:
    locked = (NonConformance.objects.select_for_update(of=("self",))
              .select_related("inspection").get(pk=ncr.pk))
    require(actor, CLOSE, locked)
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(_("不合格项已被修改，请刷新后重试。"), code="stale")
    if locked.status == NcrStatus.CLOSED:
        raise ValidationError(_("不合格项 %(code)s 已关闭。") % {"code": locked.code},
                              code="closed")
    note = (note or "").strip()
    if len(note) > 2000:
        raise field_error("note", _("关闭说明不能超过 2000 个字符。"), "too_long")
    locked.closing_inspection = _passed_reinspection(locked)
    locked.status, locked.closed_by, locked.closed_at = NcrStatus.CLOSED, actor, timezone.now()
    locked.closing_note = note
    locked.version += 1
    with business_event("ncr.closed", actor=actor):
        locked.save()
    return locked


@transaction.atomic
def update_ncr(ncr: NonConformance, *, actor: Any, severity: str | None = None,
               cause: str | None = None, responsible_crew: Any = ...,
               expected_version: int | None = None) -> NonConformance:
    """Correct an open NCR: its severity, cause and responsible crew."""
    locked = NonConformance.objects.select_for_update().get(pk=ncr.pk)
    require(actor, CHANGE, locked)
    if locked.status == NcrStatus.CLOSED:
        raise ValidationError(_("不合格项 %(code)s 已关闭，不能修改。") % {"code": locked.code},
                              code="closed")
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(_("不合格项已被修改，请刷新后重试。"), code="stale")
    if severity is not None:
        if severity not in Severity.values:
            raise field_error("severity", _("严重程度只能是：%(v)s。")
                              % {"v": "、".join(str(s.label) for s in Severity)}, "invalid")
        locked.severity = severity
    if cause is not None:
        if not cause.strip():
            raise field_error("cause", _("请填写不合格描述及原因。"), "required")
        locked.cause = cause.strip()[:5000]
    if responsible_crew is not ...:
        locked.responsible_crew = responsible_crew
    locked.version += 1
    with business_event("ncr.updated", actor=actor):
        locked.save()
    return locked
