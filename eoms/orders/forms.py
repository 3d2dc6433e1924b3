"""Order forms: what people type on the staff pages; the services decide and save."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from eoms.accounts.models import User
from eoms.core.access import PROJECT_MANAGER
from eoms.core.forms import ServiceFormMixin
from eoms.masterdata.models import Customer, Material, Project, Site
from eoms.orders.choices import OrderType
from eoms.orders.models import Order
from eoms.orders.saved_filters import NAME_MAX, QUERY_MAX


class DateInput(forms.DateInput):
    input_type = "date"


DATE = DateInput(format="%Y-%m-%d")
MATERIAL_OPTIONS_MAX = 1000


class SelectWidget(forms.Select):  # the name keeps widget_type "select" for form_field.html
    """A select whose options carry `data-parent` (the record they belong to), so that
    orders.js can hide the projects of other customers and the sites of other projects."""

    def __init__(self, parent_attr: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.parent_attr = parent_attr

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-parent"] = getattr(instance, self.parent_attr)
        return option


def customers_for(user: Any) -> QuerySet:
    """Customers the user may put an order under: those he sees, and those of the projects
    he works in (a procurement officer sees projects, not the customer list)."""
    return (Customer.objects.filter(
        Q(pk__in=Customer.objects.for_user(user).values("pk"))
        | Q(projects__in=Project.objects.for_user(user).values("pk")))
        .distinct().order_by("code"))


def active_project_managers() -> QuerySet:
    return User.objects.with_role(PROJECT_MANAGER).filter(is_active=True).order_by("username")


class OrderForm(ServiceFormMixin, forms.ModelForm):
    """The order header. On create it also takes the optional parent order code and an
    explicit type (the system recognises the type when it is left empty)."""

    parent_code = forms.CharField(
        label=_("原订单编号"), required=False, max_length=40,
        help_text=_("变更或延期已有订单时填写，例如 ORD-2026-000123。"))
    order_type = forms.ChoiceField(
        label=_("订单类型"), required=False,
        choices=[("", _("自动识别")), *OrderType.choices],
        help_text=_("留空由系统根据原订单编号和改动内容判断；判断不对时可以指定。"))

    class Meta:
        model = Order
        fields = ["title", "customer", "project", "site", "priority", "requested_date",
                  "promised_date", "budget_amount", "description"]
        widgets = {"requested_date": DATE, "promised_date": DATE,
                   "project": SelectWidget("customer_id"), "site": SelectWidget("project_id"),
                   "description": forms.Textarea(attrs={"rows": 4}),
                   "budget_amount": forms.NumberInput(attrs={"step": "0.01", "min": "0"})}
        error_messages = {
            "title": {"required": _("请填写订单标题。")},
            "customer": {"required": _("请选择客户。"),
                         "invalid_choice": _("所选客户不存在或您无权使用。")},
            "project": {"required": _("请选择项目。"),
                        "invalid_choice": _("所选项目不存在或您无权使用。")},
            "site": {"invalid_choice": _("所选工地不存在或您无权使用。")},
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["parent_code"], self.fields["order_type"]
        current = self.instance
        self.fields["customer"].queryset = customers_for(user).filter(  # type: ignore[attr-defined]
            Q(active=True) | Q(pk=current.customer_id or 0))
        self.fields["project"].queryset = (  # type: ignore[attr-defined]
            Project.objects.for_user(user).filter(Q(active=True) | Q(pk=current.project_id or 0))
            .order_by("code"))
        self.fields["site"].queryset = (  # type: ignore[attr-defined]
            Site.objects.for_user(user).filter(Q(active=True) | Q(pk=current.site_id or 0))
            .order_by("code"))

    def header(self) -> dict[str, Any]:
        """The header fields for the service (without parent code and type)."""
        data = self.service_data("order_type")
        if not data.get("parent_code"):
            data.pop("parent_code", None)
        return data


class MaterialField(forms.CharField):
    """A material by its code (typed, or picked from the datalist of codes and names)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.materials: QuerySet = Material.objects.none()
        super().__init__(*args, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        return value.code if isinstance(value, Material) else value

    def clean(self, value: Any) -> Any:
        text = super().clean(value)  # the typed text, checked as text (required, length)
        if not text:
            return None
        code = text.split()[0]
        found = self.materials.filter(code__iexact=code).first()
        if found is None:
            raise ValidationError(_("找不到编码为 %(c)s 的物料（或已停用）。"),
                                  code="unknown_material", params={"c": code})
        return found

    def has_changed(self, initial: Any, data: Any) -> bool:
        before = str(self.prepare_value(initial) or "").upper()
        after = (str(data or "").split() or [""])[0].upper()
        return before != after


class LineForm(forms.Form):
    material = MaterialField(
        label=_("物料"), max_length=80,
        widget=forms.TextInput(attrs={"list": "order-materials", "autocomplete": "off",
                                      "placeholder": _("物料编码"),
                                      "data-order-material": ""}),
        error_messages={"required": _("请填写物料编码。")})
    quantity = forms.DecimalField(
        label=_("数量"), max_digits=14, decimal_places=3, min_value=Decimal("0.001"),
        widget=forms.NumberInput(attrs={"step": "any", "min": "0.001",
                                        "inputmode": "decimal"}),
        error_messages={"required": _("请填写数量。"), "min_value": _("数量必须大于 0。"),
                        "invalid": _("数量必须是数字。")})
    unit = forms.CharField(label=_("单位"), required=False, max_length=20,
                           widget=forms.TextInput(attrs={"data-order-unit": ""}),
                           help_text=_("留空则用物料的单位。"))
    needed_by = forms.DateField(label=_("需用日期"), required=False, widget=DATE)

    def __init__(self, *args: Any, materials: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["material"].materials = materials  # type: ignore[attr-defined]

    def line(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"material": data["material"], "quantity": data["quantity"],
                "unit": data.get("unit") or "", "needed_by": data.get("needed_by")}


class BaseLineFormSet(forms.BaseFormSet):
    def lines(self) -> list[tuple[LineForm, dict[str, Any]]]:
        """(form, line) for every filled-in row not marked for deletion, in order."""
        found = []
        for index, form in enumerate(self.forms):
            filled = index < self.initial_form_count() or form.has_changed()
            if not filled or (self.can_delete and form.cleaned_data.get("DELETE")):
                continue
            found.append((form, form.line()))  # type: ignore[attr-defined]
        return found


LineFormSet = forms.formset_factory(LineForm, formset=BaseLineFormSet, extra=3,
                                    can_delete=True, max_num=200, validate_max=True)
LINES_PREFIX = "lines"


def materials_for(user: Any) -> QuerySet:
    return Material.objects.for_user(user).filter(active=True).order_by("code")


class TransitionForm(forms.Form):
    target = forms.ChoiceField(label=_("改为"), choices=())
    reason = forms.CharField(label=_("原因"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, targets: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = targets  # type: ignore[attr-defined]


class AssignForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("负责人"), queryset=User.objects.none(),
                                   empty_label=_("选择项目经理…"),
                                   error_messages={"required": _("请选择负责人。")})
    reason = forms.CharField(label=_("原因"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("人工分派需要填写原因。")})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = active_project_managers()  # type: ignore[attr-defined]


class ExtensionForm(forms.Form):
    decision = forms.ChoiceField(label=_("审批"), choices=[("approve", _("批准")),
                                                           ("reject", _("驳回"))])
    reason = forms.CharField(label=_("意见"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(forms.Form):
    text = forms.CharField(label=_("备注"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("请填写备注内容。")})


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("文件"), error_messages={
        "required": _("请选择要上传的文件。"), "empty": _("文件是空的。")},
        help_text=_("PDF、PNG/JPEG 图片、Excel、Word 或纯文本。"))


class SavedFilterForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=NAME_MAX,
                           error_messages={"required": _("请给这个筛选起个名称。")})
    query = forms.CharField(required=False, max_length=QUERY_MAX * 2,
                            widget=forms.HiddenInput)

    def __init__(self, *args: Any, keys: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.keys = keys

    def clean_query(self) -> str:
        """Only the list's own parameters, without the page number."""
        given = QueryDict(self.cleaned_data.get("query", "").lstrip("?"))
        kept = QueryDict(mutable=True)
        for key in self.keys:
            values = [v for v in given.getlist(key) if v]
            if values:
                kept.setlist(key, values[:1])
        return kept.urlencode()
