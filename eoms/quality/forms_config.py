"""Forms of the template and checkpoint pages: what is typed; the services decide.

The items are a formset (prefix `items`); the service's errors `items.<index>.<field>`
land on the row they name (`show_item_errors`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eoms.core.forms import ServiceFormMixin
from eoms.masterdata.models import Project
from eoms.orders.choices import OrderType
from eoms.quality.choices import ItemKind, StandardKind, Trigger
from eoms.quality.models import InspectionTemplate
from eoms.scheduling.choices import MilestoneKind, WorkType

ITEM_PREFIX = "items"


def _decimal(label: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, required=False, max_digits=12, decimal_places=3,
                              widget=forms.NumberInput(attrs={"step": "any",
                                                              "inputmode": "decimal"}))


class TemplateForm(ServiceFormMixin, forms.Form):
    code = forms.CharField(label=_("编码"), max_length=40)
    name = forms.CharField(label=_("名称"), max_length=100)
    standard_kind = forms.ChoiceField(label=_("依据类别"), choices=StandardKind.choices)
    standard_ref = forms.CharField(label=_("依据标准"), max_length=200, required=False,
                                   help_text=_("如 GB 50204-2015 第 5.5 节"))
    description = forms.CharField(label=_("说明"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args: Any, template: InspectionTemplate | None = None,
                 **kwargs: Any) -> None:
        self.instance = template
        if template is not None and "initial" not in kwargs:
            kwargs["initial"] = {f: getattr(template, f) for f in (
                "code", "name", "standard_kind", "standard_ref", "description", "active")}
        super().__init__(*args, **kwargs)


class ItemForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("类型"), choices=ItemKind.choices,
                             widget=forms.Select(attrs={"class": "js-item-kind"}))
    label = forms.CharField(label=_("检验项目"), max_length=120)
    guidance = forms.CharField(label=_("检验方法与要求"), max_length=300, required=False)
    required = forms.BooleanField(label=_("必填"), required=False, initial=True)
    unit = forms.CharField(label=_("单位"), max_length=20, required=False)
    nominal = _decimal(_("设计值"))
    tolerance_minus = _decimal(_("允许负偏差"))
    tolerance_plus = _decimal(_("允许正偏差"))
    min_photos = forms.IntegerField(label=_("最少照片数"), min_value=0, max_value=100,
                                    required=False, initial=0)


ItemFormSet = forms.formset_factory(ItemForm, extra=0, can_delete=True)


def item_formset(data: Any, template: InspectionTemplate | None) -> Any:
    initial = [{f: getattr(item, f) for f in ItemForm.base_fields if f != "DELETE"}
               for item in template.items.all()] if template is not None else []
    return ItemFormSet(data, prefix=ITEM_PREFIX, initial=initial)


def item_rows(formset: Any) -> tuple[list[dict[str, Any]], list[Any]]:
    """The rows to save in page order (deleted and untouched blank rows left out), and the
    form of each row (for the service's errors)."""
    rows, owners = [], []
    for form in formset.forms:
        data = form.cleaned_data
        if data.get("DELETE") or not (data.get("id") or form.has_changed()):
            continue
        row = {k: v for k, v in data.items() if k != "DELETE"}
        row["min_photos"] = row.get("min_photos") or 0
        rows.append(row)
        owners.append(form)
    return rows, owners


def show_item_errors(errors: dict[str, list[str]], owners: list[Any]) -> list[str]:
    """Put `items.<index>.<field>` errors on their rows; the rest (e.g. `items`: an item
    that cannot be removed) is returned for the page."""
    rest = []
    for key, messages in errors.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == ITEM_PREFIX and parts[1].isdigit():
            form = owners[int(parts[1])]
            field = parts[2] if parts[2] in form.fields else None
            for message in messages:
                form.add_error(field, message)
        elif key == ITEM_PREFIX:
            rest.extend(messages)
    return rest


class CopyForm(forms.Form):
    code = forms.CharField(label=_("新模板编码"), max_length=40)
    name = forms.CharField(label=_("新模板名称"), max_length=100, required=False,
                           help_text=_("不填沿用原名"))


class CheckpointForm(ServiceFormMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    template = forms.ModelChoiceField(label=_("检验模板"),
                                      queryset=InspectionTemplate.objects.none())
    trigger = forms.ChoiceField(label=_("触发时机"), choices=Trigger.choices,
                                widget=forms.Select(attrs={"class": "js-trigger"}))
    work_type = forms.ChoiceField(label=_("分项类别"), choices=WorkType.choices, required=False)
    concealed_only = forms.BooleanField(label=_("仅隐蔽工程"), required=False)
    milestone = forms.ChoiceField(label=_("里程碑"), choices=MilestoneKind.choices,
                                  required=False)
    order_type = forms.ChoiceField(label=_("订单类型"),
                                   choices=[("", _("（所有类型）")), *OrderType.choices],
                                   required=False)
    project = forms.ModelChoiceField(label=_("项目"), queryset=Project.objects.none(),
                                     required=False, empty_label=_("（所有项目）"))
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args: Any, user: Any, checkpoint: Any = None, **kwargs: Any) -> None:
        self.instance = checkpoint
        if checkpoint is not None and "initial" not in kwargs:
            kwargs["initial"] = {f: getattr(checkpoint, f) for f in (
                "name", "template", "trigger", "work_type", "concealed_only", "milestone",
                "order_type", "project", "active")}
        super().__init__(*args, **kwargs)
        templates = InspectionTemplate.objects.for_user(user).filter(active=True)
        if checkpoint is not None:
            templates = templates | InspectionTemplate.objects.filter(pk=checkpoint.template_id)
        self.fields["template"].queryset = templates.order_by("code")  # type: ignore[attr-defined]
        self.fields["project"].queryset = (  # type: ignore[attr-defined]
            Project.objects.for_user(user).order_by("code"))
