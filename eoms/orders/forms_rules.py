"""Forms of the assignment-rule pages: what a manager types; services_rules decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eoms.accounts.models import User
from eoms.core.access import PROJECT_MANAGER, STAFF_ROLES
from eoms.core.forms import ServiceFormMixin
from eoms.masterdata.models import Customer, MaterialCategory, Project
from eoms.orders.choices import AssignMode, OrderType, Priority
from eoms.orders.models import AssignmentGroup, AssignmentRule

MONEY = forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"})


def _user_label(user: User) -> str:
    label = str(user)
    return label if user.is_active else f"{label} {_('（已停用）')}"


class RuleForm(ServiceFormMixin, forms.ModelForm):
    order_types = forms.MultipleChoiceField(
        label=_("订单类型"), choices=OrderType.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("不选表示任何类型。"))
    priorities = forms.MultipleChoiceField(
        label=_("优先级"), choices=Priority.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("不选表示任何优先级。"))

    class Meta:
        model = AssignmentRule
        fields = ["name", "active", "order_types", "priorities", "customer", "project",
                  "min_amount", "max_amount", "material_categories", "assign_mode",
                  "assign_user", "assign_group", "procurement_group"]
        widgets = {"assign_mode": forms.RadioSelect, "min_amount": MONEY,
                   "max_amount": MONEY,
                   "material_categories": forms.SelectMultiple(attrs={"size": 6})}
        help_texts = {
            "customer": _("留空表示任何客户。"),
            "project": _("留空表示任何项目。"),
            "min_amount": _("订单预算金额不低于此值时命中；留空不限。"),
            "max_amount": _("订单预算金额不高于此值时命中；留空不限。"),
            "material_categories": _("订单行含其中任一分类的物料时命中；不选表示不限。"
                                     "按住 Ctrl（手机上直接点选）可选多个。"),
            "assign_user": _("分派方式为“指定人员”时填写。"),
            "assign_group": _("分派方式为“组内轮流”或“组内负荷最低”时填写。"),
        }
        error_messages = {
            "assign_user": {"invalid_choice": _("请选择一位在职的项目经理。")},
            "assign_group": {"invalid_choice": _("请选择一个已有的分派组。")},
            "procurement_group": {"invalid_choice": _("请选择一个已有的分派组。")},
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["assign_mode"].choices = AssignMode.choices  # type: ignore[attr-defined]
        current = self.instance.assign_user_id
        pms = (User.objects.filter(role_assignments__role=PROJECT_MANAGER)
               .filter(Q(is_active=True) | Q(pk=current)).distinct().order_by("username"))
        assign_user = self.fields["assign_user"]
        assign_user.queryset = pms  # type: ignore[attr-defined]
        assign_user.label_from_instance = _user_label  # type: ignore[attr-defined]
        self.fields["customer"].queryset = (  # type: ignore[attr-defined]
            Customer.objects.for_user(user).order_by("code"))
        self.fields["project"].queryset = (  # type: ignore[attr-defined]
            Project.objects.for_user(user).select_related("customer").order_by("code"))
        self.fields["material_categories"].queryset = (  # type: ignore[attr-defined]
            MaterialCategory.objects.for_user(user).order_by("code"))
        groups = AssignmentGroup.objects.for_user(user).order_by("code")
        self.fields["assign_group"].queryset = groups  # type: ignore[attr-defined]
        self.fields["procurement_group"].queryset = groups  # type: ignore[attr-defined]


class GroupForm(ServiceFormMixin, forms.ModelForm):
    class Meta:
        model = AssignmentGroup
        fields = ["code", "name", "members"]
        widgets = {"members": forms.CheckboxSelectMultiple}
        help_texts = {
            "code": _("简短的代码，如 PM-EAST。"),
            "members": _("项目经理组放项目经理；采购组放采购人员。停用的成员不会被分派。"),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        current = list(self.instance.members.values_list("pk", flat=True)) \
            if self.instance.pk else []
        staff = (User.objects.filter(
            Q(is_active=True, role_assignments__role__in=STAFF_ROLES) | Q(pk__in=current))
            .distinct().order_by("username"))
        members = self.fields["members"]
        members.queryset = staff  # type: ignore[attr-defined]
        members.label_from_instance = _user_label  # type: ignore[attr-defined]
        members.error_messages["invalid_choice"] = _("请选择在职的员工。")
