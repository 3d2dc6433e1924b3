"""Pages every user has: dashboard, search, notifications, job progress; health checks."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from eoms.core import dashboard, jobs, notifications
from eoms.core import search as global_search
from eoms.core.access import ADMIN, VIEW, roles_of
from eoms.core.models import Job, JobState, Notification


def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # report, don't crash: this is what operators poll
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        jobs.huey.storage.queue_size()
        checks["queue"] = "ok"
    except Exception as exc:
        checks["queue"] = f"error: {exc.__class__.__name__}"
    ok = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if ok else "unavailable", **checks},
                        status=200 if ok else 503)


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    return render(request, "core/dashboard.html", dashboard.context_for(request.user))


@login_required
def search_view(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    groups = global_search.search(request.user, q)
    return render(request, "core/search.html", {
        "q": q, "groups": groups, "too_short": 0 < len(q.strip()) < global_search.MIN_QUERY,
    })


@login_required
def notifications_view(request: HttpRequest) -> HttpResponse:
    qs = Notification.objects.for_user(request.user)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {
        "notifications": page, "page_obj": page, "querystring_without_page": "",
    })


@login_required
def notification_badge_view(request: HttpRequest) -> HttpResponse:
    return render(request, "core/notification_badge.html",
                  {"unread_count": notifications.unread_count(request.user)})


@login_required
@require_POST
def notification_read_view(request: HttpRequest, pk: int) -> HttpResponse:
    n = get_object_or_404(Notification.objects.for_user(request.user, "change"), pk=pk)
    notifications.mark_read(n)
    return redirect(n.url or "core:notifications")


@login_required
@require_POST
def notifications_read_all_view(request: HttpRequest) -> HttpResponse:
    notifications.mark_all_read(request.user)
    return redirect("core:notifications")


def _job_view_model(job: Job) -> dict[str, Any]:
    progress, message = jobs.live_progress(job)
    return {"id": job.id, "label": job.label, "state": job.state, "progress": progress,
            "message": message, "result_url": job.result_url, "error": job.error,
            "finished": job.finished}


@login_required
def job_status_view(request: HttpRequest, pk: str) -> HttpResponse:
    job = get_object_or_404(Job.objects.for_user(request.user, VIEW), pk=pk)
    return render(request, "includes/job_progress.html", {"job": _job_view_model(job)})


@login_required
def jobs_view(request: HttpRequest) -> HttpResponse:
    qs = Job.objects.for_user(request.user).select_related("created_by")
    state = request.GET.get("state", "")
    if state in JobState.values:
        qs = qs.filter(state=state)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "core/jobs.html", {
        "jobs": page, "page_obj": page, "state": state, "states": JobState.choices,
        "is_admin": ADMIN in roles_of(request.user),
        "querystring_without_page": f"state={state}" if state else "",
        "title": _("后台任务"),
    })
