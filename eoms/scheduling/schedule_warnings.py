"""A schedule's warnings (written by the recompute as [task id or None, code]) in words,
for the pages and the API alike."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from eoms.scheduling.models import Schedule, Task


def warning_message(code: str, task_name: Any) -> str:
    name = task_name or ""
    if code.startswith("calendar_no_data:"):
        return _("%(year)s 年的法定节假日数据尚未收录，按周末和手工录入的假日计算") % {
            "year": code.partition(":")[2]}
    if code == "calendar_beyond_known_data":
        return _("任务“%(t)s”排到了日历尚未收录节假日的年份。") % {"t": name}
    if code == "constraint_violated":
        return _("任务“%(t)s”的限制条件无法满足。") % {"t": name}
    if code == "deadline_missed":
        return _("计划完成日期晚于要求的完工期限。")
    if code == "summary_constraint_ignored":
        return _("摘要任务“%(t)s”的限制条件不参与计算，请把限制设在下级任务上。") % {"t": name}
    return _("进度计算提示：%(code)s") % {"code": code}


def _pairs(schedule: Schedule) -> tuple[list[tuple[int | None, str]], dict[int, str]]:
    pairs = [(int(k) if k is not None and str(k).isdigit() else None, str(code))
             for k, code in (schedule.warnings or [])]
    keys = {k for k, _code in pairs if k is not None}
    names = dict(Task.objects.filter(pk__in=keys).values_list("pk", "name")) if keys else {}
    return pairs, names


def warning_rows(schedule: Schedule) -> list[dict[str, Any]]:
    """Every warning: the task id, the code and the message (the API)."""
    pairs, names = _pairs(schedule)
    return [{"task": key, "code": code,
             "message": warning_message(code, names.get(key) if key else None)}
            for key, code in pairs]


def warning_texts(schedule: Schedule) -> list[str]:
    """The messages each once, calendar years first; the per-task calendar warning is
    left out because the year's warning says it (the schedule page)."""
    pairs, names = _pairs(schedule)
    texts: list[str] = []
    for key, code in sorted(pairs, key=lambda p: not p[1].startswith("calendar")):
        if code == "calendar_beyond_known_data":
            continue
        text = warning_message(code, names.get(key, key) if key else None)
        if text not in texts:
            texts.append(text)
    return texts
