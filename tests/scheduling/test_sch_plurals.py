"""Numbers of days take the plural form their number needs ("1 working day", "0.5 working
days") on the schedule pages, in the iCalendar feed and in reminders; the calendar's months
have their names. The English words come from a real gettext catalogue written for the test
(the translator adds the same entries to eoms/locale), put before the project's own."""

from __future__ import annotations

import html
import json
import re
from datetime import date
from decimal import Decimal

import polib
import pytest
from django.utils import translation

from eoms.core.context import Channel, acting
from eoms.core.models import Notification
from eoms.scheduling import ical, reminders, services
from eoms.scheduling.day_words import FRACTION_COUNT, plural_count, working_days
from eoms.testing.scheduling_world import build_schedule

MONDAY = date(2026, 3, 9)  # the first working day after 底板浇筑 was due (Friday 03-06)

ENGLISH = {
    "%(d)s 个工作日": ("%(d)s working day", "%(d)s working days"),
    "%(d)s 天": ("%(d)s day", "%(d)s days"),
    "%(f)s 天": ("%(f)s day", "%(f)s days"),
    "时差 %(f)s 天": ("Float %(f)s day", "Float %(f)s days"),
    "延隔 %(d)s 天": ("Lag %(d)s day", "Lag %(d)s days"),
    "总时差：%(days)s 个工作日": ("Total float: %(days)s working day",
                             "Total float: %(days)s working days"),
    "总时差：%(days)s 个工作日（关键任务）": (
        "Total float: %(days)s working day (critical task)",
        "Total float: %(days)s working days (critical task)"),
    "任务逾期：%(code)s %(task)s（逾期第 %(days)s 个工作日）": (
        "Task overdue: %(code)s %(task)s (%(days)s working day overdue)",
        "Task overdue: %(code)s %(task)s (%(days)s working days overdue)"),
    "逾期升级：%(code)s %(task)s 已逾期 %(days)s 个工作日": (
        "Overdue escalation: %(code)s %(task)s is %(days)s working day overdue",
        "Overdue escalation: %(code)s %(task)s is %(days)s working days overdue"),
    "任务“%(task)s”（订单 %(code)s %(order)s）计划 %(finish)s 完成，逾期超过 "
    "%(limit)s 个工作日仍未完成（完成 %(percent)s%%），": (
        "Task “%(task)s” (order %(code)s %(order)s) was due %(finish)s and is still not "
        "finished more than %(limit)s working day later (%(percent)s%% complete). ",
        "Task “%(task)s” (order %(code)s %(order)s) was due %(finish)s and is still not "
        "finished more than %(limit)s working days later (%(percent)s%% complete). "),
    "今天是逾期第 %(days)s 个工作日，现升级至管理层。": (
        "It is now %(days)s working day overdue and escalated to management.",
        "It is now %(days)s working days overdue and escalated to management."),
}


@pytest.fixture
def english(tmp_path, settings):
    """An English catalogue with the plural entries, ahead of the project's own."""
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8",
                          "Plural-Forms": "nplurals=2; plural=(n != 1);"}
    for msgid, (one, other) in ENGLISH.items():
        catalogue.append(polib.POEntry(msgid=msgid, msgid_plural=msgid,
                                       msgstr_plural={0: one, 1: other}))
    folder = tmp_path / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    catalogue.save_as_mofile(str(folder / "django.mo"))
    settings.LOCALE_PATHS = [tmp_path, *settings.LOCALE_PATHS]


@pytest.fixture
def plan(world, settings):
    settings.OVERDUE_ESCALATION_DAYS = 3
    settings.MILESTONE_WARNING_DAYS = 10
    return build_schedule(world)


def _speak_english(*users):
    with acting(Channel.TEST):
        for user in users:
            user.language = "en"
            user.save(update_fields=["language"])


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


# --- the count of a number as shown ---------------------------------------------------------

@pytest.mark.parametrize(("shown", "count"), [
    ("1", 1), ("-1", 1), ("2", 2), ("0", 0), ("-3", 3), (7, 7), (Decimal("1"), 1),
    ("0.5", FRACTION_COUNT), ("1.5", FRACTION_COUNT), ("-1.25", FRACTION_COUNT),
    ("1.0", FRACTION_COUNT), (1.0, FRACTION_COUNT), (Decimal("2.50"), FRACTION_COUNT),
    ("", 0), (None, 0), ("—", 0), ("NaN", 0), (True, 0),
])
def test_it_counts_a_number_as_it_is_shown(shown, count):
    assert plural_count(shown) == count


def test_it_says_working_days_with_the_right_form(english):
    with translation.override("en"):
        assert [working_days(n) for n in ("1", "-1", "0.5", "2", "1.0")] == [
            "1 working day", "-1 working day", "0.5 working days", "2 working days",
            "1.0 working days"]
    with translation.override("zh-hans"):
        assert working_days("1") == "1 个工作日" and working_days("0.5") == "0.5 个工作日"


# --- pages ------------------------------------------------------------------------------------

def test_it_shows_one_working_day_and_half_working_days_on_the_task_page(
        english, plan, world, login):
    with acting(Channel.TEST):
        half = services.create_task(plan.order, actor=world.manager,
                                    data={"name": "放线", "duration_days": "0.5"})
    _speak_english(world.pm)
    client = login(world.pm)
    one = _page(client, f"/schedule/tasks/{plan.handover.pk}/")
    assert "1 working day<" in one and "1 working days" not in one
    two = _page(client, f"/schedule/tasks/{plan.pour.pk}/")
    assert "2 working days" in two
    assert "0.5 working days" in _page(client, f"/schedule/tasks/{half.pk}/")


def test_it_says_a_one_day_lag_in_the_singular_on_both_ends_of_the_link(
        english, plan, world, login):
    _speak_english(world.pm)
    client = login(world.pm)
    for task in (plan.pour, plan.cure):  # 底板浇筑 → 养护: SS with a lag of 1 day
        page = _page(client, f"/schedule/tasks/{task.pk}/")
        assert "Lag 1 day<" in page and "Lag 1 days" not in page
        assert "Lag 0 days" in page or task == plan.cure


def test_it_says_one_day_on_the_phone_lines_of_the_order_schedule(
        english, plan, world, login):
    _speak_english(world.pm)
    page = _page(login(world.pm), f"/schedule/orders/{plan.order.pk}/")
    assert re.search(r"<span>1 day</span>", page)  # 移交验收 lasts one day
    assert re.search(r"<span>2 days</span>", page)  # 底板浇筑 two
    assert "1 days" not in page


def test_it_keeps_the_chinese_words_for_chinese_users(plan, world, login):
    client = login(world.pm)
    assert "1 个工作日" in _page(client, f"/schedule/tasks/{plan.handover.pk}/")
    assert "延隔 1 天" in _page(client, f"/schedule/tasks/{plan.pour.pk}/")


def test_it_names_the_months_of_the_calendar_in_the_users_language(plan, world, login):
    url = f"/schedule/calendars/{plan.calendar.pk}/?year=2026"
    chinese = _page(login(world.pm), url)
    assert ">十一月</h3>" in chinese and ">一月</h3>" in chinese
    _speak_english(world.pm)
    page = _page(login(world.pm), url)
    assert ">November</h3>" in page and ">January</h3>" in page
    assert "Month 11" not in page and "11月" not in page


def test_it_puts_the_unit_of_the_gantt_tooltip_in_its_labels(plan, world, login):
    page = _page(login(world.pm), f"/schedule/orders/{plan.order.pk}/gantt/")
    words = re.search(r'<script id="gantt-i18n" type="application/json">(.*?)</script>',
                      page, re.S)
    assert words is not None
    i18n = json.loads(words.group(1))
    assert (i18n["duration"], i18n["float"]) == ("工期（工作日）", "总时差（工作日）")
    assert (i18n["days"], i18n["floatDays"]) == ("%(n)s", "%(n)s")


# --- the iCalendar feed and the reminders ----------------------------------------------------

def test_it_says_one_working_day_of_float_in_the_feed(english, plan, world):
    with acting(Channel.TEST):  # alone beside the 9-day chain: one day to spare
        spare = services.create_task(plan.order, actor=world.manager, data={
            "name": "临时围挡", "duration_days": 8, "owner": world.pm})
    spare.refresh_from_db()
    assert spare.total_float == 480
    _speak_english(world.pm)
    text = ical.feed_for(world.pm).decode().replace("\r\n ", "")
    assert "Total float: 1 working day\\n" in text
    assert "Total float: 0 working days (critical task)\\n" in text
    assert "1 working days" not in text


def test_it_says_the_first_overdue_day_and_the_escalation_in_the_right_forms(
        english, plan, world, settings, django_capture_on_commit_callbacks):
    settings.OVERDUE_ESCALATION_DAYS = 1
    _speak_english(world.worker, world.manager)
    with django_capture_on_commit_callbacks(execute=True), acting(Channel.JOB):
        reminders.sweep(MONDAY)
    code = plan.order.code
    worker = Notification.objects.get(user=world.worker, kind=reminders.OVERDUE,
                                       title__contains="底板浇筑")
    assert worker.title == f"Task overdue: {code} 底板浇筑 (1 working day overdue)"
    escalated = Notification.objects.get(user=world.manager, kind=reminders.ESCALATED,
                                         title__contains="深化设计")
    assert escalated.title == (f"Overdue escalation: {code} 深化设计 is 3 working days "
                               "overdue")
    assert "more than 1 working day later" in escalated.body
    assert "It is now 3 working days overdue and escalated to management." in escalated.body
