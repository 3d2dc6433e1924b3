"""The demo step for quality: the rebar tying of the Shanghai order B1 主楼 4–6 层 under
inspection, through the quality services, as the demo's people.

Its first four rebar-tying tasks become concealed work of type 钢筋 (planned so by
demo_pm1). The first one (finished) gets its 钢筋隐蔽验收 from its checkpoint: demo_qc1
measures, takes the three photos on site during the work (EXIF time and position in the
task's window and fence), signs and passes it, and demo_pm1 accepts the task. The second
passes too; the third fails on 受力钢筋间距, which opens its non-conformance and a rework
task; the fourth has an open inspection assigned to demo_qc1, so his 我的检验 has work.
Nothing is written when any inspection exists.
"""

from __future__ import annotations

import base64
import io
from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from eoms.orders.models import Order
from eoms.quality import services, services_accept
from eoms.quality.choices import ItemKind
from eoms.quality.models import Checkpoint, Inspection, InspectionTemplate
from eoms.scheduling import services as scheduling
from eoms.scheduling.choices import TaskStatus
from eoms.scheduling.models import Task

if TYPE_CHECKING:
    from eoms.demo.loader import Demo

ORDER = ("shanghai", "B1 主楼 4–6 层钢筋加工与安装")
INSPECTOR, PLANNER = "demo_qc1", "demo_pm1"
TYING = "钢筋绑扎"
FAILED_ITEM = "受力钢筋间距"
EXIF_IFD, GPS_IFD, DATETIME_ORIGINAL, OFFSET_TIME_ORIGINAL = 0x8769, 0x8825, 0x9003, 0x9011
TEXTS = {"验收结论": "钢筋规格、数量、间距及保护层符合设计和规范要求，同意隐蔽。"}


def _dms(value: float) -> tuple[float, float, float]:
    units = round(abs(value) * 36_000_000)  # 1/10,000 of an arc second
    degrees, rest = divmod(units, 36_000_000)
    minutes, rest = divmod(rest, 600_000)
    return float(degrees), float(minutes), rest / 10_000


def _exif(taken_at: datetime, gps: tuple[float, float] | None) -> Image.Exif:
    exif = Image.Exif()
    details = exif.get_ifd(EXIF_IFD)
    details[DATETIME_ORIGINAL] = taken_at.strftime("%Y:%m:%d %H:%M:%S")
    details[OFFSET_TIME_ORIGINAL] = taken_at.strftime("%z")[:3] + ":" + \
        taken_at.strftime("%z")[3:]
    if gps is not None:
        position = exif.get_ifd(GPS_IFD)
        position[0] = b"\x02\x02\x00\x00"
        position[1], position[2] = "N" if gps[0] >= 0 else "S", _dms(gps[0])
        position[3], position[4] = "E" if gps[1] >= 0 else "W", _dms(gps[1])
    return exif


def rebar_photo(seed: int, taken_at: datetime,
                gps: tuple[float, float] | None) -> SimpleUploadedFile:
    """A drawing of a rebar mat on spacers, as a phone JPEG with EXIF time and position."""
    image = Image.new("RGB", (960, 720), (175, 165, 150))
    draw = ImageDraw.Draw(image)
    step = 60 + (seed % 3) * 10
    for x in range(40, 960, step):
        draw.line((x, 0, x, 720), fill=(105, 60, 40), width=9)
    for y in range(40, 720, step):
        draw.line((0, y, 960, y), fill=(120, 70, 45), width=9)
    for x in range(70, 960, step * 2):
        draw.rectangle((x, 650, x + 30, 680), fill=(210, 210, 205))  # spacer blocks
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80, exif=_exif(taken_at, gps).tobytes())
    return SimpleUploadedFile(f"IMG_{seed:04d}.jpg", buffer.getvalue(), "image/jpeg")


def signature(name: str) -> str:
    """A drawn signature as the phone's canvas sends it (a PNG data URL)."""
    image = Image.new("RGBA", (360, 120), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    x = 20
    for n, _char in enumerate(name):
        draw.line((x, 90, x + 30, 25 + 10 * (n % 2), x + 55, 85, x + 80, 40),
                  fill=(20, 20, 60, 255), width=4)
        x += 100
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _gps(order: Order) -> tuple[float, float] | None:
    site = order.site or order.project.sites.exclude(latitude=None).order_by("pk").first()
    if site is None or site.latitude is None or site.longitude is None:
        return None
    return float(site.latitude), float(site.longitude)


def _answers(inspection: Inspection, *, fail: str = "") -> tuple[dict, dict]:
    """What demo_qc1 records: every item passes (measured within tolerance) but `fail`;
    three photos taken on the afternoon the work finished."""
    task = inspection.task
    assert task is not None
    day = task.actual_finish or task.actual_start or timezone.localdate()
    shot = timezone.make_aware(datetime.combine(day, time(15, 20)))
    values: dict[str, Any] = {}
    photos: dict[str, list[Any]] = {}
    for item in inspection.template.items.all():
        key = f"item_{item.pk}"
        if item.kind == ItemKind.PASS_FAIL:
            values[key] = "pass"
        elif item.kind == ItemKind.MEASUREMENT:
            nominal, plus = item.nominal or 0, item.tolerance_plus or 0
            values[key] = str(nominal + plus + 8 if item.label == fail else nominal + plus / 2)
        elif item.kind == ItemKind.TEXT:
            values[key] = TEXTS.get(item.label, "符合要求")
        elif item.kind == ItemKind.SIGNATURE:
            values[key] = signature("周涛")
        elif item.kind == ItemKind.PHOTO:
            photos[key] = [rebar_photo(inspection.pk * 10 + n, shot, _gps(task.order))
                           for n in range(max(item.min_photos, 1))]
    return values, photos


def _inspect(demo: Demo, task: Task, *, fail: str = "") -> Inspection:
    qc = demo.user(INSPECTOR)
    checkpoint = Checkpoint.objects.get(name="钢筋分项完工验收")
    inspection = services.start_by_checkpoint(checkpoint, order=task.order, task=task,
                                              actor=demo.user(PLANNER))
    assert inspection is not None
    values, photos = _answers(inspection, fail=fail)
    recorded = services.record_results(inspection, actor=qc, values=values, photos=photos,
                                       note="现场实测实量，影像资料已上传。")
    return services.complete_inspection(recorded, actor=qc)


def _conceal(demo: Demo, tasks: list[Task]) -> list[Task]:
    planner = demo.user(PLANNER)
    for task in tasks:
        scheduling.update_task(task, actor=planner, data={
            "is_concealed": True, "work_type": "rebar"})
    return [Task.objects.select_related("order__project", "order__site").get(pk=task.pk)
            for task in tasks]


def load_quality(demo: Demo) -> None:
    if Inspection.objects.exists():
        demo.note("inspections", False, Inspection.objects.count())
        return
    project, title = ORDER
    order = Order.objects.filter(project=demo.projects[project], title=title).first()
    if order is None:
        return
    tying = list(Task.objects.filter(order=order, is_summary=False, name__contains=TYING)
                 .order_by("early_start", "pk"))
    if len(tying) < 4 or tying[0].status != TaskStatus.DONE:
        return
    accepted, passed, failed, waiting = _conceal(demo, tying[:4])
    for task in (accepted, passed):
        _inspect(demo, task)
    services_accept.accept_task(accepted, actor=demo.user(PLANNER),
                                note="隐蔽验收合格，影像资料齐全，同意浇筑混凝土。")
    _inspect(demo, failed, fail=FAILED_ITEM)
    services.start_inspection(order, InspectionTemplate.objects.get(code="QT-GJ"),
                              actor=demo.user(PLANNER), task=waiting,
                              inspector=demo.user(INSPECTOR))
    demo.note("inspections", True, Inspection.objects.count())
