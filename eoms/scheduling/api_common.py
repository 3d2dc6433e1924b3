"""What every scheduling API module shares: finding what a path or a body names among the
rows the caller may see, turning a service's refusal into problem+json, and working
minutes into working days as the caller reads them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from eoms.accounts.models import Crew, User
from eoms.core.access import VIEW, can
from eoms.core.api import ApiError, require_if_match
from eoms.masterdata.models import Project
from eoms.orders.models import Order
from eoms.scheduling import calendars
from eoms.scheduling.models import Schedule, Task, WorkCalendar

# A service's field name → the API's (the API says `percent` and `type`).
FIELD_NAMES = {"__all__": "body", "percent_complete": "percent", "link_type": "type"}
TASK_RELATED = ("order__project", "order__schedule__calendar", "calendar", "owner", "crew")
TASK_PREFETCH = ("order__project__calendars", "crew__calendars")


def invalid(errors: list[dict[str, str]]) -> ApiError:
    return ApiError(422, _("输入有误"), _("请求中有字段未通过校验。"), errors=errors)


def invalid_field(field: str, message: str) -> ApiError:
    return invalid([{"field": field, "message": str(message)}])


def service_error(exc: ValidationError) -> ApiError:
    """A service's refusal: field errors 422, a stale version 412, a state conflict 409
    (a closed order, a started task that cannot move, a calendar in use)."""
    if hasattr(exc, "error_dict"):
        return invalid([{"field": FIELD_NAMES.get(f, f), "message": m}
                        for f, messages in exc.message_dict.items() for m in messages])
    if getattr(exc, "code", None) == "stale":
        return ApiError(412, _("数据已被修改"), " ".join(exc.messages))
    return ApiError(409, _("当前状态不允许此操作"), " ".join(exc.messages),
                    code=getattr(exc, "code", None) or "conflict")


def call(work: Callable[[], Any]) -> Any:
    """Run service calls in one transaction; a refusal becomes problem+json."""
    try:
        with transaction.atomic():
            return work()
    except ValidationError as exc:
        raise service_error(exc)


def optional_if_match(request: HttpRequest, obj: Any) -> int | None:
    """For actions (progress, move): the version when the client says one, else None."""
    if request.headers.get("If-Match"):
        return require_if_match(request, obj)
    return None


# --- lookups ------------------------------------------------------------------------------

def _order_key(value: Any) -> dict[str, Any]:
    text = str(value).strip()
    return {"pk": int(text)} if text.isdigit() else {"code__iexact": text}


def find_order(user: Any, value: Any) -> Order:
    """The order a path names by code or id, among those the user sees (else 404)."""
    order = Order.objects.for_user(user).filter(**_order_key(value)).first()
    if order is None:
        raise Http404
    return order


def find_schedule(user: Any, order: Order) -> Schedule | None:
    """The order's schedule (None: not made yet); 404 when the user may not read the
    schedules of this order (a customer, a site worker)."""
    if not can(user, VIEW, Schedule(order=order)):
        raise Http404
    return (Schedule.objects.for_user(user).select_related("order", "calendar")
            .filter(order=order).first())


def task_queryset(user: Any, action: str = "view") -> Any:
    return (Task.objects.for_user(user, action).select_related(*TASK_RELATED)
            .prefetch_related(*TASK_PREFETCH))


def find_task(user: Any, pk: int) -> Task:
    task = task_queryset(user).filter(pk=pk).first()
    if task is None:
        raise Http404
    return task


class Resolver:
    """Looks up what a body names, among the rows the user may see; collects errors so
    that one answer names every field at fault."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.errors: list[dict[str, str]] = []

    def error(self, field: str, message: Any) -> None:
        self.errors.append({"field": field, "message": str(message)})

    def done(self) -> None:
        if self.errors:
            raise invalid(self.errors)

    def _found(self, field: str, found: Any, what: Any, value: Any) -> Any:
        if found is None:
            self.error(field, _("找不到%(what)s “%(v)s”，或您无权使用。")
                       % {"what": what, "v": value})
        return found

    def order(self, field: str, value: Any) -> Order | None:
        found = Order.objects.for_user(self.user).filter(**_order_key(value)).first()
        return self._found(field, found, _("订单"), value)

    def task(self, field: str, value: Any) -> Task | None:
        found = Task.objects.for_user(self.user).select_related("order").filter(
            pk=value).first()
        return self._found(field, found, _("任务"), value)

    def owner(self, field: str, value: str) -> User | None:
        found = User.objects.filter(username=value, is_active=True).first()
        if found is None:
            self.error(field, _("找不到在职用户 “%(u)s”。") % {"u": value})
        return found

    def crew(self, field: str, value: str) -> Crew | None:
        found = Crew.objects.for_user(self.user).filter(code=value).first()
        return self._found(field, found, _("班组"), value)

    def calendar(self, field: str, value: str) -> WorkCalendar | None:
        found = WorkCalendar.objects.for_user(self.user).filter(code=value).first()
        return self._found(field, found, _("工作日历"), value)

    def project(self, field: str, value: str) -> Project | None:
        found = Project.objects.for_user(self.user).filter(code=value).first()
        return self._found(field, found, _("项目"), value)

    def not_null(self, values: dict[str, Any], names: tuple[str, ...]) -> None:
        for name in names:
            if name in values and values[name] is None:
                self.error(name, _("不能为空。"))


# --- working minutes as working days -------------------------------------------------------

class DayLength:
    """Minutes per working day of each task's calendar as the recompute picks it (the
    task's own, else its crew's, else the schedule's, else the project's, else the
    company default): floats and durations are working minutes of that calendar. Read
    from the rows a task queryset selected and prefetched: no query per task."""

    def __init__(self) -> None:
        self._default: int | None = None

    def company_default(self) -> int:
        if self._default is None:
            row = calendars.company_default()
            self._default = row.minutes_per_day if row is not None else 480
        return self._default

    def of_order(self, order: Order) -> int:
        try:
            schedule = order.schedule
        except ObjectDoesNotExist:
            schedule = None
        if schedule is not None and schedule.calendar is not None:
            return schedule.calendar.minutes_per_day
        project_rows = [c for c in order.project.calendars.all() if c.crew_id is None]
        if project_rows:
            return project_rows[0].minutes_per_day
        return self.company_default()

    def _own(self, task: Task) -> WorkCalendar | None:
        if task.calendar is not None:
            return task.calendar
        crew_rows = list(task.crew.calendars.all()) if task.crew is not None else []
        return crew_rows[0] if crew_rows else None

    def of_task(self, task: Task) -> int:
        cached = getattr(task, "_api_minutes_per_day", None)
        if cached is None:
            own = self._own(task)
            cached = own.minutes_per_day if own is not None else self.of_order(task.order)
            task._api_minutes_per_day = cached  # type: ignore[attr-defined]
        return cached


def day_length(context: Any) -> DayLength:
    """One DayLength per request (its company default is read once)."""
    request = context["request"] if context else None
    if request is None:
        return DayLength()
    found = getattr(request, "_scheduling_day_length", None)
    if found is None:
        found = request._scheduling_day_length = DayLength()
    return found


def as_days(minutes: int, per_day: int) -> float:
    return round(minutes / (per_day or 480), 3)


def as_whole_days(minutes: int, per_day: int) -> int | float:
    """Working days as the CLI prints them: 3 rather than 3.0."""
    days = as_days(minutes, per_day)
    return int(days) if days == int(days) else days
