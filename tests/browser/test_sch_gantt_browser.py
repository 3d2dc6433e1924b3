"""The Gantt chart in a real browser: a project manager sees the critical path and the
milestone, drags a task and watches its successor follow, is refused (with the reason)
when the predecessor does not allow the date; a worker sees his tasks read-only on a
phone, inside the chart's own scroll box."""

from __future__ import annotations

from datetime import date

import pytest

from eoms.core.context import Channel, acting
from eoms.scheduling.models import Task
from eoms.testing.scheduling_world import build_schedule

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
READY = "document.body.dataset.ganttReady === '1'"


def _open(web, plan):
    web.open(f"/schedule/orders/{plan.order.pk}/gantt/")
    web.page.wait_for_function(READY)
    web.page.click("[data-zoom=day]")


def _bar(page, name):
    return page.locator(".g-bar").filter(has=page.locator(".g-label", has_text=name)).first


def _start_cell(page, name):
    row = page.locator(".g-row").filter(has=page.locator(".g-text", has_text=name)).first
    return row.locator(".g-date").first


def _drag(page, bar, days):
    box = bar.bounding_box()
    assert box is not None
    x, y = box["x"] + 6, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 6):
        page.mouse.move(x + days * 30 * step / 5, y)
    page.mouse.up()


def _errors(web):
    # A refused move answers 400, which Chromium logs as a failed resource: expected here.
    return [e for e in web.console_errors if "status of 400" not in e]


def test_a_planner_drags_a_task_and_its_successor_follows(web, world):
    with acting(Channel.TEST):
        plan = build_schedule(world)
    web.login(world.pm)
    _open(web, plan)
    page = web.page
    assert page.locator(".g-bar.is-critical").count() >= 4
    assert page.locator(".g-bar.is-milestone").count() == 1
    assert page.locator(".g-bar.is-editable").count() >= 4
    assert _start_cell(page, "养护").inner_text() == "2026-03-06"

    _drag(page, _bar(page, "底板浇筑"), 2)  # Thursday + 2 = Saturday → next Monday
    page.wait_for_selector("[data-gantt-toast].alert-success")
    assert "底板浇筑" in page.inner_text("[data-gantt-toast]")
    page.wait_for_function("() => [...document.querySelectorAll('.g-row')].some(r => r"
                           ".textContent.includes('养护') && r.textContent.includes('2026-03-10'))")
    assert _start_cell(page, "底板浇筑").inner_text() == "2026-03-09"
    assert Task.objects.get(pk=plan.pour.pk).early_start == date(2026, 3, 9)
    assert Task.objects.get(pk=plan.cure.pk).early_start == date(2026, 3, 10)

    bar = _bar(page, "底板浇筑")
    left = bar.evaluate("b => b.style.left")
    _drag(page, bar, -5)  # Wednesday 2026-03-04: before 图纸审批完成 allows
    page.wait_for_selector("[data-gantt-toast].alert-danger")
    message = page.inner_text("[data-gantt-toast]")
    assert "图纸审批完成" in message and "最早只能在" in message
    assert bar.evaluate("b => b.style.left") == left  # snapped back
    assert Task.objects.get(pk=plan.pour.pk).early_start == date(2026, 3, 9)
    assert _errors(web) == []


def test_a_worker_sees_his_tasks_read_only_on_a_phone(phone, world):
    with acting(Channel.TEST):
        plan = build_schedule(world)
    phone.login(world.worker)
    _open(phone, plan)
    page = phone.page
    names = page.locator(".g-row .g-text").all_inner_texts()
    assert set(names) == {"底板浇筑", "养护"}
    assert page.locator(".g-bar.is-editable").count() == 0
    assert "只读" in page.inner_text("[data-gantt-count]")
    box = _bar(page, "底板浇筑").bounding_box()
    _drag(page, _bar(page, "底板浇筑"), 3)
    assert _bar(page, "底板浇筑").bounding_box() == box  # nothing to drag
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone: {width}px wide"
    inner = page.evaluate("(() => { const s = document.querySelector('[data-gantt-scroller]');"
                          " return [s.scrollWidth, s.clientWidth]; })()")
    assert inner[0] > inner[1]  # the chart scrolls inside its own box
    assert phone.console_errors == []
