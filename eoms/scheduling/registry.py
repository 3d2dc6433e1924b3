"""What scheduling adds to the platform: navigation, search, event labels, and working
minutes in working days in histories."""

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from eoms.audit import history
from eoms.core import events, navigation, search
from eoms.core.access import VIEW, can
from eoms.orders import registry as orders_registry
from eoms.scheduling.day_words import working_days
from eoms.scheduling.models import Baseline, Task, TaskLink, WorkCalendar
from eoms.scheduling.policies import PLAN
from eoms.scheduling.views_common import DEFAULT_DAY, day_lengths, days_text

search.register(search.Searchable(
    model=Task, label=_("任务"), fields=("name", "external_id"),
    url=lambda obj: reverse("scheduling:task_detail", args=[obj.pk]), title_field="name",
    subtitle=lambda obj: f"{obj.order.code} · {obj.get_status_display()}",
))

for name, label in {
    "schedule.created": _("创建进度计划"), "schedule.updated": _("修改进度计划设置"),
    "schedule.recomputed": _("重新计算进度"), "schedule.imported": _("导入进度计划"),
    "task.created": _("新建任务"), "task.updated": _("修改任务"), "task.deleted": _("删除任务"),
    "task.progress": _("填报进度"), "task.moved": _("在甘特图中移动任务"),
    "task.linked": _("添加任务关系"), "task.link_updated": _("修改任务关系"),
    "task.unlinked": _("删除任务关系"), "baseline.saved": _("保存基线"),
    "baseline.deleted": _("删除基线"), "calendar.created": _("新建工作日历"),
    "calendar.updated": _("修改工作日历"), "calendar.deleted": _("删除工作日历"),
    "calendar.exception_set": _("设置日历例外"),
    "calendar.exception_deleted": _("删除日历例外"),
}.items():
    events.register(name, label)


def _order_actions(order: Any, user: Any) -> list[tuple[str, str, str]]:
    """Buttons on the order page: its schedule, Gantt and baselines."""
    actions = []
    if Task.objects.for_user(user).filter(order=order).exists() or can(
            user, PLAN, Task(order=order)):
        actions.append((str(_("进度计划")), reverse("scheduling:order_schedule",
                                                  args=[order.pk]), "list"))
        actions.append((str(_("甘特图")), reverse("scheduling:gantt_order", args=[order.pk]),
                        "chart"))
    if can(user, VIEW, Baseline(order=order)):
        actions.append((str(_("基线")), reverse("scheduling:baseline_list", args=[order.pk]),
                        "history"))
    return actions


orders_registry.register_detail_actions(_order_actions)

# Higher apps (quality) add a panel to the task page: a provider gets (task, user, request)
# and returns rendered HTML (a card) or "" when it has nothing to show this user.
TaskPanel = Callable[[Task, Any, Any], str]
_task_panels: list[TaskPanel] = []


def register_task_panel(provider: TaskPanel) -> None:
    if provider not in _task_panels:
        _task_panels.append(provider)


def task_panels(task: Task, user: Any, request: Any = None) -> list[str]:
    return [html for provider in _task_panels if (html := provider(task, user, request))]


navigation.register(_("进度计划"), _("任务"), "scheduling:task_list", icon="checklist",
                    order=200, model=Task)
navigation.register(_("进度计划"), _("工作日历"), "scheduling:calendar_list", icon="calendar",
                    order=230, model=WorkCalendar)
navigation.register(_("进度计划"), _("日历订阅"), "scheduling:feed_settings", icon="calendar",
                    order=240, model=Task)
navigation.register(_("进度计划"), _("甘特图"), "scheduling:gantt_projects", icon="chart",
                    order=210, model=Task)
navigation.register(_("进度计划"), _("导入进度计划"), "scheduling:schedule_import",
                    icon="upload", order=220, allowed=lambda user: can(user, PLAN, Task))


# --- histories: durations, floats and lags are stored in working minutes ----------------------

def _in_days(per_day: dict[str, int]) -> Callable[[str, str, Any], str]:
    def show(object_id: str, _field: str, minutes: Any) -> str:
        if not isinstance(minutes, int | float):
            return str(minutes)
        return working_days(days_text(int(minutes), per_day.get(object_id, DEFAULT_DAY)))

    return show


def _task_days(ids: list[str]) -> Callable[[str, str, Any], str]:
    """A task's minutes in working days of its calendar, as its page shows them."""
    tasks = Task.objects.filter(pk__in=[i for i in ids if i.isdigit()]).select_related(
        "calendar", "order")
    return _in_days({str(pk): n for pk, n in day_lengths(tasks).items()})


def _link_days(ids: list[str]) -> Callable[[str, str, Any], str]:
    """A link's lag in working days of its successor's calendar (as the services count it)."""
    links = list(TaskLink.objects.filter(pk__in=[i for i in ids if i.isdigit()])
                 .select_related("successor__calendar", "successor__order"))
    lengths = day_lengths(link.successor for link in links)
    return _in_days({str(link.pk): lengths[link.successor_id] for link in links})


history.register_formatter(Task, {"duration": _("工期"), "total_float": _("总时差"),
                                  "free_float": _("自由时差")}, _task_days)
history.register_formatter(TaskLink, {"lag": _("延隔")}, _link_days)
