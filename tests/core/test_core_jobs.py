"""Tracked background jobs: progress while running, done or failed at the end, visible on
/jobs/ to who may see them. And the Redis queue, when EOMS_REDIS_URL names one."""

from __future__ import annotations

import os
import threading
import uuid

import huey
import pytest

from eoms.core import jobs
from eoms.core.models import Job, JobState

SEEN: list[tuple[int, str]] = []


@jobs.tracked_task(retries=0)
def count_rows(job: jobs.JobHandle, *, rows: int) -> dict:
    job.progress(50, "已检查一半")
    SEEN.append(jobs.live_progress(Job.objects.get(pk=job.id)))
    return {"message": f"共 {rows} 行", "url": "/md/customer/"}


@jobs.tracked_task(retries=0)
def broken_import(job: jobs.JobHandle) -> None:
    raise ValueError("第 7 行：单位不能为空")


def _start(capture, task, user, **kwargs) -> Job:
    with capture(execute=True):
        job = jobs.start(task, kind="import", label="导入客户：客户.xlsx", user=user, **kwargs)
    job.refresh_from_db()
    return job


def test_it_reports_progress_and_ends_done(world, django_capture_on_commit_callbacks):
    SEEN.clear()
    job = _start(django_capture_on_commit_callbacks, count_rows, world.pm, rows=3)
    assert SEEN == [(50, "已检查一半")]  # what the progress card showed while it ran
    assert (job.state, job.progress, job.message) == (JobState.DONE, 100, "共 3 行")
    assert job.result_url == "/md/customer/" and job.attempts == 1
    assert job.started_at <= job.finished_at
    assert jobs.live_progress(job) == (100, "共 3 行")


def test_it_ends_failed_with_the_error(world, django_capture_on_commit_callbacks):
    job = _start(django_capture_on_commit_callbacks, broken_import, world.pm)
    assert job.state == JobState.FAILED
    assert "第 7 行：单位不能为空" in job.error
    assert job.finished_at is not None


def test_it_shows_a_failed_job_to_an_admin_not_to_another_user(
        world, login, django_capture_on_commit_callbacks):
    job = _start(django_capture_on_commit_callbacks, broken_import, world.pm)
    admin_page = login(world.admin).get("/jobs/").content.decode()
    assert "导入客户：客户.xlsx" in admin_page and "第 7 行：单位不能为空" in admin_page
    assert "table-danger" in admin_page
    qc = login(world.qc)
    assert "导入客户" not in qc.get("/jobs/").content.decode()
    assert qc.get(f"/jobs/{job.id}/").status_code == 404
    status = login(world.pm).get(f"/jobs/{job.id}/")
    assert status.status_code == 200 and "第 7 行" in status.content.decode()


def test_it_lists_only_failed_jobs_when_asked(world, login, django_capture_on_commit_callbacks):
    _start(django_capture_on_commit_callbacks, broken_import, world.pm)
    _start(django_capture_on_commit_callbacks, count_rows, world.pm, rows=1)
    page = login(world.admin).get("/jobs/?state=failed").content.decode()
    assert page.count("table-danger") == 1


# --- the Redis path ---------------------------------------------------------------------------

REDIS_URL = os.environ.get("EOMS_REDIS_URL")


@pytest.mark.redis
@pytest.mark.skipif(not REDIS_URL, reason="EOMS_REDIS_URL is not set: no Redis to test")
def test_it_runs_a_task_through_redis():
    queue = huey.RedisHuey(name=f"eoms-test-{uuid.uuid4().hex}", url=REDIS_URL,
                           immediate=False, results=True)

    @queue.task()
    def add(a: int, b: int) -> int:
        return a + b

    try:
        result = add(20, 22)
        assert queue.pending_count() == 1  # queued in Redis, not run in-process
        worker = threading.Thread(target=lambda: queue.execute(queue.dequeue()))
        worker.start()
        worker.join(timeout=10)
        assert result.get(blocking=True, timeout=10) == 42
        assert queue.pending_count() == 0
    finally:
        queue.storage.flush_all()
