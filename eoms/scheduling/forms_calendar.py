"""Forms of the work-calendar editor and the baseline manager: what a planner types;
eoms.scheduling.services_plan decides (and says what is wrong)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from eoms.accounts.models import Crew
from eoms.core.access import ADMIN, MANAGER, roles_of
from eoms.core.forms import ServiceFormMixin
from eoms.lib.text import to_halfwidth
from eoms.masterdata.models import Project
from eoms.scheduling.choices import ExceptionKind
from eoms.scheduling.models import WorkCalendar, default_intervals

YEAR_MIN, YEAR_MAX = 2000, 2100
WEEKDAY_CHOICES = [(0, _("周一")), (1, _("周二")), (2, _("周三")), (3, _("周四")),
                   (4, _("周五")), (5, _("周六")), (6, _("周日"))]
INTERVALS_MESSAGE = _("工作时段格式应为 08:00-12:00，且按时间先后不重叠。")
_CLOCK = r"(\d{1,2}):(\d{2})"
_PAIR = re.compile(rf"{_CLOCK}\s*[-–—~至到]\s*{_CLOCK}")
_BETWEEN = re.compile(r"[\s,;、]*")


def parse_intervals(text: str) -> list[list[str]]:
    """"8:00-12:00，13:00～17:00" → [["08:00", "12:00"], ["13:00", "17:00"]], in time order.
    The times themselves (25:00, overlaps) are checked by the service."""
    text = to_halfwidth(text or "").replace("～", "~").replace("：", ":").strip()
    pairs, position = [], 0
    for match in _PAIR.finditer(text):
        if not _BETWEEN.fullmatch(text[position:match.start()]):
            raise forms.ValidationError(INTERVALS_MESSAGE, code="invalid")
        h1, m1, h2, m2 = match.groups()
        pairs.append([f"{int(h1):02d}:{m1}", f"{int(h2):02d}:{m2}"])
        position = match.end()
    if not pairs or not _BETWEEN.fullmatch(text[position:]):
        raise forms.ValidationError(INTERVALS_MESSAGE, code="invalid")
    return sorted(pairs)


def format_intervals(intervals: Any) -> str:
    return ", ".join(f"{a}-{b}" for a, b in (intervals or default_intervals()))


class WeekdaysField(forms.TypedMultipleChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(label=_("工作日"), choices=WEEKDAY_CHOICES, coerce=int, required=False,
                         widget=forms.CheckboxSelectMultiple, **kwargs)


class IntervalsField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(label=_("每日工作时段"), max_length=200,
                         help_text=_("例如 08:00-12:00, 13:00-17:00；工期按每天的工作小时数折算。"),
                         error_messages={"required": INTERVALS_MESSAGE}, **kwargs)

    def clean(self, value: Any) -> list[list[str]]:  # type: ignore[override]
        return parse_intervals(super().clean(value))


def version_field() -> forms.IntegerField:
    """The calendar's version when the page was loaded: the service refuses the save when
    someone changed the calendar since (empty from an old page: not checked)."""
    return forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput,
                              label=_("版本"))


class CalendarHoursForm(ServiceFormMixin, forms.Form):
    """Working weekdays and hours, edited beside the year view."""

    weekdays = WeekdaysField()
    intervals = IntervalsField()
    version = version_field()

    @classmethod
    def for_calendar(cls, calendar: WorkCalendar, data: Any = None) -> CalendarHoursForm:
        return cls(data, initial={"weekdays": calendar.weekdays,
                                  "intervals": format_intervals(calendar.intervals),
                                  "version": calendar.version})


class CalendarForm(ServiceFormMixin, forms.Form):
    """A whole calendar. Management keeps company and crew calendars; a project manager
    only the calendars of the projects he manages."""

    name = forms.CharField(label=_("名称"), max_length=100)
    project = forms.ModelChoiceField(
        label=_("项目"), queryset=Project.objects.none(), required=False,
        help_text=_("项目日历是该项目订单的默认日历；留空为公司日历。"),
        error_messages={"invalid_choice": _("请选择一个你能管理的项目。")})
    crew = forms.ModelChoiceField(
        label=_("班组"), queryset=Crew.objects.none(), required=False,
        help_text=_("班组日历用于该班组的任务。"),
        error_messages={"invalid_choice": _("请选择一个已有的班组。")})
    weekdays = WeekdaysField()
    intervals = IntervalsField()
    statutory_holidays = forms.BooleanField(
        label=_("按国家法定节假日"), required=False,
        help_text=_("使用国务院办公厅公布的节假日与调休安排"))
    is_default = forms.BooleanField(label=_("公司默认日历"), required=False,
                                    help_text=_("没有项目日历的订单使用公司默认日历。"))
    version = version_field()

    def __init__(self, data: Any = None, *, user: Any, calendar: WorkCalendar | None = None,
                 **kwargs: Any) -> None:
        self.user, self.calendar = user, calendar
        if calendar is not None:
            kwargs.setdefault("initial", {
                "name": calendar.name, "project": calendar.project_id,
                "crew": calendar.crew_id, "weekdays": calendar.weekdays,
                "intervals": format_intervals(calendar.intervals),
                "statutory_holidays": calendar.statutory_holidays,
                "is_default": calendar.is_default, "version": calendar.version})
        else:
            kwargs.setdefault("initial", {"weekdays": [0, 1, 2, 3, 4],
                                          "intervals": format_intervals(None),
                                          "statutory_holidays": True})
        super().__init__(data, **kwargs)
        if calendar is None:
            del self.fields["version"]
        project = cast(forms.ModelChoiceField, self.fields["project"])
        if roles_of(user) & {MANAGER, ADMIN}:
            project.queryset = Project.objects.for_user(user).order_by("code")
            cast(forms.ModelChoiceField, self.fields["crew"]).queryset = Crew.objects.order_by(
                "code")
        else:
            project.queryset = Project.objects.filter(manager=user).order_by("code")
            project.required = True
            project.error_messages["required"] = _("请选择你负责的项目。")
            del self.fields["crew"], self.fields["is_default"]

    def _taken(self, **owner: Any) -> bool:
        others = WorkCalendar.objects.filter(**owner)
        if self.calendar is not None:
            others = others.exclude(pk=self.calendar.pk)
        return others.exists()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        project, crew = data.get("project"), data.get("crew")
        if data.get("is_default") and (project or crew):
            self.add_error("is_default", _("公司默认日历不能属于项目或班组。"))
        if project and not crew and self._taken(project=project, crew=None):
            self.add_error("project", _("项目“%(p)s”已有工作日历，请直接编辑它。")
                           % {"p": project.name})
        if crew and self._taken(crew=crew):
            self.add_error("crew", _("班组“%(c)s”已有工作日历，请直接编辑它。")
                           % {"c": crew.name})
        return data

    def service_data(self, *exclude: str) -> dict[str, Any]:
        data = super().service_data(*exclude)
        data.setdefault("crew", None)
        data.setdefault("is_default", False)
        return data


class ExceptionForm(ServiceFormMixin, forms.Form):
    """One date made a holiday or a 调休 working day."""

    date = forms.DateField(
        label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("请填写有效日期。"), "invalid": _("请填写有效日期。")})
    kind = forms.ChoiceField(
        label=_("类型"), choices=ExceptionKind.choices,
        error_messages={"required": _("未知的例外类型。"),
                        "invalid_choice": _("未知的例外类型。")})
    name = forms.CharField(label=_("说明"), max_length=100, required=False,
                           widget=forms.TextInput(attrs={"placeholder": _("如：公司年会")}))

    def clean_date(self) -> dt.date:
        day: dt.date = self.cleaned_data["date"]
        if not YEAR_MIN <= day.year <= YEAR_MAX:
            raise forms.ValidationError(_("日期须在 %(a)s 年到 %(b)s 年之间。")
                                        % {"a": YEAR_MIN, "b": YEAR_MAX}, code="range")
        return day


class BaselineForm(ServiceFormMixin, forms.Form):
    name = forms.CharField(label=_("基线名称"), max_length=80,
                           error_messages={"required": _("请填写基线名称。")},
                           widget=forms.TextInput(attrs={"placeholder": _("如：合同基线")}))
    note = forms.CharField(label=_("说明"), max_length=300, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
