"""Master-data forms: what people type; the services decide and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from eoms.accounts.models import User
from eoms.core.access import ADMIN, CHANGE, MANAGER, PROJECT_MANAGER, STAFF_ROLES, roles_of
from eoms.core.forms import ServiceFormMixin
from eoms.masterdata.models import (
    CostCode,
    Customer,
    Material,
    MaterialCategory,
    Project,
    Site,
    Supplier,
)
from eoms.masterdata.services import CODE_KINDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOTES = forms.Textarea(attrs={"rows": 3})


class MasterForm(ServiceFormMixin, forms.ModelForm):
    """Create or edit one master record. The code is optional on create when the
    model has a code pattern (the code service issues one) and read-only on edit."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        code = self.fields.get("code")
        if code is not None and self.instance.pk:
            code.disabled = True
            code.required = False
            code.help_text = _("编码创建后不可修改。")
        elif code is not None and type(self.instance) in CODE_KINDS:
            code.required = False
            code.help_text = _("留空则按编码规则自动生成。")
        self.limit_choices()

    def limit_choices(self) -> None:
        """Narrow the choices of related fields to what the user may pick."""

    def _limit(self, name: str, qs: Any) -> None:
        if name in self.fields:
            self.fields[name].queryset = qs  # type: ignore[attr-defined]

    def duplicate_url(self, obj: Any) -> str:
        return reverse(f"masterdata:{obj._meta.model_name}_detail", args=[obj.pk])

    def service_data(self, *exclude: str) -> dict[str, Any]:
        skip = (*exclude, "code") if self.instance.pk else exclude
        return super().service_data(*skip)


class CustomerForm(MasterForm):
    class Meta:
        model = Customer
        fields = ["code", "name", "short_name", "contact_name", "phone", "email", "address",
                  "crm_id", "active", "notes"]
        widgets = {"notes": NOTES}


class SupplierForm(MasterForm):
    class Meta:
        model = Supplier
        fields = ["code", "name", "kind", "contact_name", "phone", "email", "address",
                  "credit_code", "qualification", "categories", "active", "notes"]
        widgets = {"notes": NOTES, "categories": forms.SelectMultiple(attrs={"size": 8})}
        help_texts = {"categories": _("按住 Ctrl（手机上直接点选）可选多个。")}

    def limit_choices(self) -> None:
        self._limit("categories", MaterialCategory.objects.for_user(self.user).order_by("code"))


class MaterialCategoryForm(MasterForm):
    class Meta:
        model = MaterialCategory
        fields = ["code", "name", "parent", "active", "notes"]
        widgets = {"notes": NOTES}
        help_texts = {"code": _("简短的分类代码，如 GJ；会出现在物料编码中。")}

    def limit_choices(self) -> None:
        qs = MaterialCategory.objects.for_user(self.user).order_by("code")
        self._limit("parent", qs.exclude(pk=self.instance.pk) if self.instance.pk else qs)


class MaterialForm(MasterForm):
    class Meta:
        model = Material
        fields = ["code", "name", "category", "specification", "unit", "standard_price",
                  "active", "notes"]
        widgets = {"notes": NOTES}

    def limit_choices(self) -> None:
        self._limit("category", MaterialCategory.objects.for_user(self.user).order_by("code"))


class ProjectForm(MasterForm):
    class Meta:
        model = Project
        fields = ["code", "name", "customer", "manager", "status", "city", "address",
                  "start_date", "end_date", "active", "notes"]
        widgets = {"notes": NOTES, "start_date": DATE, "end_date": DATE}

    def limit_choices(self) -> None:
        self._limit("customer", Customer.objects.for_user(self.user).order_by("code"))
        self._limit("manager", User.objects.with_role(PROJECT_MANAGER)
                    .filter(is_active=True).order_by("username"))
        if self.instance.pk and not roles_of(self.user) & {MANAGER, ADMIN}:
            for name in ("customer", "manager"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("只有管理层可以更换。")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("计划竣工日期不能早于开工日期。"))
        return data


class SiteForm(MasterForm):
    class Meta:
        model = Site
        fields = ["code", "name", "project", "address", "latitude", "longitude",
                  "geofence_radius_m", "active", "notes"]
        widgets = {"notes": NOTES,
                   "latitude": forms.NumberInput(attrs={"step": "0.000001"}),
                   "longitude": forms.NumberInput(attrs={"step": "0.000001"})}
        help_texts = {"latitude": _("WGS-84 坐标，例如 31.230400。"),
                      "geofence_radius_m": _("现场打卡时，离工地坐标超过此距离会提示。")}

    def limit_choices(self) -> None:
        # Sites go into projects the user may change: a project manager's own.
        self._limit("project", Project.objects.for_user(self.user, CHANGE)
                    .select_related("customer").order_by("code"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", _("纬度和经度要么都填，要么都不填。"))
        return data


class CostCodeForm(MasterForm):
    class Meta:
        model = CostCode
        fields = ["code", "name", "category", "parent", "active", "notes"]
        widgets = {"notes": NOTES}
        help_texts = {"code": _("如 02-01。")}

    def limit_choices(self) -> None:
        qs = CostCode.objects.for_user(self.user).order_by("code")
        self._limit("parent", qs.exclude(pk=self.instance.pk) if self.instance.pk else qs)


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(label=_("成员"), queryset=User.objects.none(),
                                  empty_label=_("选择用户…"))

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(is_active=True, role_assignments__role__in=STAFF_ROLES)
            .exclude(project_memberships__project=project).distinct().order_by("username"))
