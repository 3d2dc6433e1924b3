"""What the scheduling API reads and answers. Durations, lags and floats are working days
of the task's calendar here (stored as working minutes); related records are named by
code (order, crew, calendar, project), people by username, tasks by id.

Note: no `from __future__ import annotations` here: django-ninja reads the annotations.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from ninja import Field, Schema
from pydantic import ConfigDict

from eoms.scheduling.api_common import as_days, day_length
from eoms.scheduling.api_results import baseline_tasks, variance_rows
from eoms.scheduling.choices import (
    Constraint,
    ExceptionKind,
    LinkType,
    MilestoneKind,
    TaskStatus,
    WorkType,
)
from eoms.scheduling.models import (
    Baseline,
    CalendarException,
    Schedule,
    Task,
    TaskLink,
    WorkCalendar,
)
from eoms.scheduling.schedule_warnings import warning_rows

OrderRef = Field(..., description="订单编号或 id")
Days = Field(None, max_digits=9, decimal_places=3, description="工作日，可带小数")


class In(Schema):
    model_config = ConfigDict(extra="forbid")


def _code(related: Any) -> str | None:
    return None if related is None else related.code


def _username(related: Any) -> str | None:
    return None if related is None else related.username


# --- tasks ----------------------------------------------------------------------------------

class TaskIn(In):
    order: int | str = OrderRef
    name: str = Field(..., min_length=1, max_length=200)
    parent: int | None = Field(None, description="上级任务 id")
    owner: str | None = Field(None, min_length=1, max_length=150, description="负责人用户名")
    crew: str | None = Field(None, min_length=1, max_length=40, description="班组编码")
    calendar: str | None = Field(None, min_length=1, max_length=40,
                                 description="工作日历编码；留空则用班组、进度计划或项目的日历")
    duration_days: Decimal | None = Field(None, max_digits=9, decimal_places=3,
                                          description="工期（工作日）；里程碑为 0")
    milestone: MilestoneKind = MilestoneKind.NONE
    milestone_label: str = Field("", max_length=60)
    constraint: Constraint = Constraint.ASAP
    constraint_date: dt.date | None = None
    planned_cost: Decimal = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)
    notes: str = Field("", max_length=10000)
    position: int | None = Field(None, ge=0, le=2_000_000_000)
    external_id: str = Field("", max_length=80)
    work_type: WorkType = Field(WorkType.NONE, description="分项类别（质量检验点据此触发）")
    is_concealed: bool = Field(False, description="隐蔽工程：验收合格前后续任务不能开始")


class TaskPatch(In):
    name: str | None = Field(None, min_length=1, max_length=200)
    parent: int | None = Field(None, description="null：移到顶层")
    owner: str | None = Field(None, min_length=1, max_length=150)
    crew: str | None = Field(None, min_length=1, max_length=40)
    calendar: str | None = Field(None, min_length=1, max_length=40)
    duration_days: Decimal | None = Field(None, max_digits=9, decimal_places=3)
    milestone: MilestoneKind | None = None
    milestone_label: str | None = Field(None, max_length=60)
    constraint: Constraint | None = None
    constraint_date: dt.date | None = None
    planned_cost: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    notes: str | None = Field(None, max_length=10000)
    position: int | None = Field(None, ge=0, le=2_000_000_000)
    external_id: str | None = Field(None, max_length=80)
    work_type: WorkType | None = None
    is_concealed: bool | None = None


class ProgressIn(In):
    percent: int | None = Field(None, ge=0, le=100, description="完成百分比 0–100")
    actual_start: dt.date | None = None
    actual_finish: dt.date | None = None


class MoveIn(In):
    start: dt.date | None = Field(None, description="新的开始日期（保持工期）")
    finish: dt.date | None = Field(None, description="新的完成日期（改变工期）")


def is_overdue(task: Task) -> bool:
    return (not task.is_summary and task.status != TaskStatus.DONE
            and task.early_finish is not None and task.early_finish < timezone.localdate())


class TaskOut(Schema):
    id: int
    order: str
    order_id: int
    wbs: str
    name: str
    parent: int | None
    position: int
    owner: str | None
    crew: str | None
    calendar: str | None
    duration_days: float | None = Field(
        description="工期（工作日）；摘要任务为 null（由下级任务决定）")
    milestone: str
    milestone_label: str
    constraint: str
    constraint_date: dt.date | None
    actual_start: dt.date | None
    actual_finish: dt.date | None
    percent_complete: int
    status: str
    early_start: dt.date | None
    early_finish: dt.date | None
    late_start: dt.date | None
    late_finish: dt.date | None
    total_float_days: float
    free_float_days: float
    critical: bool
    is_summary: bool
    overdue: bool
    rollup_percent: int
    planned_cost: Decimal
    rollup_cost: Decimal
    notes: str
    external_id: str
    work_type: str
    is_concealed: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_order(obj: Task) -> str:
        return obj.order.code

    @staticmethod
    def resolve_parent(obj: Task) -> int | None:
        return obj.parent_id

    @staticmethod
    def resolve_owner(obj: Task) -> str | None:
        return _username(obj.owner)

    @staticmethod
    def resolve_crew(obj: Task) -> str | None:
        return _code(obj.crew)

    @staticmethod
    def resolve_calendar(obj: Task) -> str | None:
        return _code(obj.calendar)

    @staticmethod
    def resolve_duration_days(obj: Task, context: Any) -> float | None:
        if obj.is_summary:
            return None
        return as_days(obj.duration, day_length(context).of_task(obj))

    @staticmethod
    def resolve_total_float_days(obj: Task, context: Any) -> float:
        return as_days(obj.total_float, day_length(context).of_task(obj))

    @staticmethod
    def resolve_free_float_days(obj: Task, context: Any) -> float:
        return as_days(obj.free_float, day_length(context).of_task(obj))

    @staticmethod
    def resolve_overdue(obj: Task) -> bool:
        return is_overdue(obj)


class CpmRowOut(Schema):
    """One task as `eoms schedule cpm ORDER --json` prints it."""

    external_id: str | None
    name: str
    is_summary: bool
    early_start: dt.date | None
    early_finish: dt.date | None
    late_start: dt.date | None
    late_finish: dt.date | None
    total_float: int | float = Field(description="总时差（工作日）")
    free_float: int | float = Field(description="自由时差（工作日）")
    critical: bool


# --- links ----------------------------------------------------------------------------------

class LinkIn(In):
    predecessor: int = Field(..., description="前置任务 id")
    successor: int = Field(..., description="后续任务 id")
    type: LinkType = LinkType.FS
    lag_days: Decimal = Field(Decimal("0"), max_digits=9, decimal_places=3,
                              description="延隔（工作日），负数为提前量")


class LinkPatch(In):
    type: LinkType | None = None
    lag_days: Decimal | None = Field(None, max_digits=9, decimal_places=3)


class LinkOut(Schema):
    id: int
    predecessor: int
    predecessor_name: str
    successor: int
    successor_name: str
    type: str
    lag_days: float
    version: int

    @staticmethod
    def resolve_predecessor(obj: TaskLink) -> int:
        return obj.predecessor_id

    @staticmethod
    def resolve_predecessor_name(obj: TaskLink) -> str:
        return obj.predecessor.name

    @staticmethod
    def resolve_successor(obj: TaskLink) -> int:
        return obj.successor_id

    @staticmethod
    def resolve_successor_name(obj: TaskLink) -> str:
        return obj.successor.name

    @staticmethod
    def resolve_type(obj: TaskLink) -> str:
        return obj.link_type

    @staticmethod
    def resolve_lag_days(obj: TaskLink, context: Any) -> float:
        return as_days(obj.lag, day_length(context).of_task(obj.successor))


# --- schedules and baselines ------------------------------------------------------------------

class SchedulePatch(In):
    start: dt.date | None = Field(None, description="计划开始日期")
    status_date: dt.date | None = Field(None, description="状态日期；null 清除")
    calendar: str | None = Field(None, min_length=1, max_length=40,
                                 description="工作日历编码；null 则用项目日历")


class WarningOut(Schema):
    task: int | None
    code: str
    message: str


class ScheduleOut(Schema):
    order: str
    order_id: int
    start: dt.date
    status_date: dt.date | None
    calendar: str | None
    finish: dt.date | None
    computed_at: dt.datetime | None
    warnings: list[WarningOut]
    version: int

    @staticmethod
    def resolve_order(obj: Schedule) -> str:
        return obj.order.code

    @staticmethod
    def resolve_calendar(obj: Schedule) -> str | None:
        return _code(obj.calendar)

    @staticmethod
    def resolve_warnings(obj: Schedule) -> list[dict[str, Any]]:
        return warning_rows(obj)


class BaselineIn(In):
    name: str = Field(..., min_length=1, max_length=80)
    note: str = Field("", max_length=300)


class BaselineOut(Schema):
    id: int
    order: str
    name: str
    note: str
    task_count: int
    created_by: str | None
    created_at: dt.datetime

    @staticmethod
    def resolve_order(obj: Baseline) -> str:
        return obj.order.code

    @staticmethod
    def resolve_task_count(obj: Baseline) -> int:
        return getattr(obj, "task_count", None) or obj.tasks.count()

    @staticmethod
    def resolve_created_by(obj: Baseline) -> str | None:
        return _username(obj.created_by)


class BaselineTaskOut(Schema):
    task: int | None
    name: str
    start: dt.date | None
    finish: dt.date | None
    duration_days: float
    planned_cost: Decimal


class VarianceOut(Schema):
    task: int | None
    name: str
    state: str = Field(description="空：正常；added 基线后新增；deleted 已删除")
    baseline_start: dt.date | None = None
    baseline_finish: dt.date | None = None
    current_start: dt.date | None = None
    current_finish: dt.date | None = None
    actual_start: dt.date | None = None
    actual_finish: dt.date | None = None
    start_variance_days: float | None = None
    finish_variance_days: float | None = None
    duration_variance_days: float | None = None


class BaselineDetailOut(BaselineOut):
    tasks: list[BaselineTaskOut]
    variance: list[VarianceOut] = Field(
        description="当前计划（已开工的用实际日期）相对基线的偏差，工作日，正数为推迟")

    @staticmethod
    def resolve_tasks(obj: Baseline, context: Any) -> list[dict[str, Any]]:
        return baseline_tasks(obj, day_length(context))

    @staticmethod
    def resolve_variance(obj: Baseline) -> list[dict[str, Any]]:
        return variance_rows(obj)


# --- calendars ------------------------------------------------------------------------------

Interval = list[str]


class CalendarIn(In):
    name: str = Field(..., min_length=1, max_length=100)
    project: str | None = Field(None, min_length=1, max_length=40, description="项目编码")
    crew: str | None = Field(None, min_length=1, max_length=40, description="班组编码")
    weekdays: list[int] = Field([0, 1, 2, 3, 4], max_length=7,
                                description="工作的星期几，周一为 0")
    intervals: list[Interval] = Field([["08:00", "12:00"], ["13:00", "17:00"]],
                                      max_length=8, description="每日工作时段")
    statutory_holidays: bool = Field(True, description="按国家法定节假日与调休")
    is_default: bool = Field(False, description="公司默认日历")


class CalendarPatch(In):
    name: str | None = Field(None, min_length=1, max_length=100)
    project: str | None = Field(None, min_length=1, max_length=40)
    crew: str | None = Field(None, min_length=1, max_length=40)
    weekdays: list[int] | None = Field(None, max_length=7)
    intervals: list[Interval] | None = Field(None, max_length=8)
    statutory_holidays: bool | None = None
    is_default: bool | None = None


class ExceptionIn(In):
    kind: ExceptionKind = Field(..., description="holiday 休息日 / workday 调休上班")
    name: str = Field("", max_length=100)


class ExceptionOut(Schema):
    date: dt.date
    kind: str
    name: str
    source: str


class CalendarOut(Schema):
    id: int
    code: str
    name: str
    project: str | None
    crew: str | None
    weekdays: list[int]
    intervals: list[Interval]
    hours_per_day: float
    statutory_holidays: bool
    is_default: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_project(obj: WorkCalendar) -> str | None:
        return _code(obj.project)

    @staticmethod
    def resolve_crew(obj: WorkCalendar) -> str | None:
        return _code(obj.crew)

    @staticmethod
    def resolve_hours_per_day(obj: WorkCalendar) -> float:
        return round(obj.minutes_per_day / 60, 2)


class CalendarDetailOut(CalendarOut):
    exceptions: list[ExceptionOut]

    @staticmethod
    def resolve_exceptions(obj: WorkCalendar) -> list[CalendarException]:
        return list(obj.exceptions.all())


class DayOut(Schema):
    date: dt.date
    working: bool
    reason: str = Field(description="workday / weekend / statutory_holiday / "
                        "statutory_workday（调休上班）/ company_holiday / company_workday")
    name: str = Field(description="节日或例外的名称")
    label: str = Field(description="原因的文字说明")


class CalendarDaysOut(Schema):
    calendar: str
    year: int
    statutory_data: bool = Field(description="该年的法定节假日数据是否已收录")
    warning: str | None
    working_days: int
    days: list[DayOut]
