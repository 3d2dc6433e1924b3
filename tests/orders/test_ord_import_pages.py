"""The order import pages (upload → check → confirm), large files as jobs, and the export
of a filtered order list with its lines."""

import io
import re

import openpyxl
import pytest
from django.urls import reverse

from eoms.core import import_store
from eoms.core.models import Job
from eoms.orders.models import Order
from eoms.testing.orders_world import build_orders, draft_order

HEAD = ["外部编号", "项目编码", "标题", "物料编码", "数量", "需用日期"]


@pytest.fixture
def world(module_world, db):
    return module_world


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def book(*rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, data, name="orders.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("orders:order_import"), {"file": file})


def token_of(response) -> str:
    return re.search(r"/import/([A-Za-z0-9_-]{32,})/", response["Location"]).group(1)


def test_it_previews_then_imports_on_confirmation(world, login):
    client = login(world.pm)
    data = book(HEAD, ["PO-1", "PRJ-T001", "底板防水", "MAT-GJ-T001", 3, "2026/12/1"],
                ["PO-1", None, None, "MAT-GJ-T001", 4, "2026/12/2"])
    response = upload(client, data)
    assert response.status_code == 302, response.content[:500]
    page = client.get(response["Location"]).content.decode()
    assert "检查通过" in page and "确认导入" in page and "底板防水（新建，2 行）" in page
    assert not Order.objects.exists()
    token = token_of(response)
    client.post(reverse("orders:order_import_confirm", args=[token]))
    order = Order.objects.get(crm_id="PO-1")
    assert order.lines.count() == 2
    done = client.get(reverse("orders:order_import_preview", args=[token])).content.decode()
    assert "导入完成" in done and "新建 1 个订单" in done


def test_it_shows_the_row_errors_and_offers_no_confirmation(world, login):
    client = login(world.pm)
    data = book(HEAD, ["PO-1", "PRJ-NOPE", "底板防水", "MAT-GJ-T001", 3, "2026-02-30"])
    response = upload(client, data)
    page = client.get(response["Location"]).content.decode()
    assert "发现 2 个问题" in page and "PRJ-NOPE" in page and "不是有效日期" in page
    assert "确认导入" not in page
    client.post(reverse("orders:order_import_confirm", args=[token_of(response)]))
    assert not Order.objects.exists()


def test_it_refuses_a_renamed_file_on_the_upload_form(world, login):
    response = upload(login(world.pm), b"PK\x03\x04 not really a zip")
    assert response.status_code == 200
    assert "文件已损坏" in response.content.decode()


def test_it_checks_and_imports_a_large_file_as_jobs(world, login, monkeypatch,
                                                     django_capture_on_commit_callbacks):
    monkeypatch.setattr(import_store, "SYNC_ROWS", 2)
    client = login(world.pm)
    rows = [[f"PO-{i}", "PRJ-T001", f"批量订单{i}", "MAT-GJ-T001", 1, None] for i in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, book(HEAD, *rows))
    check = Job.objects.get(kind="import.check")
    assert check.state == "done" and check.result["creates"] == 5
    page = client.get(response["Location"]).content.decode()
    assert "检查通过" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("orders:order_import_confirm", args=[token_of(response)]))
    assert Job.objects.get(kind="import.write").state == "done"
    assert Order.objects.filter(title__startswith="批量订单").count() == 5


def test_it_shows_the_progress_of_a_running_check(world, login, monkeypatch):
    monkeypatch.setattr(import_store, "SYNC_ROWS", 2)
    client = login(world.pm)
    rows = [[f"PO-{i}", "PRJ-T001", f"批量订单{i}", "MAT-GJ-T001", 1, None] for i in range(5)]
    response = upload(client, book(HEAD, *rows))  # on_commit never runs: the job stays queued
    page = client.get(response["Location"]).content.decode()
    job = Job.objects.get(kind="import.check")
    assert reverse("core:job_status", args=[job.pk]) in page
    assert "data-eoms-reload-when-done" in page


def test_it_downloads_the_template(world, login):
    response = login(world.pm).get(reverse("orders:order_import_template"))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    headers = [c.value for c in workbook.worksheets[0][1]]
    assert headers[:5] == ["外部编号*", "客户编码", "项目编码*", "工地编码", "标题*"]
    notes = "\n".join(str(c.value) for c in workbook["说明"]["A"])
    assert "外部编号相同的行组成一个订单" in notes


def test_it_imports_the_template_after_filling_it_in(world, login):
    client = login(world.manager)
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(
        reverse("orders:order_import_template")).content))
    sheet = workbook.worksheets[0]
    sheet["B2"], sheet["C2"], sheet["D2"], sheet["M2"] = (None, "PRJ-T001", "SITE-T01",
                                                          "MAT-GJ-T001")
    buffer = io.BytesIO()
    workbook.save(buffer)
    token = token_of(upload(client, buffer.getvalue()))
    client.post(reverse("orders:order_import_confirm", args=[token]))
    assert Order.objects.get(crm_id="PO-2026-001").lines.count() == 1


def test_it_forbids_the_import_to_a_role_that_may_not_add_orders(world, login):
    client = login(world.finance)
    assert client.get(reverse("orders:order_import")).status_code == 403
    assert upload(client, book(HEAD, ["PO-1", "PRJ-T001", "甲", "MAT-GJ-T001", 1, None])
                  ).status_code == 403


def test_it_hides_another_users_upload(world, login):
    token = token_of(upload(login(world.pm), book(HEAD, ["PO-1", "PRJ-T001", "甲", None, None,
                                                        None])))
    other = login(world.manager)
    assert other.get(reverse("orders:order_import_preview", args=[token])).status_code == 404


def _export_rows(response):
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


def test_it_exports_the_filtered_orders_with_their_lines(world, login, ctx):
    orders = build_orders(world)
    draft_order(world, title="两行的草稿", lines=[
        {"material": world.material, "quantity": 1}, {"material": world.material,
                                                      "quantity": 2, "unit": "根"}])
    client = login(world.manager)
    rows = _export_rows(client.get(reverse("orders:export_lines"), {"status": "draft"}))
    assert rows[0][:2] == ("订单编号", "外部编号")
    assert [(r[8], r[15], r[18]) for r in rows[1:]] == [("两行的草稿", 1, 1), ("两行的草稿", 2, 2)]
    everything = _export_rows(client.get(reverse("orders:export_lines")))
    assert {r[0] for r in everything[1:]} >= {orders.order.code, orders.other_order.code}


def test_it_exports_only_the_orders_in_the_users_scope(world, login, ctx):
    orders = build_orders(world)
    rows = _export_rows(login(world.pm).get(reverse("orders:export_lines")))
    assert {r[0] for r in rows[1:]} == {orders.order.code}


def test_it_forbids_the_export_to_a_customer(world, login):
    assert login(world.client).get(reverse("orders:export_lines")).status_code == 403
