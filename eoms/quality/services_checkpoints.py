"""Keeping checkpoints: when an inspection starts by itself. Create, update, deactivate.

The trigger decides which conditions make sense, and the others must stay empty:
- task reported complete: a work type, or concealed work only (or both);
- milestone reached: a milestone kind;
- order submitted for inspection: optionally an order type.
Any of them may be limited to one project. The template must be active.
A refusal names the field and writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from eoms.core.access import ADD, CHANGE, require
from eoms.core.context import business_event
from eoms.masterdata.models import Project
from eoms.masterdata.services import StaleVersion, last_change_by
from eoms.orders.choices import OrderType
from eoms.quality.choices import Trigger
from eoms.quality.models import Checkpoint, InspectionTemplate
from eoms.scheduling.choices import MilestoneKind, WorkType

CHECKPOINT_FIELDS = ("name", "template", "trigger", "work_type", "concealed_only",
                     "milestone", "order_type", "project", "active")
CONDITIONS = {"work_type": WorkType, "milestone": MilestoneKind, "order_type": OrderType}
# The conditions each trigger reads; the others must be empty.
USES = {Trigger.TASK_DONE: {"work_type", "concealed_only"},
        Trigger.MILESTONE: {"milestone"}, Trigger.ORDER_INSPECTION: {"order_type"}}


def _values(data: Mapping[str, Any], current: Checkpoint | None) -> dict[str, Any]:
    values = {field: data.get(field, getattr(current, field, None) if current else None)
              for field in CHECKPOINT_FIELDS}
    for field in ("name", "trigger", "work_type", "milestone", "order_type"):
        values[field] = str(values[field] or "").strip()
    values["concealed_only"] = bool(values["concealed_only"])
    values["active"] = True if values["active"] is None else bool(values["active"])
    return values


def _basic_errors(values: Mapping[str, Any], current: Checkpoint | None) -> dict[str, str]:
    errors = {}
    if not values["name"]:
        errors["name"] = _("请填写检验点名称。")
    elif len(values["name"]) > 100:
        errors["name"] = _("名称过长（最多 100 个字符）。")
    template = values["template"]
    if not isinstance(template, InspectionTemplate):
        errors["template"] = _("请选择检验模板。")
    elif (not InspectionTemplate.objects.filter(pk=template.pk, active=True).exists()
          and (current is None or current.template_id != template.pk)):
        errors["template"] = _("检验模板“%(t)s”已停用，不能用于检验点。") % {"t": template.name}
    project = values["project"]
    if project is not None and not isinstance(project, Project):
        errors["project"] = _("项目无效。")
    for field, choices in CONDITIONS.items():
        if values[field] and values[field] not in choices.values:
            errors[field] = _("所选值无效，请从列表中选择。")
    return errors


def _trigger_errors(values: Mapping[str, Any]) -> dict[str, str]:
    trigger = values["trigger"]
    if trigger not in Trigger.values:
        return {"trigger": _("请选择触发时机。")}
    errors = {}
    label = Trigger(trigger).label
    for field in ("work_type", "concealed_only", "milestone", "order_type"):
        if values[field] and field not in USES[Trigger(trigger)]:
            errors[field] = _("触发时机为“%(t)s”时不使用此条件，请留空。") % {"t": label}
    if trigger == Trigger.TASK_DONE and not (values["work_type"] or values["concealed_only"]):
        errors["work_type"] = _("任务报告完成时触发：请选择分项类别，或勾选“仅隐蔽工程”。")
    if trigger == Trigger.MILESTONE and not values["milestone"]:
        errors["milestone"] = _("里程碑达成时触发：请选择里程碑。")
    return errors


def _check(values: Mapping[str, Any], current: Checkpoint | None) -> None:
    errors = _trigger_errors(values) | _basic_errors(values, current)
    if errors:
        raise ValidationError({k: [ValidationError(m, code="invalid")]
                               for k, m in errors.items()})


@transaction.atomic
def create_checkpoint(*, actor: Any, data: Mapping[str, Any]) -> Checkpoint:
    require(actor, ADD, Checkpoint)
    values = _values(data, None)
    _check(values, None)
    checkpoint = Checkpoint(**values, created_by=actor if getattr(actor, "pk", None)
                            else None)
    with business_event("quality.checkpoint_created", actor=actor):
        checkpoint.save()
    return checkpoint


@transaction.atomic
def update_checkpoint(checkpoint: Checkpoint, *, actor: Any, data: Mapping[str, Any],
                      expected_version: int | None = None) -> Checkpoint:
    """Change a checkpoint; `{"active": False}` deactivates it (it starts nothing more,
    the inspections it started keep it)."""
    locked = Checkpoint.objects.select_for_update(of=("self",)).select_related("template").get(
        pk=checkpoint.pk)
    require(actor, CHANGE, locked)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(_("该检验点已被 %(who)s 修改（当前版本 %(v)s），请刷新后重新编辑。")
                           % {"who": last_change_by(locked), "v": locked.version},
                           code="stale")
    values = _values(data, locked)
    _check(values, locked)
    for field, value in values.items():
        setattr(locked, field, value)
    locked.version += 1
    with business_event("quality.checkpoint_updated", actor=actor):
        locked.save()
    return locked


def deactivate_checkpoint(checkpoint: Checkpoint, *, actor: Any) -> Checkpoint:
    return update_checkpoint(checkpoint, actor=actor, data={"active": False})
