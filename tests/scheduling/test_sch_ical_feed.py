"""Who gets which feed: a person's own tasks only, through a secret URL that regenerating
revokes; the page that shows the URL; the audit of making and regenerating it."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from eoms.audit.models import AuditEntry
from eoms.core.context import Channel, acting
from eoms.scheduling import services_feed
from eoms.scheduling.models import FeedToken, Task
from eoms.testing.scheduling_world import build_schedule


@pytest.fixture
def plan(world):
    return build_schedule(world)


def _key(user):
    with acting(Channel.TEST):
        return services_feed.regenerate_feed(user, actor=user).key


def _summaries(client, key):
    response = client.get(f"/schedule/feed/{key}.ics")
    assert response.status_code == 200, response.status_code
    text = response.content.decode().replace("\r\n ", "")
    return sorted(re.findall(r"^SUMMARY:(.*)\r$", text, re.M))


def test_a_workers_feed_holds_his_tasks_and_no_others(plan, world, client):
    code = plan.order.code
    # His own (底板浇筑) and his crew's (养护); not the other tasks of the order, not the
    # summary, not the other project's task.
    mine = sorted([f"[{code}] 底板浇筑", f"[{code}] 养护"])
    assert _summaries(client, _key(world.worker)) == mine


def test_the_project_managers_feed_holds_his_orders_tasks(plan, world, client):
    code = plan.order.code
    assert _summaries(client, _key(world.pm)) == sorted(
        [f"[{code}] 深化设计", f"[{code}] ◆ 图纸审批完成", f"[{code}] 底板浇筑", f"[{code}] 养护",
         f"[{code}] 移交验收"])
    assert _summaries(client, _key(world.other_pm)) == [
        f"[{plan.other_task.order.code}] 配电箱安装"]


def test_management_sees_everything_but_is_responsible_for_nothing(plan, world, client):
    assert _summaries(client, _key(world.manager)) == []


def test_a_regenerated_key_revokes_the_old_url(plan, world, client):
    old = _key(world.worker)
    new = _key(world.worker)
    assert new != old and len(new) >= 43
    assert client.get(f"/schedule/feed/{old}.ics").status_code == 404
    assert client.get(f"/schedule/feed/{new}.ics").status_code == 200
    assert FeedToken.objects.filter(user=world.worker).count() == 1


def test_an_unknown_key_or_an_inactive_person_gets_404(plan, world, client):
    assert client.get("/schedule/feed/not-a-key-at-all-0123456789abcdef.ics").status_code == 404
    key = _key(world.worker)
    world.worker.is_active = False
    with acting(Channel.TEST):
        world.worker.save()
    assert client.get(f"/schedule/feed/{key}.ics").status_code == 404


def test_the_feed_needs_no_login_and_refuses_writes(plan, world, client):
    key = _key(world.worker)
    assert client.get(f"/schedule/feed/{key}.ics").status_code == 200  # anonymous client
    assert client.post(f"/schedule/feed/{key}.ics").status_code == 405


def test_a_customer_gets_no_feed(plan, world, login):
    with acting(Channel.TEST), pytest.raises(PermissionDenied):
        services_feed.regenerate_feed(world.client, actor=world.client)
    client = login(world.client)
    assert client.get("/schedule/feed/").status_code == 403
    assert client.post("/schedule/feed/regenerate/").status_code == 403
    assert not FeedToken.objects.exists()


def test_nobody_makes_a_feed_for_someone_else(plan, world):
    with acting(Channel.TEST), pytest.raises(PermissionDenied):
        services_feed.regenerate_feed(world.worker, actor=world.manager)
    assert not FeedToken.objects.exists()


def test_the_page_makes_shows_and_regenerates_the_url(plan, world, login):
    client = login(world.worker)
    page = client.get("/schedule/feed/").content.decode()
    assert "您还没有订阅地址" in page and "生成订阅地址" in page
    response = client.post("/schedule/feed/regenerate/", follow=True)
    first = FeedToken.objects.get(user=world.worker).key
    page = response.content.decode()
    assert "订阅地址已生成" in page
    assert f'value="http://127.0.0.1:8000/schedule/feed/{first}.ics"' in page
    assert f'href="webcal://127.0.0.1:8000/schedule/feed/{first}.ics"' in page
    assert "Outlook" in page and "Google 日历" in page and "手机日历" in page
    page = client.post("/schedule/feed/regenerate/", follow=True).content.decode()
    second = FeedToken.objects.get(user=world.worker).key
    assert second != first and second in page and first not in page
    assert "旧地址已失效" in page


def test_making_and_regenerating_are_audited_without_the_key(plan, world, login):
    client = login(world.worker)
    client.post("/schedule/feed/regenerate/")
    client.post("/schedule/feed/regenerate/")
    entries = AuditEntry.objects.filter(event__startswith="calendar_feed.").order_by("seq")
    assert [(e.event, e.actor, e.channel) for e in entries] == [
        ("calendar_feed.created", world.worker, "web"),
        ("calendar_feed.regenerated", world.worker, "web")]
    key = FeedToken.objects.get(user=world.worker).key
    assert not AuditEntry.objects.filter(changes__icontains=key).exists()
    assert all(e.object_id == str(world.worker.pk) for e in entries)


def test_the_page_needs_a_login(client):
    response = client.get("/schedule/feed/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _owned_tasks(plan, world, n, start):
    return Task.objects.bulk_create([
        Task(order=plan.order, name=f"批量订阅任务{start + i:04d}", position=200 + start + i,
             owner=world.worker, early_start=date(2026, 4, 1), early_finish=date(2026, 4, 2))
        for i in range(n)])


def test_the_feed_costs_the_same_queries_for_10_and_100_tasks(plan, world, client):
    key = _key(world.worker)
    counts = []
    for n, start in ((10, 0), (90, 10)):
        _owned_tasks(plan, world, n, start)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/schedule/feed/{key}.ics")
        assert response.content.count(b"BEGIN:VEVENT") == 2 + start + n
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts
