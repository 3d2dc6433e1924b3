"""The iCalendar text: CRLF lines folded at 75 octets (never inside a UTF-8 character),
TEXT escaping, all-day events with an exclusive DTEND, milestones, stable UIDs. A small
RFC 5545 reader below parses the feed back."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from eoms.core.context import Channel, acting
from eoms.scheduling import ical, services, services_feed
from eoms.testing.scheduling_world import build_schedule

NAME = "钢筋绑扎, 模板支设; 预埋\\检查——浦东厂房扩建 B1 地下室底板及侧墙防水卷材铺贴与保护层施工"


def unfold(raw: bytes) -> list[str]:
    text = raw.decode("utf-8")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", ""), "a bare LF"
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def parse(raw: bytes) -> tuple[dict[str, str], list[dict[str, tuple[str, str]]]]:
    """(calendar properties, events: name → (parameters, unescaped value))."""
    calendar: dict[str, str] = {}
    events: list[dict[str, tuple[str, str]]] = []
    current: dict[str, tuple[str, str]] | None = None
    for line in unfold(raw):
        head, value = line.split(":", 1)
        name, _, params = head.partition(";")
        if (name, value) == ("BEGIN", "VEVENT"):
            current = {}
        elif (name, value) == ("END", "VEVENT"):
            assert current is not None
            events.append(current)
            current = None
        elif current is not None:
            current[name] = (params, unescape(value))
        else:
            calendar.setdefault(name, unescape(value))
    return calendar, events


def test_it_folds_lines_at_75_octets_without_splitting_a_character():
    line = "SUMMARY:" + "底板浇筑" * 30
    folded = ical.fold(line)
    parts = folded.split("\r\n")[:-1]
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line
    for octets in folded.encode("utf-8").split(b"\r\n"):
        octets.decode("utf-8")  # raises when a fold cut a character in two
    assert ical.fold("DTSTART:20260302") == "DTSTART:20260302\r\n"


def test_it_escapes_text_values():
    assert ical.escape_text("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"


@pytest.fixture
def plan(world):
    plan = build_schedule(world)
    with acting(Channel.TEST):
        services.update_task(plan.pour, actor=world.manager, data={"name": NAME},
                             expected_version=plan.pour.version)
    plan.pour.refresh_from_db()
    return plan


def _feed(client, user):
    with acting(Channel.TEST):
        token = services_feed.regenerate_feed(user, actor=user)
    response = client.get(f"/schedule/feed/{token.key}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content


def test_the_feed_parses_back_with_every_line_folded_and_escaped(plan, world, client):
    raw = _feed(client, world.worker)
    physical = raw.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in physical)
    assert any(len(line) > 70 for line in physical)  # the long name did need folding
    for line in physical:
        line.decode("utf-8")  # raises when a fold cut a character in two
    calendar, events = parse(raw)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    assert calendar["X-WR-CALNAME"] == "EOMS 我的任务（孙施工）"
    pour = next(e for e in events if e["UID"][1] == f"eoms-task-{plan.pour.pk}@127.0.0.1")
    assert pour["SUMMARY"][1] == f"[{plan.order.code}] {NAME}"
    description = pour["DESCRIPTION"][1].split("\n")
    assert description[0] == f"订单：{plan.order.code} {plan.order.title}"
    assert "WBS：1.2" in description and "负责人：孙施工" in description
    assert "总时差：0 个工作日（关键任务）" in description
    assert description[-1] == f"http://127.0.0.1:8000/schedule/tasks/{plan.pour.pk}/"
    assert pour["URL"][1] == description[-1]
    assert re.fullmatch(r"\d{8}T\d{6}Z", pour["DTSTAMP"][1])


def test_all_day_events_end_the_day_after_their_last_day(plan, world, client):
    _calendar, events = parse(_feed(client, world.worker))
    pour = next(e for e in events if e["UID"][1].startswith(f"eoms-task-{plan.pour.pk}@"))
    # 底板浇筑 runs Thursday 5 to Friday 6 March: DTEND is Saturday 7 March (exclusive).
    assert plan.pour.early_start == date(2026, 3, 5)
    assert plan.pour.early_finish == date(2026, 3, 6)
    assert pour["DTSTART"] == ("VALUE=DATE", "20260305")
    assert pour["DTEND"] == ("VALUE=DATE", "20260307")


def test_a_milestone_is_a_one_day_event_on_its_date(plan, world, client):
    _calendar, events = parse(_feed(client, world.pm))
    drawings = next(e for e in events
                    if e["UID"][1].startswith(f"eoms-task-{plan.drawings.pk}@"))
    assert drawings["SUMMARY"][1] == f"[{plan.order.code}] ◆ 图纸审批完成"
    day = plan.drawings.early_finish
    assert drawings["DTSTART"] == ("VALUE=DATE", day.strftime("%Y%m%d"))
    assert drawings["DTEND"] == ("VALUE=DATE", (day + timedelta(days=1)).strftime("%Y%m%d"))


def test_the_uid_stays_when_the_plan_moves(plan, world, client):
    _c, before = parse(_feed(client, world.worker))
    with acting(Channel.TEST):
        services.update_task(plan.pour, actor=world.manager, data={"duration_days": 4},
                             expected_version=plan.pour.version)
    _c, after = parse(_feed(client, world.worker))
    uid = f"eoms-task-{plan.pour.pk}@127.0.0.1"
    old = next(e for e in before if e["UID"][1] == uid)
    new = next(e for e in after if e["UID"][1] == uid)
    assert old["DTEND"] != new["DTEND"]
