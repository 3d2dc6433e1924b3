"""A schedule file that cannot be imported is refused with a clear, localized message, and
nothing is written: no order, no task, no calendar, no audit entry."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from eoms.audit.models import AuditEntry
from eoms.core.context import Channel, acting
from eoms.masterdata.models import Customer, Project
from eoms.orders.models import Order
from eoms.scheduling.models import (
    CalendarException,
    Schedule,
    ScheduleImport,
    Task,
    TaskLink,
    WorkCalendar,
)
from eoms.scheduling.services_exchange import import_schedule

CORPUS = Path("/work/shared/corpus/schedules")
MSPDI_HEAD = b'<Project xmlns="http://schemas.microsoft.com/project">'
BOMB = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>'
        + MSPDI_HEAD + b"<Name>&lol2;</Name></Project>")
CYCLE = (MSPDI_HEAD + b"<Name>Loop</Name><StartDate>2026-03-02T08:00:00</StartDate><Tasks>"
         b"<Task><UID>1</UID><Name>Alpha</Name><Duration>PT8H0M0S</Duration>"
         b"<PredecessorLink><PredecessorUID>2</PredecessorUID><Type>1</Type></PredecessorLink>"
         b"</Task><Task><UID>2</UID><Name>Beta</Name><Duration>PT8H0M0S</Duration>"
         b"<PredecessorLink><PredecessorUID>1</PredecessorUID><Type>1</Type></PredecessorLink>"
         b"</Task></Tasks></Project>")

BAD_FILES = {
    "garbage": (b"\x00\x01\x02 garbage, not a schedule",
                "不是 MS Project XML 或 Primavera XER/XML 文件。"),
    "truncated": ((CORPUS / "sample.xml").read_bytes()[:5000],
                  "XML 格式错误：文件已损坏或不完整。"),
    "empty": (b"", "文件是空的。"),
    "bomb": (BOMB, "文件含有不允许的 XML 内容（DTD 或实体定义），为安全起见拒绝读取。"),
    "html": (b"<html><body>hi</body></html>", "不是 MS Project XML 或 Primavera XER/XML 文件。"),
    "no tasks": (MSPDI_HEAD + b"<Name>x</Name><Tasks/></Project>", "文件中没有任务。"),
    "broken xer": (b"ERMHDR\t8.0\n%R\t1\t2\n", "XER 格式错误：文件已损坏或不完整。"),
    "cycle": (CYCLE, "文件中的任务关系形成循环：Beta → Alpha → Beta"),
}
MODELS = (Order, Customer, Project, Schedule, Task, TaskLink, WorkCalendar, CalendarException,
          ScheduleImport, AuditEntry)


@pytest.fixture
def world(module_world, db):
    return module_world


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def refused(world, data, name="upload.xml", **kwargs):
    before = counts()
    with acting(Channel.TEST), pytest.raises(ValidationError) as caught:
        import_schedule(data, name, actor=world.manager, **kwargs)
    assert counts() == before
    return caught.value


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_a_bad_file_is_refused_with_its_message_and_writes_nothing(world, kind):
    data, message = BAD_FILES[kind]
    assert refused(world, data).messages == [message]


def test_a_cycle_writes_nothing_even_into_an_existing_order(world):
    from eoms.testing.scheduling_world import build_schedule

    plan = build_schedule(world)
    names = sorted(Task.objects.filter(order=plan.order).values_list("name", flat=True))
    error = refused(world, CYCLE, order=plan.order)
    assert error.code == "cycle"
    assert sorted(Task.objects.filter(order=plan.order).values_list("name", flat=True)) == names


def test_a_file_over_the_upload_limit_is_refused_before_it_is_read(world):
    with override_settings(UPLOAD_MAX_BYTES=20 * 1024 * 1024):
        huge = b"<" + b" " * (20 * 1024 * 1024)
        assert refused(world, huge, "huge.xml").messages == ["文件过大：上限为 20.0\xa0MB。"]

