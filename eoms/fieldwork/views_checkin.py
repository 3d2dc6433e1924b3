"""The phone pages of a site worker: today (my tasks, my open check-in, the check-in
form), a check-in's page, and check-out.

With script, the check-in form is sent by eoms/static/fieldwork/field.js to the API (and
queued on the phone when there is no signal); without script it posts here. Either way
the service decides: a refusal comes back on the form, naming the field, with nothing
written.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from eoms.core.access import ADD, ADMIN, CHANGE, MANAGER, VIEW, can, roles_of
from eoms.fieldwork import services
from eoms.fieldwork.choices import CheckInState, LocationStatus
from eoms.fieldwork.forms_checkin import CheckInForm, CheckOutForm
from eoms.fieldwork.models import CheckIn, Photo
from eoms.lib.text import plain_decimal
from eoms.masterdata.models import Site
from eoms.masterdata.policies import project_scope
from eoms.scheduling.choices import TaskStatus
from eoms.scheduling.models import Task
from eoms.scheduling.policies import PROGRESS, own_task_scope
from eoms.scheduling.views_tasks import show_errors

API_CHECKINS = "/api/v1/fieldwork/checkins"
API_ME = "/api/v1/accounts/me"
TODAY_LIMIT = 30


# --- what a worker may choose -------------------------------------------------------------

def field_sites(user: Any) -> QuerySet[Site]:
    """Active sites the user may check in at (services.policies.may_work_at, as a query):
    the sites of his projects and, for a worker, those where his or his crew's tasks are."""
    sites = Site.objects.filter(active=True).select_related("project")
    if not roles_of(user) & {MANAGER, ADMIN}:
        own = Task.objects.filter(own_task_scope(user))
        sites = sites.filter(
            project_scope(user, "project__") | Q(pk__in=own.values("order__site"))
            | Q(project__in=own.filter(order__site=None).values("order__project"))).distinct()
    return sites.order_by("project__code", "code")


def tasks_today(user: Any) -> QuerySet[Task]:
    """The user's own and his crew's tasks that are under way, due to start by tomorrow,
    or late — not finished, not summaries or milestones."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    return (Task.objects.for_user(user, PROGRESS).filter(own_task_scope(user))
            .filter(is_summary=False, milestone="").exclude(status=TaskStatus.DONE)
            .filter(Q(status=TaskStatus.IN_PROGRESS) | Q(early_start__lte=tomorrow))
            .select_related("order__project", "order__site").distinct()
            .order_by("early_finish", "pk"))


def _site_of(task: Task, sites: list[Site]) -> Site | None:
    for site in sites:
        if site.pk == task.order.site_id or (
                task.order.site_id is None and site.project_id == task.order.project_id):
            return site
    return None


def _initial(request: HttpRequest, sites: list[Site], tasks: list[Task]) -> dict[str, Any]:
    """Preselected: the task asked for (a task card's link), else the site of the last
    check-in, the only site, or the site of the first task of the day — never a site
    where the worker is still checked in (he would be refused there)."""
    wanted = request.GET.get("task", "")
    task = next((t for t in tasks if str(t.pk) == wanted), None)
    if task is not None:
        return {"task": task, "site": _site_of(task, sites)}
    user: Any = request.user
    mine = CheckIn.objects.filter(worker=user)
    still_in = set(mine.filter(state=CheckInState.OPEN).values_list("site_id", flat=True))
    free = [s for s in sites if s.pk not in still_in]
    last = mine.order_by("-checked_in_at").values_list("site_id", flat=True).first()
    site = next((s for s in free if s.pk == last), None)
    if site is None and len(free) == 1:
        site = free[0]
    if site is None and tasks:
        site = _site_of(tasks[0], free)
    return {"site": site}


def checkin_form(request: HttpRequest, data: Any = None) -> CheckInForm:
    user = request.user
    sites, tasks = field_sites(user), tasks_today(user)
    initial = None if data is not None else _initial(request, list(sites), list(tasks))
    return CheckInForm(data, sites=sites, tasks=tasks, initial=initial)


# --- the today page --------------------------------------------------------------------------

def _photos() -> Prefetch:
    return Prefetch("photos", queryset=Photo.objects.order_by("created_at", "pk"))


def _task_rows(tasks: list[Task], today: Any) -> list[dict[str, Any]]:
    return [{"task": t, "late": t.early_finish is not None and t.early_finish < today}
            for t in tasks]


def page_strings() -> dict[str, str]:
    """What field.js shows, in the user's language."""
    return {
        "locating": _("正在定位…"),
        "inside": _("在工地范围内"),
        "outside": _("不在工地范围内：距工地约 {distance} 米"),
        "noLocation": _("没有定位：请在下面说明原因"),
        "denied": _("没有定位权限：请在下面说明原因"),
        "noFence": _("工地未设坐标，不检查位置"),
        "accuracy": _("精度约 {accuracy} 米"),
        "chooseSite": _("请选择签到的工地。"),
        "sending": _("正在签到…"),
        "queued": _("没有网络：签到已保存在手机上，联网后自动上传。"),
        "pending": _("待上传"),
        "uploading": _("上传中…"),
        "synced": _("已同步"),
        "failed": _("上传失败"),
        "auth": _("请重新登录后自动上传"),
        "discard": _("删除"),
        "discardConfirm": _("删除这条没有上传的签到？删除后不能恢复。"),
        "view": _("查看"),
        "photos": _("{count} 张照片"),
        "tooManyPhotos": _("每次签到最多 {count} 张照片。"),
        "removePhoto": _("删除这张照片"),
        "madeAt": _("签到时间 {time}"),
    }


def today_page(request: HttpRequest, form: CheckInForm | None = None) -> HttpResponse:
    user: Any = request.user
    today = timezone.localdate()
    may_check_in = can(user, ADD, CheckIn)
    if may_check_in and form is None:
        form = checkin_form(request)
    elif form is not None:
        form.mark_invalid_selects()
    open_checkins = list(CheckIn.objects.filter(worker=user, state=CheckInState.OPEN)
                         .select_related("site", "task").prefetch_related(_photos())
                         .order_by("-checked_in_at"))
    todays = list(CheckIn.objects.filter(worker=user, checked_in_at__date=today)
                  .select_related("site", "task").prefetch_related(_photos())
                  .order_by("-checked_in_at", "-pk")[:TODAY_LIMIT])
    tasks = list(tasks_today(user)[:TODAY_LIMIT]) if may_check_in else []
    return render(request, "fieldwork/today.html", {
        "form": form if may_check_in else None, "may_check_in": may_check_in,
        "open_checkins": [{"checkin": c, "form": CheckOutForm(checkin=c)}
                          for c in open_checkins],
        "todays": todays, "task_rows": _task_rows(tasks, today), "today": today,
        "strings": page_strings(), "api_url": API_CHECKINS, "me_url": API_ME,
        "photo_limit": settings.PHOTOS_PER_CHECKIN,
        "tolerance": settings.GEOFENCE_TOLERANCE_M,
    })


@login_required
@require_GET
def today(request: HttpRequest) -> HttpResponse:
    if not can(request.user, VIEW, CheckIn):
        raise PermissionDenied(VIEW)
    return today_page(request)


def _checked_in_message(checkin: CheckIn) -> str:
    when = timezone.localtime(checkin.checked_in_at).strftime("%H:%M")
    text = _("已在“%(site)s”签到（%(time)s）。") % {"site": checkin.site.name, "time": when}
    if checkin.location_status == LocationStatus.OUTSIDE:
        text += " " + _("位置不在工地范围内，已标记待核查。")
    elif checkin.location_status == LocationStatus.NO_LOCATION:
        text += " " + _("没有定位，已标记待核查。")
    return text


@login_required
@require_POST
def checkin_create(request: HttpRequest) -> HttpResponse:
    """The check-in form posted without script (multipart, photos included)."""
    user = request.user
    if not can(user, ADD, CheckIn):
        raise PermissionDenied(ADD)
    form = checkin_form(request, request.POST)
    if form.is_valid():
        try:
            checkin = services.check_in(form.cleaned_data["site"], actor=user,
                                        files=request.FILES.getlist("photos"),
                                        **form.service_kwargs())
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _checked_in_message(checkin))
            return redirect("fieldwork:today")
    return today_page(request, form)


# --- one check-in, and check-out -------------------------------------------------------------

def checkin_for(user: Any, pk: int, action: str = VIEW) -> CheckIn:
    """The check-in if the user sees it (else 404) and may perform `action` (else 403)."""
    checkin = get_object_or_404(CheckIn.objects.for_user(user).select_related(
        "worker", "site__project", "task", "order", "crew", "device"), pk=pk)
    if action != VIEW and not can(user, action, checkin):
        raise PermissionDenied(action)
    return checkin


def detail_page(request: HttpRequest, checkin: CheckIn,
                form: CheckOutForm | None = None) -> HttpResponse:
    user = request.user
    may_check_out = checkin.state == CheckInState.OPEN and can(user, CHANGE, checkin)
    if may_check_out and form is None:
        form = CheckOutForm(checkin=checkin)
    photos = list(Photo.objects.for_user(user).filter(checkin=checkin)
                  .order_by("created_at", "pk"))
    return render(request, "fieldwork/checkin_detail.html", {
        "checkin": checkin, "photos": photos, "form": form if may_check_out else None,
        "mine": checkin.worker_id == user.pk,
        "task_visible": checkin.task_id is not None and Task.objects.for_user(user).filter(
            pk=checkin.task_id).exists(),
    })


@login_required
@require_GET
def checkin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return detail_page(request, checkin_for(request.user, pk))


@login_required
@require_POST
def checkout(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    checkin = checkin_for(user, pk, CHANGE)
    if checkin.state != CheckInState.OPEN:
        messages.info(request, _("这次签到已经签退。"))
        return redirect("fieldwork:checkin_detail", checkin.pk)
    form = CheckOutForm(request.POST, checkin=checkin)
    if form.is_valid():
        try:
            closed = services.check_out(checkin, actor=user, **form.service_kwargs())
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            hours = closed.hours_worked or Decimal(0)
            messages.success(request, _("已签退“%(site)s”，工时 %(hours)s 小时已记入工时表。") % {
                "site": closed.site.name, "hours": plain_decimal(hours)})
            return redirect(reverse("fieldwork:today") if closed.worker_id == user.pk
                            else reverse("fieldwork:checkin_detail", args=[closed.pk]))
    return detail_page(request, checkin, form)
