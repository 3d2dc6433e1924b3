"""The demo step for scheduling: work calendars and the WBS schedules of four orders in
progress, built through the scheduling services by the people who would build them.

Each project gets a calendar with the statutory holidays (the Shanghai one also a company
stop day); the rebar crew works Monday to Saturday. Each schedule is planned by the
order's project manager from a start some working days before today, saved as the
baseline "合同基线", then progressed by the task owners and crew leaders from the computed
dates: what should have finished is done, what should have started is under way. Then
the plan slips (a task finished late, a design change lengthens another), so the variance
against the baseline shows; one task of the Shanghai rebar schedule stays unfinished past
its finish date (overdue). An order that already has tasks is left alone, and so are
calendars that exist: loading twice writes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from eoms.orders.models import Order
from eoms.scheduling import calendars, services, services_plan
from eoms.scheduling.engine.model import CalendarSpec
from eoms.scheduling.models import Task, WorkCalendar

if TYPE_CHECKING:
    from eoms.demo.loader import Demo

BASELINE = "合同基线"
MANAGER = "demo_manager"


def t(key: str, name: str, parent: str | None = None, days: float | None = None,
      who: str | None = None, **extra: Any) -> dict[str, Any]:
    """One task: `who` is "u:<username>" (owner) or "c:<crew name>"; no days: a summary
    task or a milestone. extra: milestone, constraint ((type, working days after the
    start, or "promised")), cost."""
    return {"key": key, "name": name, "parent": parent, "days": days, "who": who, **extra}


def _floor(n: int, crew: str = "c:钢筋班") -> list[dict[str, Any]]:
    f = f"f{n}"
    return [t(f, f"{n} 层钢筋"),
            t(f"{f}_cut", f"{n} 层钢筋加工", f, 3, crew, cost=18000),
            t(f"{f}_col", f"{n} 层柱钢筋绑扎", f, 3, crew, cost=26000),
            t(f"{f}_slab", f"{n} 层梁板钢筋绑扎", f, 4, crew, cost=42000),
            t(f"{f}_check", f"{n} 层钢筋隐蔽验收", f, 1, "u:demo_pm1")]


def _floor_links(n: int) -> list[tuple[str, str, str, float]]:
    f = f"f{n}"
    return [(f"{f}_cut", f"{f}_col", "SS", 2), (f"{f}_col", f"{f}_slab", "FS", -1),
            (f"{f}_slab", f"{f}_check", "FF" if n == 5 else "FS", 1 if n == 5 else 0)]


# Each schedule: the order (project key + title), its planner, how many working days
# before today it started, the tasks and links (pred, succ, type, lag in working days),
# the task left overdue (no status date on that order), the late finish (task, working
# days late) and the design change (task, new duration) after the baseline.
SCHEDULES: list[dict[str, Any]] = [
    {"project": "shanghai", "order": "B1 主楼 4–6 层钢筋加工与安装", "planner": "demo_pm1",
     "started": 16, "overdue": "shelter", "late": ("f4_slab", 2), "longer": ("f6_slab", 6),
     "tasks": [
         t("prep", "施工准备"),
         t("review", "图纸会审与钢筋翻样", "prep", 3, "u:demo_pm1"),
         t("dwg", "图纸审批完成", "prep", milestone="drawings_approved"),
         t("equip", "钢筋加工设备到场", "prep", milestone="equipment_on_site",
           constraint=("SNET", 3)),
         t("retest", "钢筋原材进场复检", "prep", 2, "u:demo_worker2", cost=3500),
         t("shelter", "钢筋堆场防雨棚搭设", "prep", 3, "u:demo_worker1", cost=12000),
         *_floor(4), *_floor(5), *_floor(6),
         t("close", "分项验收"),
         t("docs", "钢筋分项工程资料整理", "close", 2, "u:demo_pm1"),
         t("sign", "钢筋分项验收签字", "close", milestone="acceptance_signed",
           constraint=("FNLT", "promised")),
     ],
     "links": [("review", "dwg", "FS", 0), ("dwg", "f4_cut", "FS", 0),
               ("equip", "f4_cut", "FS", 0), ("review", "retest", "SS", 1),
               ("retest", "f4_cut", "FS", 0), *_floor_links(4),
               ("f4_cut", "f5_cut", "FS", 0), ("f4_check", "f5_col", "FS", 3),
               *_floor_links(5), ("f5_cut", "f6_cut", "FS", 0),
               ("f5_check", "f6_col", "FS", 3), ("shelter", "f6_cut", "FS", 0),
               *_floor_links(6), ("f6_check", "docs", "FS", 0), ("docs", "sign", "FS", 0)]},
    {"project": "shanghai", "order": "B1 主楼 5 层结构混凝土浇筑", "planner": "demo_pm1",
     "started": 6, "late": ("form_col", 1), "longer": ("cure", 8),
     "tasks": [
         t("prep", "施工准备"),
         t("brief", "施工方案与安全技术交底", "prep", 1, "u:demo_pm1"),
         t("pump", "泵车及布料机到场", "prep", milestone="equipment_on_site"),
         t("form", "模板与钢筋"),
         t("form_col", "5 层柱墙模板支设", "form", 3, "c:木工班", cost=36000),
         t("form_slab", "5 层梁板模板支设", "form", 3, "c:木工班", cost=48000),
         t("rebar", "5 层梁板钢筋绑扎", "form", 3, "c:钢筋班", cost=52000),
         t("concrete", "混凝土施工"),
         t("pre_check", "浇筑前钢筋模板验收", "concrete", 1, "u:demo_pm1"),
         t("pour", "5 层 C35 混凝土浇筑", "concrete", 1, "u:demo_worker3", cost=298000),
         t("cubes", "同条件试块留置送检", "concrete", 1, "u:demo_worker4", cost=1200),
         t("cure", "混凝土养护", "concrete", 7, "c:木工班", cost=6000),
         t("sign", "5 层结构验收签字", None, milestone="acceptance_signed"),
     ],
     "links": [("brief", "form_col", "FS", 0), ("form_col", "form_slab", "SS", 2),
               ("form_slab", "rebar", "SS", 1), ("rebar", "pre_check", "FS", 0),
               ("form_slab", "pre_check", "FS", 0), ("pre_check", "pour", "FS", 0),
               ("pump", "pour", "FS", 0), ("pour", "cubes", "SS", 0),
               ("pour", "cure", "FS", 0), ("cure", "sign", "FS", 0),
               ("cubes", "sign", "FS", 0)]},
    {"project": "suzhou", "order": "车间照明线路敷设", "planner": "demo_pm2", "started": 8,
     "late": ("pipe1", 1), "longer": ("lamp_inst", 7),
     "tasks": [
         t("prep", "施工准备"),
         t("plan", "照明图纸深化与材料计划", "prep", 2, "u:demo_pm2"),
         t("dwg", "照明施工图审批完成", "prep", milestone="drawings_approved"),
         t("mat", "线管线材进场验收", "prep", 1, "u:demo_worker6", cost=4000),
         t("pipes", "管线敷设"),
         t("pipe1", "1 区 JDG 线管敷设", "pipes", 4, "c:水电班", cost=16500),
         t("pipe2", "2 区 JDG 线管敷设", "pipes", 4, "c:水电班", cost=16500),
         t("pipe_check", "线管隐蔽验收", "pipes", 1, "u:demo_pm2"),
         t("lights", "穿线与灯具安装"),
         t("wire", "BV 线穿线", "lights", 5, "c:水电班", cost=21000),
         t("lamps", "LED 工矿灯到场", "lights", milestone="equipment_on_site",
           constraint=("SNET", 11)),
         t("lamp_inst", "灯具安装", "lights", 5, "u:demo_worker6", cost=28000),
         t("box", "照明配电箱接线", "lights", 2, "u:demo_worker5", cost=5200),
         t("test", "调试与验收"),
         t("insul", "绝缘电阻测试", "test", 1, "u:demo_worker5"),
         t("power_on", "正式照明通电试运行", "test", 2, "u:demo_worker5"),
         t("temp_off", "临时照明拆除", "test", 1, "c:水电班", cost=1500),
         t("sign", "照明工程验收签字", "test", milestone="acceptance_signed"),
     ],
     "links": [("plan", "dwg", "FS", 0), ("dwg", "pipe1", "FS", 0), ("mat", "pipe1", "FS", 0),
               ("plan", "mat", "FS", 0), ("pipe1", "pipe2", "SS", 2),
               ("pipe2", "pipe_check", "FS", 0), ("pipe_check", "wire", "FS", 0),
               ("wire", "lamp_inst", "SS", 2), ("lamps", "lamp_inst", "FS", 0),
               ("wire", "box", "FF", 1), ("lamp_inst", "insul", "FS", 0),
               ("box", "insul", "FS", 0), ("insul", "power_on", "FS", 0),
               ("power_on", "temp_off", "SF", 0), ("power_on", "sign", "FS", 1)]},
    {"project": "hangzhou", "order": "3# 研发楼强电桥架与电缆敷设", "planner": "demo_pm3",
     "started": 10, "late": ("t12", 2), "longer": ("branch", 6),
     "tasks": [
         t("prep", "施工准备"),
         t("design", "桥架综合排布深化设计", "prep", 3, "u:demo_pm3"),
         t("dwg", "桥架深化图审批完成", "prep", milestone="drawings_approved"),
         t("arrive", "电缆桥架到货", "prep", milestone="equipment_on_site",
           constraint=("SNET", 7)),
         t("trays", "桥架安装"),
         t("t12", "1–2 层水平桥架安装", "trays", 4, "c:水电班", cost=38000),
         t("shaft", "强电竖井桥架安装", "trays", 3, "u:demo_worker6", cost=24000),
         t("t34", "3–4 层水平桥架安装", "trays", 4, "c:水电班", cost=38000),
         t("t56", "5–6 层水平桥架安装", "trays", 3, "c:水电班", cost=30000),
         t("cables", "电缆敷设"),
         t("main", "YJV 主干电缆敷设", "cables", 5, "c:水电班", cost=96000),
         t("branch", "楼层分支电缆敷设", "cables", 4, "c:水电班", cost=54000),
         t("heads", "电缆头制作与接线", "cables", 2, "u:demo_worker5", cost=8000),
         t("accept", "调试验收"),
         t("insul", "电缆绝缘电阻测试", "accept", 1, "u:demo_worker5"),
         t("energize", "送电调试", "accept", 2, "u:demo_pm3"),
         t("sign", "强电分项验收签字", "accept", milestone="acceptance_signed",
           constraint=("FNLT", "promised")),
     ],
     "links": [("design", "dwg", "FS", 0), ("dwg", "t12", "FS", 0), ("arrive", "t12", "FS", 0),
               ("t12", "t34", "FS", 0), ("t34", "t56", "FS", 0), ("t12", "shaft", "SS", 1),
               ("shaft", "main", "FS", 0), ("t34", "main", "FS", 0),
               ("main", "branch", "SS", 2), ("t56", "branch", "FS", 0),
               ("branch", "heads", "FF", 1), ("heads", "insul", "FS", 0),
               ("insul", "energize", "FS", 0), ("energize", "sign", "FS", 0)]},
]
# The overdue order keeps no status date (its unfinished task stays in the past).
STOP_DAY = ("shanghai", 9, "重污染天气预警停工")  # project, days after today, reason
CREW_CALENDAR = ("钢筋班", "钢筋班日历（周一至周六）", [0, 1, 2, 3, 4, 5])


# --- calendars ------------------------------------------------------------------------------

def _project_calendars(demo: Demo) -> dict[str, WorkCalendar]:
    found = {}
    for key, project in demo.projects.items():
        row = WorkCalendar.objects.filter(project=project, crew=None).first()
        demo.note("work calendars", row is None)
        if row is None:
            row = services_plan.save_calendar(None, actor=project.manager, data={
                "name": f"{project.name} 项目日历", "project": project,
                "statutory_holidays": True})
            if key == STOP_DAY[0]:
                spec = calendars.to_spec(row)
                day = _next_working_day(spec, timezone.localdate() + timedelta(STOP_DAY[1]))
                services_plan.set_exception(row, actor=project.manager, day=day,
                                            kind="holiday", name=STOP_DAY[2])
        found[key] = row
    return found


def _crew_calendar(demo: Demo) -> None:
    crew = demo.crews.get(CREW_CALENDAR[0])
    if crew is None:
        return
    exists = WorkCalendar.objects.filter(crew=crew).exists()
    demo.note("work calendars", not exists)
    if not exists:
        services_plan.save_calendar(None, actor=demo.user(MANAGER), data={
            "name": CREW_CALENDAR[1], "crew": crew, "weekdays": CREW_CALENDAR[2]})


def _next_working_day(spec: CalendarSpec, day: date) -> date:
    while not calendars.is_working_day(spec, day):
        day += timedelta(days=1)
    return day


def _working_days_before(spec: CalendarSpec, day: date, count: int) -> date:
    while count > 0:
        day -= timedelta(days=1)
        count -= calendars.is_working_day(spec, day)
    return day


def _working_days_after(spec: CalendarSpec, day: date, count: int) -> date:
    while count > 0:
        day += timedelta(days=1)
        count -= calendars.is_working_day(spec, day)
    return day


# --- one schedule ---------------------------------------------------------------------------

def _data(demo: Demo, row: dict[str, Any], start: date, spec: CalendarSpec, order: Order,
          tasks: dict[str, Task]) -> dict[str, Any]:
    data: dict[str, Any] = {"name": row["name"]}
    if row["parent"]:
        data["parent"] = tasks[row["parent"]]
    if row.get("milestone"):
        data["milestone"] = row["milestone"]
    elif row["days"] is not None:
        data["duration_days"] = row["days"]
    who = row["who"] or ""
    if who.startswith("u:"):
        data["owner"] = demo.user(who[2:])
    elif who.startswith("c:"):
        data["crew"] = demo.crews[who[2:]]
    if "constraint" in row:
        kind, offset = row["constraint"]
        data["constraint"] = kind
        data["constraint_date"] = (order.promised_date if offset == "promised"
                                   else _working_days_after(spec, start, offset))
    if "cost" in row:
        data["planned_cost"] = row["cost"]
    return data


def _build(demo: Demo, plan: dict[str, Any], order: Order, start: date,
           spec: CalendarSpec) -> dict[str, Task]:
    planner = demo.user(plan["planner"])
    services.ensure_schedule(order, actor=planner, start=start)
    tasks: dict[str, Task] = {}
    for row in plan["tasks"]:
        tasks[row["key"]] = services.create_task(
            order, actor=planner, data=_data(demo, row, start, spec, order, tasks))
    for pred, succ, kind, lag in plan["links"]:
        services.add_link(tasks[pred], tasks[succ], actor=planner, link_type=kind,
                          lag_days=lag)
    services_plan.save_baseline(order, actor=planner, name=BASELINE,
                                note="与业主确认的合同工期计划")
    return {key: Task.objects.get(pk=task.pk) for key, task in tasks.items()}


def _reporter(demo: Demo, task: Task, planner: Any) -> Any:
    if task.owner is not None:
        return task.owner
    if task.crew is not None and task.crew.leader is not None:
        return task.crew.leader
    return planner


def _report(demo: Demo, task: Task, key: str, plan: dict[str, Any], spec: CalendarSpec,
            today: date) -> None:
    """Progress one task from its computed dates, as its owner or crew leader."""
    actor = _reporter(demo, task, demo.user(plan["planner"]))
    start, finish = task.early_start, task.early_finish
    if start is None or finish is None:
        return
    if key == plan.get("overdue"):
        services.report_progress(task, actor=actor, percent=60, actual_start=start)
        return
    if finish < today:
        late_key, late_days = plan.get("late", ("", 0))
        if key == late_key:
            finish = min(_working_days_after(spec, finish, late_days),
                         today - timedelta(days=1))
        services.report_progress(task, actor=actor, actual_start=start, actual_finish=finish)
        return
    if task.milestone:
        return  # due today or later: not reached yet
    done = max(calendars.working_days_inclusive(spec, start, today) - 1, 0)
    total = max(calendars.working_days_inclusive(spec, start, finish), 1)
    percent = min(max(round(100 * done / total / 5) * 5, 10), 90)
    services.report_progress(task, actor=actor, percent=percent, actual_start=start)


def _progress(demo: Demo, plan: dict[str, Any], order: Order, keys: dict[int, str],
              spec: CalendarSpec) -> None:
    """Walk the tasks that should have started by today, earliest first, reading the
    dates again after each report (a late finish moves its successors)."""
    today = timezone.localdate()
    seen: set[int] = set()
    while True:
        task = (Task.objects.filter(order=order, is_summary=False, early_start__lte=today)
                .exclude(pk__in=seen).select_related("owner", "crew__leader")
                .order_by("early_start", "position", "pk").first())
        if task is None:
            return
        seen.add(task.pk)
        _report(demo, task, keys[task.pk], plan, spec, today)


def _slip(demo: Demo, plan: dict[str, Any], tasks: dict[str, Task], order: Order) -> None:
    key, days = plan["longer"]
    task = Task.objects.get(pk=tasks[key].pk)
    services.update_task(task, actor=demo.user(plan["planner"]), data={
        "duration_days": days, "notes": "设计变更：工程量增加，工期相应延长。"})
    if not plan.get("overdue"):
        services_plan.update_schedule(order, actor=demo.user(plan["planner"]),
                                      data={"status_date": timezone.localdate()})


def _schedule(demo: Demo, plan: dict[str, Any], calendar: WorkCalendar) -> None:
    order = Order.objects.filter(project=demo.projects[plan["project"]],
                                 title=plan["order"]).first()
    if order is None:
        return
    exists = Task.objects.filter(order=order).exists()
    demo.note("schedules", not exists)
    if exists:
        return
    spec = calendars.to_spec(calendar)
    start = _working_days_before(spec, timezone.localdate(), plan["started"])
    tasks = _build(demo, plan, order, start, spec)
    _progress(demo, plan, order, {task.pk: key for key, task in tasks.items()}, spec)
    _slip(demo, plan, tasks, order)


def load_schedules(demo: Demo) -> None:
    """Calendars first (the schedules are computed on them), then each schedule."""
    project_calendars = _project_calendars(demo)
    _crew_calendar(demo)
    for plan in SCHEDULES:
        _schedule(demo, plan, project_calendars[plan["project"]])
