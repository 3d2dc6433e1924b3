"""`eoms orders import|export`: exit status, printed problems, all or nothing."""

import io
import os
import subprocess
import sys

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from eoms.audit.models import AuditEntry
from eoms.orders.models import Order, OrderLine

HEAD = ["外部编号", "项目编码", "标题", "物料编码", "数量", "需用日期"]


@pytest.fixture
def world(module_world, db):
    return module_world


def save_book(path, *rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(list(row))
    workbook.save(path)
    return str(path)


def test_it_exits_non_zero_and_prints_the_problems_of_a_bad_file(world, tmp_path):
    path = save_book(tmp_path / "o.xlsx", HEAD,
                     ["PO-1", "PRJ-T001", "甲", "MAT-GJ-T001", 1, "2026/12/1"],
                     ["PO-2", "PRJ-T001", "乙", "MAT-NOPE", 1, "2026年12月32日"])
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("orders", "import", path, stdout=out)
    assert error.value.returncode == 1
    assert "没有导入任何数据" in str(error.value)
    printed = out.getvalue()
    assert "row 3 · 物料编码 [MAT-NOPE]: 找不到物料“MAT-NOPE”" in printed
    assert "row 3 · 需用日期 [2026年12月32日]: 不是有效日期" in printed
    assert not Order.objects.exists() and not OrderLine.objects.exists()


def test_it_imports_as_the_system_without_a_user(world, tmp_path):
    path = save_book(tmp_path / "o.xlsx", HEAD, ["PO-1", "PRJ-T001", "甲", "MAT-GJ-T001", 1,
                                                 None])
    out = io.StringIO()
    call_command("orders", "import", path, stdout=out)
    assert "导入完成：新建 1 条" in out.getvalue()
    order = Order.objects.get(crm_id="PO-1")
    assert AuditEntry.objects.for_object(order).order_by("seq").first().channel == "import"


def test_it_writes_nothing_on_a_dry_run(world, tmp_path):
    path = save_book(tmp_path / "o.xlsx", HEAD, ["PO-1", "PRJ-T001", "甲", "MAT-GJ-T001", 1,
                                                 None])
    out = io.StringIO()
    call_command("orders", "import", path, "--dry-run", stdout=out)
    assert "检查通过" in out.getvalue() and "PO-1: 甲（新建，1 行）" in out.getvalue()
    assert not Order.objects.exists()


def test_it_applies_the_permissions_of_the_given_user(world, tmp_path):
    path = save_book(tmp_path / "o.xlsx", HEAD, ["PO-1", "PRJ-T002", "甲", "MAT-GJ-T001", 1,
                                                 None])
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("orders", "import", path, "--user", "pm", stdout=out)
    assert "PRJ-T002" in out.getvalue()
    with pytest.raises(CommandError, match="may not add orders"):
        call_command("orders", "import", path, "--user", "finance", stdout=io.StringIO())


def test_it_exports_orders_with_their_lines(world, tmp_path):
    path = save_book(tmp_path / "o.xlsx", HEAD, ["PO-1", "PRJ-T001", "甲", "MAT-GJ-T001", 1,
                                                 None],
                     ["PO-1", None, None, "MAT-GJ-T001", 2, "2026-12-01"])
    call_command("orders", "import", path, stdout=io.StringIO())
    target = tmp_path / "out.xlsx"
    out = io.StringIO()
    call_command("orders", "export", str(target), "--project", "PRJ-T001", stdout=out)
    assert "exported 1 orders" in out.getvalue()
    rows = list(openpyxl.load_workbook(target).active.iter_rows(values_only=True))
    assert [(r[1], r[15]) for r in rows[1:]] == [("PO-1", 1), ("PO-1", 2)]


def test_it_exits_1_from_the_eoms_command_for_a_file_that_is_not_xlsx(tmp_path):
    bad = tmp_path / "orders.xlsx"
    bad.write_text("外部编号,标题\nPO-1,甲\n")
    env = {**os.environ, "EOMS_DATA_DIR": str(tmp_path / "data"), "EOMS_TESTING": "1"}
    done = subprocess.run([sys.executable, "-m", "eoms.cli", "orders", "import", str(bad)],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "不是 Excel .xlsx 文件" in done.stderr


def test_it_lists_the_orders_commands_in_the_usage(capsys):
    from eoms.cli import main

    main([])
    usage = capsys.readouterr().out
    assert "orders import FILE.xlsx" in usage and "orders export FILE.xlsx" in usage
