"""The import pages: upload → check → confirm, permissions, template and error report."""

import io
import re

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from eoms.core import import_store
from eoms.core.models import Job
from eoms.masterdata.models import CostCode, Customer, Material


def book(*rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, kind, data, name="data.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse(f"masterdata:{kind}_import"), {"file": file})


def token_of(response) -> str:
    return re.search(r"/import/([A-Za-z0-9_-]{32,})/", response["Location"]).group(1)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_it_forbids_the_import_page_to_a_worker(world, login):
    client = login(world.worker)
    assert client.get(reverse("masterdata:customer_import")).status_code == 403
    assert client.get(reverse("masterdata:customer_import_template")).status_code == 403
    assert upload(client, "customer", book(["客户名称"], ["甲公司"])).status_code == 403


def test_it_forbids_importing_without_the_change_right(world, login):
    # procurement may add and change suppliers but not customers
    client = login(world.buyer)
    assert client.get(reverse("masterdata:supplier_import")).status_code == 200
    assert client.get(reverse("masterdata:customer_import")).status_code == 403


def test_it_previews_then_imports_on_confirmation(world, login):
    client = login(world.manager)
    response = upload(client, "customer", book(["客户名称"], ["北京新城建设有限公司"]))
    assert response.status_code == 302
    token = token_of(response)
    page = client.get(response["Location"])
    assert "检查通过" in page.content.decode() and "确认导入" in page.content.decode()
    assert not Customer.objects.filter(name="北京新城建设有限公司").exists()

    confirm = client.post(reverse("masterdata:customer_import_confirm", args=[token]))
    assert confirm.status_code == 302
    assert Customer.objects.filter(name="北京新城建设有限公司").exists()
    done = client.get(confirm["Location"]).content.decode()
    assert "导入完成" in done and reverse("masterdata:customer_list") in done


def test_it_deletes_the_uploaded_file_after_the_import(world, login, media):
    client = login(world.manager)
    token = token_of(upload(client, "customer", book(["客户名称"], ["北京新城建设有限公司"])))
    stored = import_store.StoredImport(world.manager.pk, token)
    assert default_storage.exists(stored.file_name)
    client.post(reverse("masterdata:customer_import_confirm", args=[token]))
    assert not default_storage.exists(stored.file_name)


def test_it_shows_the_errors_and_offers_no_confirmation(world, login):
    client = login(world.manager)
    data = book(["物料名称", "单位", "分类编码"], ["水泥", "吨", "GJ"], ["砂子", "", "NOPE"])
    response = upload(client, "material", data)
    page = client.get(response["Location"]).content.decode()
    assert "发现 2 个问题" in page
    assert "第 3 行" in page and "必填，不能为空" in page and "NOPE" in page
    assert "确认导入" not in page
    token = token_of(response)
    refused = client.post(reverse("masterdata:material_import_confirm", args=[token]))
    assert refused.status_code == 302
    assert not Material.objects.filter(name="水泥").exists()


def test_it_downloads_the_error_report_as_xlsx(world, login):
    client = login(world.manager)
    data = book(["物料名称", "单位", "分类编码"], ["砂子", "方", "NOPE"])
    token = token_of(upload(client, "material", data))
    response = client.get(reverse("masterdata:material_import_errors", args=[token]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("行号", "列", "值", "原因")
    assert rows[1][:3] == ("2", "分类编码", "NOPE")


def test_it_refuses_a_renamed_html_file_on_the_upload_form(world, login):
    client = login(world.manager)
    response = upload(client, "customer", b"<html><body>not a sheet</body></html>")
    assert response.status_code == 200
    assert "不是 Excel .xlsx 文件" in response.content.decode()


def test_it_refuses_an_oversized_upload(world, login, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    client = login(world.manager)
    data = book(["客户名称"], *[[f"客户{i}"] for i in range(300)])
    response = upload(client, "customer", data)
    assert response.status_code == 200 and "文件太大" in response.content.decode()


def test_it_hides_another_users_upload(world, login):
    token = token_of(upload(login(world.manager), "customer",
                            book(["客户名称"], ["北京新城建设有限公司"])))
    other = login(world.admin)
    url = reverse("masterdata:customer_import_preview", args=[token])
    assert other.get(url).status_code == 404
    confirm = reverse("masterdata:customer_import_confirm", args=[token])
    assert other.post(confirm).status_code == 404


def test_it_checks_and_imports_a_large_file_as_jobs(world, login, monkeypatch,
                                                     django_capture_on_commit_callbacks):
    monkeypatch.setattr(import_store, "SYNC_ROWS", 2)
    client = login(world.manager)
    data = book(["客户名称"], *[[f"批量客户{i}号"] for i in range(5)])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "customer", data)
    token = token_of(response)
    check = Job.objects.get(kind="import.check")
    assert check.state == "done" and check.created_by == world.manager
    assert check.result["creates"] == 5
    page = client.get(response["Location"]).content.decode()
    assert "检查通过" in page and "批量客户4号" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("masterdata:customer_import_confirm", args=[token]))
    assert Job.objects.get(kind="import.write").state == "done"
    assert Customer.objects.filter(name__startswith="批量客户").count() == 5


def test_it_shows_job_progress_while_a_check_runs(world, login, monkeypatch):
    monkeypatch.setattr(import_store, "SYNC_ROWS", 2)
    client = login(world.manager)
    data = book(["客户名称"], *[[f"批量客户{i}号"] for i in range(5)])
    response = upload(client, "customer", data)  # on_commit never runs: the job stays queued
    page = client.get(response["Location"]).content.decode()
    job = Job.objects.get(kind="import.check")
    assert reverse("core:job_status", args=[job.pk]) in page
    assert "data-eoms-reload-when-done" in page


def test_it_downloads_a_template_with_the_notes_sheet(world, login):
    response = login(world.manager).get(reverse("masterdata:material_import_template"))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[1] == "说明"
    headers = [c.value for c in workbook.worksheets[0][1]]
    assert headers[:5] == ["编码", "物料名称*", "规格型号", "单位*", "分类编码*"]
    assert workbook.worksheets[0]["B2"].value == "HRB400 螺纹钢"
    notes = "\n".join(str(c.value) for c in workbook["说明"]["A"])
    assert "分类编码：必填" in notes and "GJ  钢筋" in notes


def test_it_imports_the_template_example_after_editing(world, login):
    client = login(world.manager)
    template = client.get(reverse("masterdata:costcode_import_template")).content
    workbook = openpyxl.load_workbook(io.BytesIO(template))
    workbook.worksheets[0]["A2"] = "09"
    workbook.worksheets[0]["B2"] = "辅材"  # the example's 主材 exists in the test world
    buffer = io.BytesIO()
    workbook.save(buffer)
    token = token_of(upload(client, "costcode", buffer.getvalue()))
    client.post(reverse("masterdata:costcode_import_confirm", args=[token]))
    made = CostCode.objects.get(code="09")
    assert (made.name, made.category) == ("辅材", "material")


def test_it_imports_only_once_when_confirmed_twice(world, login):
    client = login(world.manager)
    token = token_of(upload(client, "customer", book(["客户名称"], ["北京新城建设有限公司"])))
    url = reverse("masterdata:customer_import_confirm", args=[token])
    client.post(url)
    second = client.post(url)
    assert Customer.objects.filter(name="北京新城建设有限公司").count() == 1
    assert "导入完成" in client.get(second["Location"]).content.decode()


def test_it_deletes_everything_on_cancel(world, login, media):
    client = login(world.manager)
    token = token_of(upload(client, "customer", book(["客户名称"], ["北京新城建设有限公司"])))
    response = client.post(reverse("masterdata:customer_import_cancel", args=[token]))
    assert response["Location"] == reverse("masterdata:customer_import")
    assert list((media / "imports" / str(world.manager.pk)).iterdir()) == []
