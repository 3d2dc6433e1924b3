"""Background jobs: Huey tasks that people can follow (progress, result, error).

`tracked_task` wraps a function into a Huey task that records its run in a `Job` row,
opens the audit context for the job, and retries with backoff. Progress goes to Huey's
key-value storage (not the database), so it is visible while the job's own database
transaction is still open.
"""

from __future__ import annotations

import functools
import json
import logging
import traceback
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from huey.contrib.djhuey import HUEY, db_task

from eoms.core import context
from eoms.core.models import Job, JobState

log = logging.getLogger(__name__)
huey = HUEY


class JobHandle:
    """What a running job uses to report progress."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.id = str(job.id)

    def progress(self, percent: int, message: str = "") -> None:
        percent = max(0, min(100, int(percent)))
        huey.put(_progress_key(self.id), json.dumps({"progress": percent, "message": message}))


def _progress_key(job_id: str) -> str:
    return f"eoms:job-progress:{job_id}"


def live_progress(job: Job) -> tuple[int, str]:
    """Progress of a running job as last reported, else what its row says."""
    if job.state == JobState.RUNNING:
        raw = huey.get(_progress_key(str(job.id)), peek=True)
        if raw:
            data = json.loads(raw)
            return int(data["progress"]), str(data["message"])
    return job.progress, job.message


def _finish(job_id: str, **fields: Any) -> None:
    Job.objects.filter(pk=job_id).update(finished_at=timezone.now(), **fields)
    huey.get(_progress_key(job_id))  # reading without peek removes the key
    _tell_owner(job_id)


def _tell_owner(job_id: str) -> None:
    """The person who started a job hears how it ended (failures by e-mail too)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from eoms.core import notifications

    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.created_by is None:
        return
    failed = job.state == JobState.FAILED
    title = (_("后台任务失败：%(l)s") if failed else _("后台任务完成：%(l)s")) % {"l": job.label}
    notifications.notify(
        [job.created_by], kind="job.failed" if failed else "job.finished", title=title,
        body=job.error if failed else job.message,
        url=job.result_url or reverse("core:jobs"))


def tracked_task(*, retries: int = 3, retry_delay: int = 10,
                 retry_backoff: float = 2.0) -> Callable[[Callable[..., Any]], Any]:
    """Decorate `func(job: JobHandle, **kwargs) -> dict | None`; start it with `start()`."""

    def decorator(func: Callable[..., Any]) -> Any:
        @db_task(retries=retries, retry_delay=retry_delay, retry_backoff=retry_backoff,
                 context=True, name=f"{func.__module__}.{func.__name__}")
        @functools.wraps(func)
        def run(job_id: str, task: Any = None, **kwargs: Any) -> Any:
            job = Job.objects.select_related("created_by").filter(pk=job_id).first()
            if job is None:
                log.warning("job %s vanished before it ran", job_id)
                return None
            Job.objects.filter(pk=job_id).update(
                state=JobState.RUNNING, started_at=timezone.now(), attempts=job.attempts + 1)
            job.state = JobState.RUNNING
            try:
                with context.acting(context.Channel.JOB, user=job.created_by, job_id=job_id):
                    result = func(JobHandle(job), **kwargs)
            except Exception as exc:
                retrying = task is not None and task.retries > 0
                log.exception("job %s (%s) failed%s", job.label, job_id,
                              "; it will be retried" if retrying else "")
                if retrying:
                    Job.objects.filter(pk=job_id).update(
                        state=JobState.QUEUED, message=str(exc)[:500])
                else:
                    _finish(job_id, state=JobState.FAILED, error=_describe(exc))
                raise
            result = result or {}
            _finish(job_id, state=JobState.DONE, progress=100, result=result,
                    message=str(result.get("message", ""))[:500],
                    result_url=str(result.get("url", ""))[:300])
            return result

        return run

    return decorator


def _describe(exc: BaseException) -> str:
    text = str(exc) or exc.__class__.__name__
    detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return text if text in detail else f"{text}\n{detail}"


def start(task: Any, *, kind: str, label: str, user: Any = None, **kwargs: Any) -> Job:
    """Record a job and enqueue it once the current transaction commits."""
    job = Job.objects.create(kind=kind, label=label[:200],
                             created_by=user if user is not None and user.pk else None)
    transaction.on_commit(lambda: task(str(job.id), **kwargs))
    return job
