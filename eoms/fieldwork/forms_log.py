"""Daily log forms: open a site's log of a day, complete it, sign it. The services check
again and decide (eoms/fieldwork/services_log.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eoms.core.access import ADD, ADMIN, MANAGER, can, roles_of
from eoms.core.forms import ServiceFormMixin
from eoms.fieldwork.choices import Weather
from eoms.fieldwork.models import DailyLog
from eoms.fieldwork.services_log import MAX_TEMPERATURE, MAX_TEXT, MIN_TEMPERATURE
from eoms.masterdata.models import Site

TEMPERATURE_ERROR = _("气温必须是 -60 到 60 之间的整数（℃）。")


def log_sites(user: Any) -> QuerySet:
    """Sites whose daily log the user keeps: all for management, a project manager those
    of the projects he manages."""
    if not can(user, ADD, DailyLog):
        return Site.objects.none()
    sites = Site.objects.filter(active=True).select_related("project")
    if not roles_of(user) & {MANAGER, ADMIN}:
        sites = sites.filter(project__manager=user)
    return sites.order_by("code")


class SiteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name}"


class PrefillForm(forms.Form):
    """Open (make or refresh) a site's log of a day."""

    site = SiteChoiceField(label=_("工地"), queryset=Site.objects.none(),
                           empty_label=_("请选择工地"),
                           error_messages={"required": _("请选择工地。"),
                                           "invalid_choice": _("只能选择您负责的工地。")})
    log_date = forms.DateField(label=_("日期"), widget=forms.DateInput(
        attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("请填写日志日期。"),
                        "invalid": _("日期格式应为 YYYY-MM-DD。")})

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"log_date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        site_field: Any = self.fields["site"]
        site_field.queryset = log_sites(user)
        self.fields["log_date"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_log_date(self) -> Any:
        day = self.cleaned_data["log_date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("不能为将来的日期填写施工日志。"))
        return day


def _temperature(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=False, min_value=MIN_TEMPERATURE, max_value=MAX_TEMPERATURE,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": "1"}),
        error_messages={"invalid": TEMPERATURE_ERROR, "min_value": TEMPERATURE_ERROR,
                        "max_value": TEMPERATURE_ERROR})


def _text(label: Any, rows: int = 4, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=MAX_TEXT, help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": _("不能超过 5000 个字符。")})


class DailyLogForm(ServiceFormMixin, forms.ModelForm):
    """What the site manager completes on a draft log."""

    weather = forms.ChoiceField(label=_("天气"), required=False,
                                choices=[("", _("（未填写）")), *Weather.choices],
                                error_messages={"invalid_choice": _("请从列表中选择天气。")})
    temperature_low = _temperature(_("最低气温（℃）"))
    temperature_high = _temperature(_("最高气温（℃）"))
    work_done = _text(_("施工内容"), 8, _("为空时，从签到汇总自动填入；填写后不会被覆盖。"))
    equipment = _text(_("机械设备"), 3)
    deliveries = _text(_("材料进场"), 3)
    issues = _text(_("问题及处理"), 3)
    safety = _text(_("安全情况"), 3)

    class Meta:
        model = DailyLog
        fields = ("weather", "temperature_low", "temperature_high", "work_done",
                  "equipment", "deliveries", "issues", "safety")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("temperature_low"), data.get("temperature_high")
        if low is not None and high is not None and low > high:
            self.add_error("temperature_low", _("最低气温不能高于最高气温。"))
        return data


class SignForm(forms.Form):
    signature_name = forms.CharField(
        label=_("签名"), max_length=60, help_text=_("请输入您的姓名作为签名。"),
        error_messages={"required": _("请输入签名（您的姓名）。"),
                        "max_length": _("签名不能超过 60 个字符。")})
    confirm = forms.BooleanField(
        label=_("我已核对以上内容，确认签署。签署后日志不能再修改。"),
        error_messages={"required": _("请勾选确认后再签署。")})
