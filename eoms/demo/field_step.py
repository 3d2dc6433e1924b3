"""The demo step for field work: the last working days of the demo crews on site.

Each demo worker with a task under way checks in at his order's site on the three
working days before today (in the morning, out in the evening, with a photo on the last
of them, the day of the signed log), and again this morning when the demo is loaded
after nine. One check-in is made outside the fence and one without a location, each with
the worker's reason, so the supervisor view has something to look at. The site manager
of the busiest site fills in and signs the daily log of the last working day, and its
gate gets an attendance terminal. Nothing is written when any check-in exists.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from eoms.fieldwork import services, services_devices, services_log
from eoms.fieldwork.models import CheckIn
from eoms.masterdata.models import Site
from eoms.scheduling.choices import TaskStatus
from eoms.scheduling.models import Task
from eoms.scheduling.policies import own_task_scope

if TYPE_CHECKING:
    from eoms.demo.loader import Demo

WORKERS = [f"demo_worker{n}" for n in range(1, 8)]
# (worker, days ago) → where and why: a check-in outside the fence, one without location
OUTSIDE = ("demo_worker2", 1, Decimal("0.011"), "在搅拌站等混凝土车，随车进场")
NO_LOCATION = ("demo_worker6", 2, "手机定位权限被关了，已重新打开")


def site_photo(seed: int) -> SimpleUploadedFile:
    """A plain drawing of a site (sky, a frame of floors, rebar) as a JPEG upload."""
    image = Image.new("RGB", (1600, 1200), (160, 190, 220))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 820, 1600, 1200), fill=(150, 130, 105))
    left = 240 + (seed % 5) * 60
    for floor in range(5):
        top = 760 - floor * 130
        draw.rectangle((left, top, left + 900, top + 18), fill=(120, 120, 120))
        for column in range(6):
            x = left + column * 176
            draw.rectangle((x, top, x + 22, top + 130), fill=(135, 135, 135))
    for bar in range(0, 900, 24):
        draw.line((left + bar, 90, left + bar, 110), fill=(110, 60, 40), width=5)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile(f"IMG_{seed:04d}.jpg", buffer.getvalue(), "image/jpeg")


def _working_days_before(today: date, count: int) -> list[date]:
    days, day = [], today
    while len(days) < count:
        day -= timedelta(days=1)
        if day.weekday() != 6:  # the demo crews work Monday to Saturday
            days.append(day)
    return days


def _task_of(worker: Any) -> Task | None:
    return (Task.objects.filter(own_task_scope(worker), is_summary=False,
                                status=TaskStatus.IN_PROGRESS, order__site__isnull=False)
            .select_related("order__site").order_by("early_start", "pk").first())


def _where(worker: str, days_ago: int, site: Any) -> dict[str, Any]:
    name, ago, offset, reason = OUTSIDE
    if (worker, days_ago) == (name, ago):
        return {"latitude": site.latitude + offset, "longitude": site.longitude,
                "accuracy": 12, "flag_reason": reason}
    name, ago, reason = NO_LOCATION
    if (worker, days_ago) == (name, ago):
        return {"flag_reason": reason}
    return {"latitude": site.latitude, "longitude": site.longitude, "accuracy": 20}


def _local(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _day_on_site(demo: Demo, worker: str, task: Task, day: date, index: int,
                 days_ago: int) -> None:
    user, site = demo.user(worker), task.order.site
    assert site is not None  # _task_of picks tasks of orders with a site
    arrive = _local(day, time(7, 40 + 3 * index))
    files = [site_photo(index * 10 + days_ago)] if days_ago == 1 else []
    checkin = services.check_in(site, actor=user, task=task, at=arrive, files=files,
                                note=f"{task.name}：按计划施工", **_where(worker, days_ago, site))
    if days_ago:
        services.check_out(checkin, actor=user, at=_local(day, time(17, 30)),
                           hours_worked=Decimal("8.5"))


def load_field_work(demo: Demo) -> None:
    if CheckIn.objects.exists():
        demo.note("check-ins", False, CheckIn.objects.count())
        return
    now = timezone.localtime()
    days = _working_days_before(now.date(), 3)
    for index, worker in enumerate(WORKERS):
        task = _task_of(demo.user(worker))
        if task is None:
            continue
        for days_ago, day in zip((3, 2, 1), reversed(days), strict=True):
            _day_on_site(demo, worker, task, day, index, days_ago)
        if now.time() >= time(9, 0):
            _day_on_site(demo, worker, task, now.date(), index, 0)
    _daily_log(demo, days[0])
    demo.note("check-ins", True, CheckIn.objects.count())


def _daily_log(demo: Demo, day: date) -> None:
    """The signed 施工日志 of the busiest site on the last working day, and its gate."""
    site = (Site.objects.filter(checkins__checked_in_at__date=day)
            .order_by("-checkins__pk").select_related("project__manager").first())
    if site is None or site.project.manager is None:
        return
    manager = site.project.manager
    log = services_log.prefill_log(site, day, actor=manager)
    log = services_log.save_log(log, actor=manager, data={
        "weather": "cloudy", "temperature_low": 14, "temperature_high": 21,
        "equipment": "塔吊 QTZ80 一台，正常运转；钢筋弯曲机、切断机各一台。",
        "deliveries": "HRB400 Φ16 螺纹钢 32 吨进场，随车合格证齐全，已见证取样送检。",
        "issues": "东侧围挡一处松动，已安排加固。",
        "safety": "班前安全交底已完成，高处作业人员安全带佩戴检查合格。"})
    services_log.sign_log(log, actor=manager, signature_name=manager.get_full_name())
    services_devices.create_device(site, actor=manager, name=f"{site.name} 东门闸机")
