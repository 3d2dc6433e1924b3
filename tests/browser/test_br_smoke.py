"""Smoke test in a real browser: log in through the form, see the dashboard and the
sidebar, on a desktop and on a phone (where the hamburger opens the navigation)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MASTER_DATA = ["客户", "供应商/分包商", "物料分类", "物料", "项目", "工地", "成本科目"]


def _sidebar_entries(web) -> list[str]:
    return [t.strip() for t in web.page.locator(
        "#sidebar-menu .nav-link-title").all_inner_texts()]


def test_it_logs_in_and_shows_the_dashboard_with_master_data(web, world):
    web.login(world.pm)
    page = web.page
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("#sidebar-menu").get_by_text("主数据", exact=True).is_visible()
    entries = _sidebar_entries(web)
    assert set(MASTER_DATA) <= set(entries), entries
    page.locator("#sidebar-menu").get_by_text("项目", exact=True).click()
    page.wait_for_url(web.base_url + "/md/project/")
    assert page.locator("text=浦东厂房扩建 >> visible=true").count() >= 1
    assert page.get_by_text("杭州机电安装").count() == 0  # another manager's project
    assert web.console_errors == []


def test_it_hides_master_data_a_role_may_not_see(web, world):
    web.login(world.worker)
    entries = _sidebar_entries(web)
    assert "客户" not in entries and "成本科目" not in entries
    assert "工地" in entries
    assert web.console_errors == []


def test_it_opens_the_navigation_from_the_hamburger_on_a_phone(phone, world):
    phone.login(world.pm)
    page = phone.page
    link = page.locator("#sidebar-menu").get_by_text("工地", exact=True)
    assert not link.is_visible()
    page.locator("button.navbar-toggler").click()
    # Wait for Bootstrap's collapse animation to end: a click during it can miss the link.
    page.wait_for_selector("#sidebar-menu.collapse.show")
    link.wait_for(state="visible")
    link.scroll_into_view_if_needed()
    assert page.locator("#sidebar-menu").get_by_text("主数据", exact=True).is_visible()
    link.click()
    page.wait_for_url(phone.base_url + "/md/site/")
    assert page.locator("text=浦东一号工地 >> visible=true").count() == 1  # the phone card
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone: {width}px wide"
    assert phone.console_errors == []
