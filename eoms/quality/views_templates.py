"""Inspection templates: the list with their standards and checkpoints, and one template
with its items (tolerances, photos required)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from eoms.core.access import ADD, CHANGE, VIEW, can
from eoms.quality import answers
from eoms.quality.models import Checkpoint, InspectionTemplate


@login_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can(user, VIEW, InspectionTemplate):
        raise PermissionDenied(VIEW)
    templates = list(InspectionTemplate.objects.for_user(user).order_by("code")[:500])
    checkpoints = list(Checkpoint.objects.for_user(user).select_related("template", "project")
                       .order_by("trigger", "name")[:500])
    return render(request, "quality/template_list.html", {
        "templates": templates, "checkpoints": checkpoints,
        "may_add": can(user, ADD, InspectionTemplate),
        "may_add_checkpoint": can(user, ADD, Checkpoint),
        "may_change_checkpoint": can(user, CHANGE, Checkpoint)})


@login_required
@require_GET
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(InspectionTemplate.objects.for_user(request.user), pk=pk)
    items = [{"item": item, "tolerance": answers.tolerance_text(item),
              "needed": answers.photos_needed(item)} for item in template.items.all()]
    return render(request, "quality/template_detail.html", {
        "template": template, "items": items,
        "checkpoints": list(template.checkpoints.select_related("project")),
        "may_change": can(request.user, CHANGE, template),
        "may_copy": can(request.user, ADD, InspectionTemplate)})
