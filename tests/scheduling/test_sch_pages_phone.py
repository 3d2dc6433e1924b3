"""On a phone (390 px): a site worker finds his task and reports progress; a project
manager reads the order's schedule. Nothing scrolls sideways, no script fails."""

import pytest

from eoms.scheduling.models import Task
from eoms.testing.scheduling_world import build_schedule

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(web) -> None:
    width = web.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone: {width}px wide"


def test_it_lets_a_worker_report_progress_from_his_phone(phone, world):
    plan = build_schedule(world)
    phone.login(world.worker)
    phone.open("/schedule/tasks/?owner=me")
    page = phone.page
    page.locator(".list-group-item >> text=底板浇筑").click()
    page.wait_for_url(f"{phone.base_url}/schedule/tasks/{plan.pour.pk}/")
    no_sideways_scroll(phone)
    field = page.locator("input[name=progress-percent_complete]")
    assert field.is_visible() and field.bounding_box()["y"] < 844  # on the first screen
    field.fill("60")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="提交进度").click()
    assert page.get_by_text("已更新“底板浇筑”的进度：60%").is_visible()
    assert Task.objects.get(pk=plan.pour.pk).percent_complete == 60
    assert phone.console_errors == []


def test_it_shows_a_pm_the_schedule_as_a_list_on_his_phone(phone, world):
    plan = build_schedule(world)
    phone.login(world.pm)
    phone.open(f"/schedule/orders/{plan.order.pk}/")
    page = phone.page
    assert page.locator(".sch-table-phone .list-group-item").count() == 6
    assert not page.locator("table").first.is_visible()
    no_sideways_scroll(phone)
    assert phone.console_errors == []
