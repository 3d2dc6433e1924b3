"""Accepting a task (验收): refused, with every reason, while an inspection of it is open
or failed, a non-conformance of it is open, or — concealed work — its inspection has not
passed with the photos taken during the work on the site."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from eoms.core.access import ADD, require
from eoms.core.context import business_event
from eoms.quality import gates
from eoms.quality.models import TaskAcceptance
from eoms.scheduling.models import Task
from eoms.scheduling.services import field_error

MAX_NOTE = 300


@transaction.atomic
def accept_task(task: Task, *, actor: Any, note: str = "") -> TaskAcceptance:
    locked = (Task.objects.select_for_update(of=("self",))
              .select_related("order__project").get(pk=task.pk))
    acceptance = TaskAcceptance(task=locked, accepted_by=actor, note=(note or "").strip(),
                                created_by=actor)
    require(actor, ADD, acceptance)
    if len(acceptance.note) > MAX_NOTE:
        raise field_error("note", _("验收意见不能超过 %(n)s 个字符。") % {"n": MAX_NOTE},
                          "too_long")
    reasons = gates.acceptance_refusals(locked)
    if reasons:
        raise ValidationError([ValidationError(reason, code="not_acceptable")
                               for reason in reasons])
    with business_event("task.accepted", actor=actor):
        acceptance.save()
    return acceptance
