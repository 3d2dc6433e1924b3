"""The exchange pages: upload a schedule file, read its validation report, download an
order's schedule as MS Project XML."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from eoms.audit.models import AuditEntry
from eoms.orders.models import Order
from eoms.scheduling.formats import read_schedule
from eoms.scheduling.models import ScheduleImport, Task, WorkCalendar
from eoms.testing.scheduling_world import build_schedule

CORPUS = Path("/work/shared/corpus/schedules")
URL = "/schedule/import/"


def upload(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (CORPUS / name).read_bytes() if data is None else data)


def written() -> tuple[int, ...]:
    return (Order.objects.count(), Task.objects.count(), WorkCalendar.objects.count(),
            ScheduleImport.objects.count(), AuditEntry.objects.count())


def test_a_project_manager_imports_into_a_new_order_and_reads_the_report(world, login):
    client = login(world.pm)
    response = client.post(URL, {"file": upload("sample.xml"), "project": world.project.pk})
    report = ScheduleImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("scheduling:import_report", args=[report.pk])
    page = client.get(response["Location"]).content.decode()
    assert "sample.xml" in page and report.order.code in page
    assert "日历细节（每天工时不同或半天例外）" in page  # the reason of 2 differences
    assert reverse("scheduling:order_schedule", args=[report.order.pk]) in page
    assert reverse("scheduling:gantt_order", args=[report.order.pk]) in page
    assert reverse("scheduling:export_mspdi", args=[report.order.pk]) in page


def test_the_form_offers_only_the_orders_and_projects_the_user_may_plan(world, login):
    plan = build_schedule(world)
    page = login(world.pm).get(URL).content.decode()
    assert plan.order.code in page and plan.orders.other_order.code not in page
    assert world.project.code in page and world.other_project.code not in page
    assert login(world.manager).get(URL).content.decode().count(world.other_project.code) == 1


@pytest.mark.parametrize(("data", "message"), [
    (b"\x89PNG\r\n\x1a\n binary", "不是 MS Project XML 或 Primavera XER/XML 文件。"),
    ((CORPUS / "sample.xml").read_bytes()[:4000], "XML 格式错误：文件已损坏或不完整。"),
    (b"", "文件是空的。"),
])
def test_a_bad_upload_shows_the_reason_and_writes_nothing(world, login, data, message):
    client = login(world.manager)
    before = written()
    response = client.post(URL, {"file": upload("plan.xml", data)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert written() == before


def test_an_upload_over_the_limit_is_refused(world, login):
    client = login(world.manager)
    before = written()
    with override_settings(UPLOAD_MAX_BYTES=1024):
        response = client.post(URL, {"file": upload("sample.xml")})
    assert "文件过大：上限为 1.0\xa0KB。" in response.content.decode()
    assert written() == before


def test_importing_into_an_order_of_another_project_manager_is_refused(world, login):
    plan = build_schedule(world)
    other = plan.orders.other_order
    response = login(world.pm).post(URL, {"file": upload("sample.xml"), "order": other.pk})
    assert response.status_code == 200  # not a choice he is offered
    assert not Task.objects.filter(order=other, external_id="1").exists()


@pytest.mark.parametrize("who", ["worker", "buyer", "finance", "client"])
def test_only_planners_open_the_import_page(world, login, who):
    assert login(world.users[who]).get(URL).status_code == 403


def test_the_report_is_hidden_from_those_who_do_not_see_the_order(world, login):
    client = login(world.pm)
    client.post(URL, {"file": upload("mspdirelations.xml"), "project": world.project.pk})
    url = reverse("scheduling:import_report", args=[ScheduleImport.objects.get().pk])
    assert login(world.other_pm).get(url).status_code == 404
    assert login(world.auditor).get(url).status_code == 200


def test_the_export_downloads_ms_project_xml(world, login):
    plan = build_schedule(world)
    url = reverse("scheduling:export_mspdi", args=[plan.order.pk])
    response = login(world.pm).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert f'filename="{plan.order.code}.xml"' in response["Content-Disposition"]
    document = read_schedule(response.content, "x.xml")
    assert {t.name for t in document.tasks} == {
        "主体施工", "图纸审批完成", "深化设计", "底板浇筑", "养护", "移交验收"}
    assert login(world.buyer).get(url).status_code == 403
    assert login(world.other_pm).get(url).status_code == 404


def test_an_order_in_the_address_is_preselected_when_the_user_may_plan_it(world, login):
    plan = build_schedule(world)
    mine, other = plan.order, plan.orders.other_order
    page = login(world.pm).get(f"{URL}?order={mine.pk}").content.decode()
    assert f'<option value="{mine.pk}" selected>' in page
    for query in (f"?order={other.pk}", "?order=abc", "?order=", "?order=999999", ""):
        page = login(world.pm).get(f"{URL}{query}").content.decode()
        choices = page.split('name="order"')[1].split("</select>")[0]
        assert choices.count(" selected>") == 1, query
        assert '<option value="" selected>' in choices, query  # a new order
    page = login(world.manager).get(f"{URL}?order={other.pk}").content.decode()
    assert f'<option value="{other.pk}" selected>' in page


def test_a_preselected_order_is_where_the_file_goes(world, login):
    plan = build_schedule(world)
    client = login(world.pm)
    page = client.get(f"{URL}?order={plan.order.pk}").content.decode()
    assert f'<option value="{plan.order.pk}" selected>' in page
    response = client.post(f"{URL}?order={plan.order.pk}",
                           {"file": upload("mspdirelations.xml"), "order": plan.order.pk})
    assert response.status_code == 302
    assert ScheduleImport.objects.get().order == plan.order
