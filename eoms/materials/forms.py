"""Forms of the receiving page (a delivery and its batch lines) and of the usage form.
They only read what was typed; every rule is checked by the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eoms.core.access import ADMIN, MANAGER, roles_of
from eoms.masterdata.models import Supplier
from eoms.materials.policies import usage_task_scope
from eoms.orders.models import Order
from eoms.scheduling.models import Task

MAX_LINES = 20


class DeliveryForm(forms.Form):
    supplier = forms.ModelChoiceField(label=_("供应商"), queryset=Supplier.objects.none(),
                                      error_messages={"required": _("请选择供应商。")})
    delivered_on = forms.DateField(label=_("进场日期"), widget=forms.DateInput(
        attrs={"type": "date"}))
    delivery_note = forms.CharField(label=_("送货单号"), max_length=60, required=False)
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(
        attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = Supplier.objects.order_by("code")  # type: ignore[attr-defined]
        self.fields["delivered_on"].initial = timezone.localdate()


class BatchLineForm(forms.Form):
    """One batch; a row left entirely blank is skipped."""

    order_line = forms.TypedChoiceField(label=_("物料（订单行）"), coerce=int, required=False)
    batch_number = forms.CharField(label=_("批号（炉批号）"), max_length=80, required=False,
                                   widget=forms.TextInput(attrs={"data-scan-target": "1",
                                                                 "autocomplete": "off"}))
    quantity = forms.CharField(label=_("数量"), max_length=20, required=False,
                               widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    certificate_number = forms.CharField(label=_("合格证编号"), max_length=80, required=False)
    certificate_file = forms.FileField(label=_("合格证（照片或 PDF）"), required=False,
                                       widget=forms.ClearableFileInput(
                                           attrs={"accept": "image/*,application/pdf"}))
    test_report_file = forms.FileField(label=_("检测报告（可选）"), required=False,
                                       widget=forms.ClearableFileInput(
                                           attrs={"accept": "image/*,application/pdf"}))

    def __init__(self, *args: Any, lines: list[tuple[int, str]] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["order_line"].choices = [("", "—"), *(lines or [])]  # type: ignore[attr-defined]

    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not any(data.get(name) for name in ("batch_number", "quantity",
                                                   "certificate_number", "certificate_file"))

    def service_line(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


BatchLineFormSet = forms.formset_factory(BatchLineForm, extra=0, max_num=MAX_LINES,
                                         validate_max=True)


def usage_tasks(user: Any, order: Order) -> Any:
    tasks = Task.objects.filter(order=order, is_summary=False)
    if roles_of(user) & {MANAGER, ADMIN}:
        return tasks.order_by("position", "pk")
    return tasks.filter(usage_task_scope(user, roles_of(user))).distinct().order_by(
        "position", "pk")


class UsageForm(forms.Form):
    task = forms.ModelChoiceField(label=_("任务"), queryset=Task.objects.none(),
                                  error_messages={"required": _("请选择任务。")})
    location = forms.CharField(label=_("使用部位"), max_length=200,
                               help_text=_("如：3 层东区楼板、B1 底板 1 区"))
    quantity = forms.CharField(label=_("用量"), max_length=20,
                               widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    used_on = forms.DateField(label=_("使用日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, user: Any, order: Order, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = usage_tasks(user, order)  # type: ignore[attr-defined]
        self.fields["used_on"].initial = timezone.localdate()


def show_errors(form: forms.Form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for name, errors in exc.message_dict.items():
        for message in errors:
            form.add_error(name if name in form.fields else None, message)
