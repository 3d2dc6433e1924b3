"""Keeping templates and checkpoints on pages (management and QC): a template with its
items (a formset: add, remove, move up/down; the fields each kind uses), a copy of one
under a new code, a checkpoint. A refusal comes back on the form, nothing written."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from eoms.core.access import ADD, CHANGE, can
from eoms.quality import services_checkpoints, services_templates
from eoms.quality.forms_config import (
    CheckpointForm,
    CopyForm,
    TemplateForm,
    item_formset,
    item_rows,
    show_item_errors,
)
from eoms.quality.models import Checkpoint, InspectionTemplate


def _template_for(user: Any, pk: int, action: str) -> InspectionTemplate:
    template = get_object_or_404(InspectionTemplate.objects.for_user(user), pk=pk)
    if not can(user, action, template):
        raise PermissionDenied(action)
    return template


def _save_template(request: HttpRequest, template: InspectionTemplate | None
                   ) -> tuple[Any, Any, list[str], InspectionTemplate | None]:
    data = request.POST if request.method == "POST" else None
    form = TemplateForm(data, template=template)
    formset = item_formset(data, template)
    if data is None or not (form.is_valid() & formset.is_valid()):
        return form, formset, [], None
    rows, owners = item_rows(formset)
    try:
        if template is None:
            return form, formset, [], services_templates.create_template(
                actor=request.user, data=form.service_data(), items=rows)
        return form, formset, [], services_templates.update_template(
            template, actor=request.user, data=form.service_data(), items=rows,
            expected_version=form.expected_version)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {}
        rest = show_item_errors(errors, owners)
        form.show_errors(ValidationError({k: v for k, v in errors.items()
                                          if not k.startswith("items")})
                         if errors else exc)
        return form, formset, rest, None


def _form_page(request: HttpRequest, form: Any, formset: Any, item_errors: list[str],
               template: InspectionTemplate | None) -> HttpResponse:
    title = (_("编辑检验模板 %(t)s") % {"t": template.name}) if template else _("新建检验模板")
    cancel = (reverse("quality:template_detail", args=[template.pk]) if template
              else reverse("quality:template_list"))
    return render(request, "quality/template_form.html", {
        "form": form, "formset": formset, "item_errors": item_errors, "template": template,
        "title": title, "cancel_url": cancel})


@login_required
@require_http_methods(["GET", "POST"])
def template_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, ADD, InspectionTemplate):
        raise PermissionDenied(ADD)
    form, formset, rest, saved = _save_template(request, None)
    if saved is not None:
        messages.success(request, _("已新建检验模板“%(t)s”。") % {"t": saved.name})
        return redirect("quality:template_detail", saved.pk)
    return _form_page(request, form, formset, rest, None)


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template_for(request.user, pk, CHANGE)
    form, formset, rest, saved = _save_template(request, template)
    if saved is not None:
        messages.success(request, _("已保存检验模板“%(t)s”。") % {"t": saved.name})
        return redirect("quality:template_detail", saved.pk)
    return _form_page(request, form, formset, rest, template)


@login_required
@require_http_methods(["GET", "POST"])
def template_copy(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(InspectionTemplate.objects.for_user(request.user), pk=pk)
    if not can(request.user, ADD, InspectionTemplate):
        raise PermissionDenied(ADD)
    data = request.POST if request.method == "POST" else None
    form = CopyForm(data, initial={"name": template.name})
    if data is not None and form.is_valid():
        try:
            copy = services_templates.copy_template(
                template, actor=request.user, code=form.cleaned_data["code"],
                name=form.cleaned_data["name"])
        except ValidationError as exc:
            for field, found in exc.message_dict.items():
                for message in found:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("已复制为检验模板“%(c)s”。") % {"c": copy.code})
            return redirect("quality:template_edit", copy.pk)
    return render(request, "quality/template_copy.html", {"form": form,
                                                           "template": template})


def _checkpoint_page(request: HttpRequest, checkpoint: Checkpoint | None) -> HttpResponse:
    user = request.user
    data = request.POST if request.method == "POST" else None
    form = CheckpointForm(data, user=user, checkpoint=checkpoint)
    if data is not None and form.is_valid():
        saved = form.submit(lambda _dup: (
            services_checkpoints.update_checkpoint(
                checkpoint, actor=user, data=form.service_data(),
                expected_version=form.expected_version) if checkpoint is not None
            else services_checkpoints.create_checkpoint(actor=user, data=form.service_data())))
        if saved is not None:
            messages.success(request, _("已保存检验点“%(n)s”。") % {"n": saved.name})
            return redirect(reverse("quality:template_list") + "#checkpoints")
    title = (_("编辑检验点 %(n)s") % {"n": checkpoint.name}) if checkpoint else _("新建检验点")
    return render(request, "quality/checkpoint_form.html", {
        "form": form, "checkpoint": checkpoint, "title": title})


@login_required
@require_http_methods(["GET", "POST"])
def checkpoint_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, ADD, Checkpoint):
        raise PermissionDenied(ADD)
    return _checkpoint_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def checkpoint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    checkpoint = get_object_or_404(Checkpoint.objects.for_user(request.user), pk=pk)
    if not can(request.user, CHANGE, checkpoint):
        raise PermissionDenied(CHANGE)
    return _checkpoint_page(request, checkpoint)
