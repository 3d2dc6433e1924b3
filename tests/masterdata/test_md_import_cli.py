"""`eoms masterdata import|export|template`: exit status, printed problems, all or nothing."""

import io
import os
import subprocess
import sys

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from eoms.audit.models import AuditEntry
from eoms.masterdata.models import Customer, Material


def save_book(path, *rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(list(row))
    workbook.save(path)
    return str(path)


def test_it_exits_non_zero_and_prints_the_problems_of_a_bad_file(world, tmp_path):
    path = save_book(tmp_path / "m.xlsx", ["物料名称", "单位", "分类编码"],
                     ["水泥", "吨", "GJ"], ["砂子", "方", "NOPE"])
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("masterdata", "import", "material", path, stdout=out)
    assert error.value.returncode == 1  # what `eoms` exits with
    assert "没有导入任何数据" in str(error.value)
    assert "row 3 · 分类编码 [NOPE]: 找不到物料分类“NOPE”" in out.getvalue()
    assert not Material.objects.filter(name="水泥").exists()


def test_it_exits_1_from_the_eoms_command_for_a_file_that_is_not_xlsx(tmp_path):
    bad = tmp_path / "customers.xlsx"
    bad.write_text("<html><body>客户</body></html>")
    env = {**os.environ, "EOMS_DATA_DIR": str(tmp_path / "data"), "EOMS_TESTING": "1"}
    done = subprocess.run([sys.executable, "-m", "eoms.cli", "masterdata", "import", "customer",
                           str(bad)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "不是 Excel .xlsx 文件" in done.stderr


def test_it_imports_as_the_system_without_a_user(world, tmp_path):
    path = save_book(tmp_path / "c.xlsx", ["客户名称"], ["北京新城建设有限公司"])
    out = io.StringIO()
    call_command("masterdata", "import", "customer", path, stdout=out)
    assert "新建 1 条" in out.getvalue()
    made = Customer.objects.get(name="北京新城建设有限公司")
    assert AuditEntry.objects.for_object(made).get().channel == "import"


def test_it_applies_the_permissions_of_the_given_user(world, tmp_path):
    path = save_book(tmp_path / "c.xlsx", ["客户名称"], ["北京新城建设有限公司"])
    with pytest.raises(CommandError):
        call_command("masterdata", "import", "customer", path, "--user", "worker",
                     stdout=io.StringIO())
    assert not Customer.objects.filter(name="北京新城建设有限公司").exists()


def test_it_writes_nothing_on_a_dry_run(world, tmp_path):
    path = save_book(tmp_path / "c.xlsx", ["客户名称"], ["北京新城建设有限公司"])
    out = io.StringIO()
    call_command("masterdata", "import", "customer", path, "--dry-run", "--user", "manager",
                 stdout=out)
    assert "检查通过" in out.getvalue()
    assert not Customer.objects.filter(name="北京新城建设有限公司").exists()


def test_it_exports_records_that_import_back_unchanged(world, tmp_path):
    path = str(tmp_path / "materials.xlsx")
    call_command("masterdata", "export", "material", path, stdout=io.StringIO())
    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:5] == ("MAT-GJ-T001", "HRB400 螺纹钢", "Φ16", "吨", "GJ")
    out = io.StringIO()
    call_command("masterdata", "import", "material", path, stdout=out)
    assert "更新 1 条" in out.getvalue()
    world.material.refresh_from_db()
    assert world.material.standard_price == 4200 and world.material.category == world.category


def test_it_writes_a_template_with_the_notes_sheet(world, tmp_path):
    path = str(tmp_path / "t.xlsx")
    call_command("masterdata", "template", "project", path, stdout=io.StringIO())
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames[1] == "说明"
    assert workbook.worksheets[0]["C1"].value == "客户编码*"


def test_it_refuses_an_unknown_user(world, tmp_path):
    path = save_book(tmp_path / "c.xlsx", ["客户名称"], ["甲"])
    with pytest.raises(CommandError, match="no active user"):
        call_command("masterdata", "import", "customer", path, "--user", "nobody")
