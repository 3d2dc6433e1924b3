"""The phone forms: check in at a site (with photos) and check out with the hours worked.

Field names are those of the API (POST /api/v1/fieldwork/checkins), so the page's script
sends the same form to the API and a phone without script posts it to the page. Numbers
and coordinates are checked by the services, which name the field at fault; the forms
only decide which sites and tasks the worker may choose.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eoms.fieldwork.models import CheckIn
from eoms.lib.text import plain_decimal


def _text(label: Any, *, max_length: int | None = None, **attrs: Any) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=max_length,
                           widget=forms.TextInput(attrs=attrs))


class SiteSelect(forms.Select):
    """Options carry the site's geofence, for the page's own check before sending."""

    def create_option(self, name: str, value: Any, label: Any, selected: Any, index: int,
                      subindex: int | None = None, attrs: Any = None) -> dict[str, Any]:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        site = getattr(value, "instance", None)
        if site is not None:
            option["attrs"].update({
                "data-project": site.project_id, "data-radius": site.geofence_radius_m,
                "data-lat": "" if site.latitude is None else str(site.latitude),
                "data-lon": "" if site.longitude is None else str(site.longitude)})
        return option


class TaskSelect(forms.Select):
    """Options say where the task is done: its order's site, or any site of its project."""

    def create_option(self, name: str, value: Any, label: Any, selected: Any, index: int,
                      subindex: int | None = None, attrs: Any = None) -> dict[str, Any]:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        task = getattr(value, "instance", None)
        if task is not None:
            option["attrs"].update({"data-site": task.order.site_id or "",
                                    "data-project": task.order.project_id})
        return option


class SiteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class TaskChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.order.code}）"


class PhotoInput(forms.FileInput):
    """The camera: several photos at once, the rear camera first."""

    allow_multiple_selected = True


class CheckInForm(forms.Form):
    site = SiteChoiceField(
        label=_("工地"), queryset=None,
        widget=SiteSelect(attrs={"class": "form-select form-select-lg"}),
        empty_label=_("请选择工地"),
        error_messages={"required": _("请选择签到的工地。"),
                        "invalid_choice": _("你不能在这个工地签到：它不属于你的项目或任务。")})
    task = TaskChoiceField(
        label=_("任务"), queryset=None, required=False,
        widget=TaskSelect(attrs={"class": "form-select"}),
        empty_label=_("（不关联任务）"),
        error_messages={"invalid_choice": _("这个任务不是你或你班组的任务。")})
    latitude = forms.CharField(required=False, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, widget=forms.HiddenInput)
    accuracy = forms.CharField(required=False, widget=forms.HiddenInput)
    # The files go to the service as they are; the field is here to carry its errors.
    photos = forms.Field(label=_("照片"), required=False, widget=PhotoInput(attrs={
        "accept": "image/*", "capture": "environment"}))
    flag_reason = forms.CharField(
        label=_("不在工地范围内或没有定位的原因"), required=False, max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("例如：手机定位不准、在材料堆场")}))
    note = forms.CharField(label=_("备注"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    progress_percent = _text(_("完成百分比"), inputmode="numeric", placeholder="0–100")
    quantity_done = _text(_("完成工程量"), inputmode="decimal")
    quantity_unit = _text(_("单位"), max_length=20, placeholder=_("如：米、吨、m²"))

    def __init__(self, data: Any = None, *, sites: QuerySet, tasks: QuerySet,
                 initial: dict[str, Any] | None = None) -> None:
        super().__init__(data, initial=initial)
        for name, choices in (("site", sites), ("task", tasks)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = choices

    def mark_invalid_selects(self) -> None:
        """The site and task selects are rendered by Django itself (their options carry
        data attributes): mark them invalid as includes/form_field.html does for others."""
        for name in ("site", "task"):
            if name in self.errors:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"

    def service_kwargs(self) -> dict[str, Any]:
        """What services.check_in takes besides the site and the files."""
        values = self.cleaned_data
        return {name: values.get(name) for name in (
            "task", "latitude", "longitude", "accuracy", "flag_reason", "note",
            "progress_percent", "quantity_done", "quantity_unit")}


def hours_on_site(checkin: CheckIn, now: Any = None) -> Decimal:
    """The time since the check-in in quarter hours (at least one, at most 24): what the
    check-out form proposes."""
    now = now or timezone.now()
    hours = Decimal((now - checkin.checked_in_at).total_seconds()) / 3600
    hours = min(max(hours, Decimal("0.25")), Decimal(24))
    return (hours * 4).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 4


class CheckOutForm(forms.Form):
    hours_worked = forms.CharField(
        label=_("工时（小时）"), required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control-lg"}),
        help_text=_("已按在岗时间填好，可以改小。"))
    progress_percent = _text(_("完成百分比"), inputmode="numeric", placeholder="0–100")
    quantity_done = _text(_("完成工程量"), inputmode="decimal")
    note = forms.CharField(label=_("签退备注"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, data: Any = None, *, checkin: CheckIn) -> None:
        # One prefix per check-in: a page may show the forms of two open check-ins.
        super().__init__(data, prefix=f"out{checkin.pk}", initial={
            "hours_worked": plain_decimal(hours_on_site(checkin)),
            "progress_percent": checkin.progress_percent, "version": checkin.version})

    def service_kwargs(self) -> dict[str, Any]:
        values = self.cleaned_data
        return {"hours_worked": values.get("hours_worked"), "note": values.get("note", ""),
                "progress_percent": values.get("progress_percent"),
                "quantity_done": values.get("quantity_done"),
                "expected_version": values.get("version")}
