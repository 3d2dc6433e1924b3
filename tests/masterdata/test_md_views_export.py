"""Excel export of master-data lists: the filtered, sorted rows, only for permitted users."""

import io
from urllib.parse import unquote

import openpyxl
from django.urls import reverse
from django.utils import timezone

from eoms.masterdata.models import Customer


def _sheet(response):
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def test_it_exports_every_filtered_row_with_readable_headers(world, login, ctx):
    for i in range(30):  # more than one page
        Customer.objects.create(code=f"CUS-E{i:03}", name=f"导出客户{i}", phone=f"021-{i}")
    Customer.objects.create(code="CUS-OFF", name="导出客户停用", active=False)
    response = login(world.manager).get(reverse("masterdata:customer_export"),
                                        {"q": "导出", "active": "1", "sort": "-code",
                                         "page": "2"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _sheet(response)
    assert rows[0][:3] == ["编码", "名称", "简称"]
    assert "启用" in rows[0]
    assert [r[0] for r in rows[1:]] == [f"CUS-E{i:03}" for i in reversed(range(30))]
    assert rows[1][rows[0].index("启用")] == "是"


def test_it_names_the_file_with_the_date(world, login):
    response = login(world.manager).get(reverse("masterdata:customer_export"))
    disposition = unquote(response["Content-Disposition"])
    assert "attachment" in disposition
    assert f"客户-{timezone.localdate():%Y%m%d}.xlsx" in disposition


def test_it_exports_only_what_a_project_manager_may_see(world, login):
    rows = _sheet(login(world.pm).get(reverse("masterdata:project_export")))
    assert [r[0] for r in rows[1:]] == ["PRJ-T001"]
    assert rows[1][rows[0].index("客户")] == "CUS-T0001 上海申达建设有限公司"


def test_it_refuses_export_to_a_role_without_it(world, login):
    client = login(world.buyer)
    assert client.get(reverse("masterdata:customer_export")).status_code == 403
    assert client.get(reverse("masterdata:project_export")).status_code == 403
    page = client.get(reverse("masterdata:project_list"))
    assert page.context["export_url"] == ""
    assert "导出 Excel" not in page.content.decode()


def test_it_exports_approved_categories_as_text(world, login):
    rows = _sheet(login(world.buyer).get(reverse("masterdata:supplier_export")))
    assert rows[1][rows[0].index("准入物料分类")] == "GJ 钢筋"
