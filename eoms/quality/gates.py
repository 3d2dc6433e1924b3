"""The quality gates: what a task needs before it is accepted, what its successors need
before they start (concealed work), what an order needs before it is delivered. Each
returns the reasons it refuses, as complete localized sentences naming what is missing;
an empty list lets it pass.

"Current" inspections are the last round of each chain (an inspection no re-inspection
repeats), cancelled ones left out: a failed inspection stops blocking only once its
re-inspection passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from eoms.fieldwork.choices import LocationStatus
from eoms.fieldwork.geofence import locate
from eoms.masterdata.models import Site
from eoms.orders.models import Order
from eoms.quality.choices import InspectionStatus, ItemKind, NcrStatus
from eoms.quality.models import Inspection, InspectionPhoto, NonConformance, TaskAcceptance
from eoms.scheduling.choices import TaskStatus
from eoms.scheduling.models import Task

SHOWN = 5  # reasons listed one by one; more are counted


def current_inspections(qs: QuerySet) -> QuerySet:
    return (qs.exclude(status=InspectionStatus.CANCELLED)
            .filter(reinspection__isnull=True).select_related("template", "task"))


def describe(inspection: Inspection) -> str:
    if inspection.task is not None:
        return _("检验 %(code)s（%(template)s · %(task)s）") % {
            "code": inspection.code, "template": inspection.template.name,
            "task": inspection.task.name}
    return _("检验 %(code)s（%(template)s）") % {"code": inspection.code,
                                               "template": inspection.template.name}


def _inspection_reasons(inspections: list[Inspection]) -> list[str]:
    reasons = []
    for inspection in inspections:
        if inspection.status == InspectionStatus.OPEN:
            reasons.append(_("%(i)s尚未完成。") % {"i": describe(inspection)})
        elif inspection.status == InspectionStatus.FAILED:
            reasons.append(_("%(i)s不合格，返工后须复检合格。") % {"i": describe(inspection)})
    return reasons


def _ncr_reasons(ncrs: QuerySet) -> list[str]:
    return [_("不合格项 %(code)s 尚未关闭。") % {"code": ncr.code}
            for ncr in ncrs.filter(status=NcrStatus.OPEN).order_by("pk")]


def _shorten(reasons: list[str]) -> list[str]:
    if len(reasons) <= SHOWN:
        return reasons
    rest = len(reasons) - SHOWN
    return [*reasons[:SHOWN], _("另有 %(n)s 项未列出。") % {"n": rest}]


# --- concealed work: the photos of the passed inspection ----------------------------------------

@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime  # exclusive
    first_day: date
    last_day: date

    def holds(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def task_window(task: Task) -> Window | None:
    """From the day the task started to the end of the day after it finished (today
    while it runs), in local time; None before it started."""
    first = task.actual_start or task.actual_finish
    if first is None:
        return None
    last = (task.actual_finish or timezone.localdate()) + timedelta(days=1)
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(first, time.min), zone)
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min), zone)
    return Window(start, end, first, last)


def _fence_sites(order: Order) -> list[Site]:
    sites = [order.site] if order.site is not None else list(order.project.sites.all())
    return [s for s in sites if s.latitude is not None and s.longitude is not None]


def photo_problem(photo: InspectionPhoto, window: Window, sites: list[Site]) -> str:
    """Why a photo does not count as evidence of the work ("" when it does)."""
    moment = photo.shot_at
    if not window.holds(moment):
        return _("照片 #%(n)s 拍摄于 %(when)s，不在施工期间") % {
            "n": photo.pk, "when": timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")}
    if photo.gps_latitude is None or photo.gps_longitude is None or not sites:
        return ""
    located = [locate(site, photo.gps_latitude, photo.gps_longitude) for site in sites]
    if any(spot.status == LocationStatus.INSIDE for spot in located):
        return ""
    distance = min(spot.distance_m or 0 for spot in located)
    return _("照片 #%(n)s 拍摄位置距工地 %(d)s 米，在电子围栏外") % {
        "n": photo.pk, "d": f"{distance:,}"}


def _evidence_reasons(task: Task, inspection: Inspection) -> list[str]:
    window = task_window(task)
    if window is None:
        return [_("隐蔽工程“%(task)s”没有实际开始日期，无法核对照片的拍摄时间。")
                % {"task": task.name}]
    sites = _fence_sites(task.order)
    photos = list(inspection.photos.all())
    problems = {p.pk: photo_problem(p, window, sites) for p in photos}
    items = [i for i in inspection.template.items.all() if i.kind == ItemKind.PHOTO]
    needs = [(item, max(item.min_photos, 1 if item.required else 0)) for item in items]
    if not needs:
        needs = [(None, 1)]
    reasons = []
    for item, needed in needs:
        mine = [p for p in photos if item is None or p.item_id == item.pk]
        good = [p for p in mine if not problems[p.pk]]
        if len(good) >= needed:
            continue
        bad = "；".join(problems[p.pk] for p in mine if problems[p.pk])
        reasons.append(_("隐蔽工程“%(task)s”缺少影像资料：%(what)s需要至少 %(n)s 张在施工期间"
                         "（%(start)s 至 %(end)s）于工地拍摄的照片，符合要求的有 %(ok)s 张"
                         "%(bad)s。") % {
            "task": task.name, "n": needed, "ok": len(good),
            "what": (_("“%(item)s”") % {"item": item.label}) if item else _("检验"),
            "start": window.first_day.isoformat(), "end": window.last_day.isoformat(),
            "bad": (_("（%(b)s）") % {"b": bad}) if bad else ""})
    return reasons


def concealed_refusals(task: Task) -> list[str]:
    """What concealed work lacks before it is accepted and its successors start: a current
    inspection, all of them passed, the passed ones with their photos."""
    if not task.is_concealed:
        return []
    current = list(current_inspections(task.inspections.all()))
    if not current:
        return [_("隐蔽工程“%(task)s”还没有验收检验，请质检员检验并拍照留存。")
                % {"task": task.name}]
    reasons = _inspection_reasons(current)
    for inspection in current:
        if inspection.status == InspectionStatus.PASSED:
            reasons += _evidence_reasons(task, inspection)
    return reasons


# --- the three gates ------------------------------------------------------------------------

def acceptance_refusals(task: Task) -> list[str]:
    accepted = TaskAcceptance.objects.filter(task=task).select_related("accepted_by").first()
    if accepted is not None:
        who = accepted.accepted_by.get_full_name() or accepted.accepted_by.username
        return [_("任务“%(task)s”已于 %(when)s 由 %(who)s 验收。") % {
            "task": task.name, "who": who,
            "when": timezone.localtime(accepted.accepted_at).strftime("%Y-%m-%d %H:%M")}]
    reasons = []
    if task.status != TaskStatus.DONE:
        reasons.append(_("任务“%(task)s”尚未完成（%(p)s%%），完成后才能验收。")
                       % {"task": task.name, "p": task.percent_complete})
    if task.is_concealed:
        reasons += concealed_refusals(task)
    else:
        reasons += _inspection_reasons(list(current_inspections(task.inspections.all())))
    reasons += _ncr_reasons(NonConformance.objects.filter(task=task))
    return _shorten(reasons)


def _is_rework(task: Task) -> bool:
    return task.pk is not None and NonConformance.objects.filter(rework_task=task).exists()


def start_refusals(task: Task) -> list[str]:
    """A task may not start while concealed work before it is not accepted by inspection
    (its own rework excepted: the rework is what makes it pass)."""
    if _is_rework(task):
        return []
    reasons = []
    for link in task.predecessor_links.select_related("predecessor__order"):
        before = link.predecessor
        missing = concealed_refusals(before)
        if missing:
            reasons.append(_("“%(task)s”不能开始：前置的隐蔽工程“%(before)s”尚未验收合格。")
                           % {"task": task.name, "before": before.name})
            reasons += missing
    return _shorten(reasons)


def delivery_refusals(order: Order) -> list[str]:
    """An order is delivered only when no inspection of it is open or failed and no
    non-conformance is open."""
    reasons = _inspection_reasons(list(current_inspections(order.inspections.all())))
    reasons += _ncr_reasons(order.ncrs.all())
    if not reasons:
        return []
    return _shorten([_("订单 %(code)s 不能交付：") % {"code": order.code} + reasons[0],
                     *reasons[1:]])
