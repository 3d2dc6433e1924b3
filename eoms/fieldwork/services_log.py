"""The daily site log (施工日志): pre-filled from the day's check-ins, completed by the
site manager, signed, then frozen.

What pre-filling touches, and what it never does:
- the headcount and hours per crew are the check-ins' alone: they are computed again on
  every pre-fill of a draft (nobody types them);
- the work done is filled from the check-ins only while it is empty. Once it holds text,
  the text is the site manager's: a pre-fill leaves it, and the pages show the check-ins'
  summary beside it as a suggestion ("从签到汇总") to copy from;
- the other texts (weather, equipment, deliveries, issues, safety) are never pre-filled.

A signed log cannot change: not by a save, not by a pre-fill, not by a second signature.
Its `content_hash` (SHA-256 of the canonical content, see `canonical_content`) lets
anyone check later that the PDF or the record is what was signed.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eoms.core.access import ADD, CHANGE, require
from eoms.core.context import business_event
from eoms.fieldwork import queries
from eoms.fieldwork.choices import DailyLogState, Weather
from eoms.fieldwork.models import DailyLog, DailyLogCrew
from eoms.fieldwork.policies import SIGN
from eoms.masterdata.models import Site
from eoms.masterdata.services import StaleVersion, last_change_by
from eoms.scheduling.services import field_error

TEXT_FIELDS = ("work_done", "equipment", "deliveries", "issues", "safety")
EDITABLE = ("weather", "temperature_low", "temperature_high", *TEXT_FIELDS)
MAX_TEXT = 5000
MIN_TEMPERATURE, MAX_TEMPERATURE = -60, 60


def _refuse_signed(log: DailyLog) -> None:
    if log.state == DailyLogState.SIGNED:
        when = timezone.localtime(log.signed_at).strftime("%Y-%m-%d %H:%M") \
            if log.signed_at else ""
        raise ValidationError(
            _("这份施工日志已由 %(who)s 于 %(when)s 签署，不能再修改。")
            % {"who": log.signature_name, "when": when}, code="signed")


def _locked(log: DailyLog, actor: Any, action: str,
            expected_version: int | None = None) -> DailyLog:
    locked = DailyLog.objects.select_for_update().select_related("site__project").get(
        pk=log.pk)
    require(actor, action, locked)
    _refuse_signed(locked)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(_("这份施工日志已被 %(who)s 修改（当前版本 %(v)s），"
                             "请刷新后重新编辑。")
                           % {"who": last_change_by(locked), "v": locked.version},
                           code="stale")
    return locked


# --- pre-fill ---------------------------------------------------------------------------------

def _check_day(log_date: Any) -> date:
    if not isinstance(log_date, date):
        raise field_error("log_date", _("请填写日志日期，格式 YYYY-MM-DD。"), "invalid")
    if log_date > timezone.localdate():
        raise field_error("log_date", _("不能为将来的日期（%(d)s）填写施工日志。")
                          % {"d": log_date.isoformat()}, "future")
    return log_date


def _sync_crews(log: DailyLog, lines: list[queries.CrewLine]) -> bool:
    """Make the log's crew rows those of the check-ins; True when anything changed."""
    existing = {row.crew_id: row for row in log.crews.all()}
    changed = False
    for line in lines:
        key = line.crew.pk if line.crew else None
        row = existing.pop(key, None) or DailyLogCrew(log=log, crew=line.crew)
        values = (line.crew_name, line.headcount, line.hours)
        if row.pk is None or (row.crew_name, row.headcount, Decimal(row.hours)) != values:
            row.crew_name, row.headcount, row.hours = values
            row.save()
            changed = True
    for row in existing.values():
        row.delete()
        changed = True
    return changed


def prefill_log(site: Site, log_date: Any, *, actor: Any) -> DailyLog:
    """The site's log of the day, made if there is none, its pre-filled parts brought up
    to date from the check-ins if it is a draft (see the module docstring)."""
    day = _check_day(log_date)
    with transaction.atomic():
        log = DailyLog.objects.select_for_update().filter(site=site, log_date=day).first()
        summary = queries.day_summary(site, day)
        if log is None:
            log = DailyLog(site=site, log_date=day, created_by=actor,
                           work_done=summary.work_done)
            require(actor, ADD, log)
            with business_event("dailylog.created", actor=actor):
                log.save()
                _sync_crews(log, summary.crews)
            return log
        locked = _locked(log, actor, CHANGE)
        with business_event("dailylog.updated", actor=actor):
            changed = _sync_crews(locked, summary.crews)
            if not locked.work_done.strip() and summary.work_done:
                locked.work_done, changed = summary.work_done, True
            if changed:
                locked.version += 1
                locked.save()
        return locked


# --- save -------------------------------------------------------------------------------------

def _temperature(value: Any, name: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    message = _("气温必须是 %(lo)s 到 %(hi)s 之间的整数（℃）。") % {
        "lo": MIN_TEMPERATURE, "hi": MAX_TEMPERATURE}
    if isinstance(value, bool):
        raise field_error(name, message, "invalid")
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        raise field_error(name, message, "invalid")
    if not number.is_finite() or number != number.to_integral_value():
        raise field_error(name, message, "invalid")
    if not MIN_TEMPERATURE <= number <= MAX_TEMPERATURE:
        raise field_error(name, message, "out_of_range")
    return int(number)


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(EDITABLE))
    if unknown:
        raise field_error(unknown[0], _("施工日志没有“%(f)s”这一项。") % {"f": unknown[0]},
                          "unknown")
    values: dict[str, Any] = {}
    errors: dict[str, list[ValidationError]] = {}
    for name, value in data.items():
        try:
            values[name] = _value(name, value)
        except ValidationError as exc:
            errors.update(exc.error_dict)  # type: ignore[arg-type]
    if errors:
        raise ValidationError(errors)
    return values


def _value(name: str, value: Any) -> Any:
    if name in ("temperature_low", "temperature_high"):
        return _temperature(value, name)
    text = "" if value is None else value
    if not isinstance(text, str):
        raise field_error(name, _("应为文本。"), "invalid")
    if name == "weather":
        if text and text not in Weather.values:
            raise field_error("weather", _("请从列表中选择天气。"), "invalid_choice")
        return text
    if len(text) > MAX_TEXT:
        raise field_error(name, _("不能超过 %(n)s 个字符（现有 %(m)s 个）。")
                          % {"n": MAX_TEXT, "m": len(text)}, "too_long")
    return text.replace("\r\n", "\n").strip()


def save_log(log: DailyLog, *, actor: Any, data: dict[str, Any],
             expected_version: int | None = None) -> DailyLog:
    """The site manager's part of a draft log (weather, temperatures, texts)."""
    require(actor, CHANGE, log)
    values = _clean(data)
    with transaction.atomic():
        locked = _locked(log, actor, CHANGE, expected_version)
        before = {name: getattr(locked, name) for name in values}
        for name, value in values.items():
            setattr(locked, name, value)
        low, high = locked.temperature_low, locked.temperature_high
        if low is not None and high is not None and low > high:
            raise field_error("temperature_low", _("最低气温（%(lo)s℃）不能高于最高气温"
                                                   "（%(hi)s℃）。") % {"lo": low, "hi": high},
                              "low_above_high")
        if before == values:
            return locked
        locked.version += 1
        with business_event("dailylog.updated", actor=actor):
            locked.save()
    return locked


# --- sign -------------------------------------------------------------------------------------

def canonical_content(log: DailyLog) -> dict[str, Any]:
    """What a signature covers: the log's content, its crews, the photos it shows and
    the signature itself. Key order and number formats are fixed, so the hash is
    reproducible from the stored record."""
    photos = queries.photos_of_day(log.site, log.log_date, before=log.signed_at)
    return {
        "site": log.site.code, "date": log.log_date.isoformat(), "weather": log.weather,
        "temperature_low": log.temperature_low, "temperature_high": log.temperature_high,
        **{name: getattr(log, name) for name in TEXT_FIELDS},
        "crews": [[row.crew_name, row.headcount, f"{Decimal(row.hours):.2f}"]
                  for row in sorted(log.crews.all(), key=lambda r: (r.crew_name, r.pk))],
        "photos": sorted(photos.values_list("sha256", flat=True)),
        "signed_by": log.signed_by.username if log.signed_by else "",
        "signature_name": log.signature_name,
        "signed_at": log.signed_at.isoformat() if log.signed_at else "",
    }


def content_hash(log: DailyLog) -> str:
    text = json.dumps(canonical_content(log), ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sign_log(log: DailyLog, *, actor: Any, signature_name: Any,
             expected_version: int | None = None) -> DailyLog:
    """The site manager signs the log: it is frozen, with the hash of what he signed."""
    name = signature_name.strip() if isinstance(signature_name, str) else ""
    if not name:
        raise field_error("signature_name", _("请输入签名（您的姓名）。"), "required")
    if len(name) > 60:
        raise field_error("signature_name", _("签名不能超过 60 个字符。"), "too_long")
    with transaction.atomic():
        locked = _locked(log, actor, SIGN, expected_version)
        locked.state, locked.signed_by = DailyLogState.SIGNED, actor
        locked.signed_at = timezone.now()
        locked.signature_name = name
        locked.content_hash = content_hash(locked)
        locked.version += 1
        with business_event("dailylog.signed", actor=actor):
            locked.save()
    return locked


def hash_matches(log: DailyLog) -> bool:
    """Whether a signed log still is what was signed."""
    return bool(log.content_hash) and content_hash(log) == log.content_hash
