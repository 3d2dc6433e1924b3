"""The master-data importer on real .xlsx files and a real database: what gets written."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl

from eoms.audit.models import AuditEntry
from eoms.core import codes
from eoms.masterdata.imports import (
    CostCodeImporter,
    CustomerImporter,
    MaterialImporter,
    ProjectImporter,
    SiteImporter,
)
from eoms.masterdata.models import CostCode, Customer, Material, Project, Site


def book(*rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_creates_rows_with_generated_codes(world):
    data = book(["客户名称", "联系人", "电话"], ["北京新城建设有限公司", "刘强", 13800001111],
                ["广州南方装饰工程有限公司", "陈敏", "020-88886666"])
    report = CustomerImporter(world.manager).run(data)
    assert report.ok and report.written, report.errors
    assert (report.creates, report.updates) == (2, 0)
    made = Customer.objects.get(name="北京新城建设有限公司")
    assert made.code.startswith("CUS-") and made.phone == "13800001111"
    assert made.created_by == world.manager
    assert Customer.objects.get(name="广州南方装饰工程有限公司").code != made.code


def test_it_records_audit_entries_on_the_import_channel(world):
    data = book(["客户名称"], ["北京新城建设有限公司"])
    CustomerImporter(world.manager).run(data)
    made = Customer.objects.get(name="北京新城建设有限公司")
    entry = AuditEntry.objects.for_object(made).get()
    assert entry.channel == "import"
    assert entry.actor == world.manager
    assert entry.event == "customer.created"


def test_it_updates_an_existing_record_by_code(world):
    data = book(["编码", "客户名称", "联系人"], ["CUS-T0001", "上海申达建设有限公司", "新联系人"])
    report = CustomerImporter(world.manager).run(data)
    assert report.ok and (report.creates, report.updates) == (0, 1)
    world.customer.refresh_from_db()
    assert world.customer.contact_name == "新联系人"
    assert world.customer.version == 2
    assert report.preview[0]["action"] == "update"


def test_it_writes_nothing_on_a_dry_run(world):
    before = Customer.objects.count()
    data = book(["客户名称"], ["北京新城建设有限公司"])
    report = CustomerImporter(world.manager).run(data, dry_run=True)
    assert report.ok and not report.written and report.creates == 1
    assert Customer.objects.count() == before


def test_it_writes_nothing_when_one_row_is_bad(world):
    before = Material.objects.count()
    data = book(["物料名称", "单位", "分类编码", "标准单价（元）"],
                ["水泥 P.O 42.5", "吨", "GJ", 450],
                ["砂子", "方", "GJ", "很贵"],
                ["石子", "方", "GJ", 120])
    report = MaterialImporter(world.manager).run(data)
    assert not report.ok and not report.written
    assert Material.objects.count() == before
    [error] = report.errors
    assert (error.row, error.column, error.value) == (3, "标准单价（元）", "很贵")
    assert "不是数字" in error.message


def test_it_reports_unknown_and_missing_columns_once(world):
    data = book(["名字", "联系人"], ["甲公司", "张三"], ["乙公司", "李四"])
    report = CustomerImporter(world.manager).run(data)
    problems = {(e.row, e.column): e.message for e in report.errors}
    assert "未知的列" in problems[(None, "名字")]
    assert "缺少必填列" in problems[(None, "客户名称")]
    assert report.error_count == 2


def test_it_accepts_english_aliases_and_required_marks_in_headers(world):
    data = book(["name*", "Contact_Name"], ["北京新城建设有限公司", "刘强"])
    report = CustomerImporter(world.manager).run(data)
    assert report.ok, report.errors
    assert Customer.objects.get(name="北京新城建设有限公司").contact_name == "刘强"


def test_it_reports_wrong_types(world):
    data = book(["编码", "项目名称", "客户编码", "开工日期", "启用"],
                ["", "新项目", "CUS-T0001", "明年春天", "也许"])
    report = ProjectImporter(world.manager).run(data)
    messages = {e.column: e.message for e in report.errors}
    assert "不是有效日期" in messages["开工日期"]
    assert "是" in messages["启用"] and "否" in messages["启用"]
    assert not Project.objects.filter(name="新项目").exists()


def test_it_reports_an_unknown_reference_code(world):
    data = book(["物料名称", "单位", "分类编码"], ["水泥", "吨", "XX-NOPE"])
    report = MaterialImporter(world.manager).run(data)
    [error] = report.errors
    assert error.column == "分类编码" and error.value == "XX-NOPE"
    assert "找不到" in error.message


def test_it_reports_duplicate_codes_in_the_file(world):
    data = book(["科目编码", "科目名称", "成本类别"], ["05", "机械", "机械租赁"],
                ["05", "机械费", "机械租赁"])
    report = CostCodeImporter(world.finance).run(data)
    [error] = report.errors
    assert error.row == 3 and "第 2 行" in error.message
    assert not CostCode.objects.filter(code="05").exists()


def test_it_rejects_a_name_that_duplicates_an_existing_record(world):
    data = book(["客户名称"], ["上海申达建设"])  # 上海申达建设有限公司 exists
    report = CustomerImporter(world.manager).run(data)
    [error] = report.errors
    assert error.column == "客户名称" and "CUS-T0001" in error.message


def test_it_rejects_a_value_that_is_too_long(world):
    data = book(["客户名称", "简称"], ["北京新城建设有限公司", "长" * 61])
    report = CustomerImporter(world.manager).run(data)
    [error] = report.errors
    assert error.column == "简称" and "最多 60" in error.message


def test_it_reads_chinese_dates_and_full_width_digits(world):
    data = book(["项目名称", "客户编码", "开工日期", "计划竣工日期"],
                ["甲项目", "CUS-T0001", "２０２６年３月１日", "2026/12/1"],
                ["乙项目", "ＣＵＳ－Ｔ０００１", dt.datetime(2026, 4, 2), "2026-12-01"])
    report = ProjectImporter(world.manager).run(data)
    assert report.ok, report.errors
    first = Project.objects.get(name="甲项目")
    assert (first.start_date, first.end_date) == (dt.date(2026, 3, 1), dt.date(2026, 12, 1))
    second = Project.objects.get(name="乙项目")
    assert second.start_date == dt.date(2026, 4, 2) and second.customer == world.customer


def test_it_rejects_an_end_date_before_the_start(world):
    data = book(["项目名称", "客户编码", "开工日期", "计划竣工日期"],
                ["甲项目", "CUS-T0001", "2026-12-01", "2026-01-01"])
    report = ProjectImporter(world.manager).run(data)
    [error] = report.errors
    assert error.column == "计划竣工日期" and "早于" in error.message


def test_it_creates_a_parent_and_its_child_from_one_file(world):
    data = book(["科目编码", "科目名称", "成本类别", "上级科目编码"],
                ["07", "间接费", "其他", ""], ["07-01", "管理费", "其他", "07"])
    report = CostCodeImporter(world.finance).run(data)
    assert report.ok, report.errors
    assert CostCode.objects.get(code="07-01").parent.code == "07"


def test_it_rejects_a_child_listed_before_its_parent(world):
    data = book(["科目编码", "科目名称", "成本类别", "上级科目编码"],
                ["07-01", "管理费", "其他", "07"], ["07", "间接费", "其他", ""])
    report = CostCodeImporter(world.finance).run(data)
    [error] = report.errors
    assert error.row == 2 and error.column == "上级科目编码"
    assert not CostCode.objects.filter(code__startswith="07").exists()


def test_it_rounds_excel_float_noise_in_prices(world):
    data = book(["物料名称", "单位", "分类编码", "标准单价"], ["水泥", "吨", "GJ", 0.1 + 0.2])
    report = MaterialImporter(world.manager).run(data)
    assert report.ok, report.errors
    assert Material.objects.get(name="水泥").standard_price == Decimal("0.30")


def test_it_keeps_a_project_managers_sites_to_his_own_projects(world):
    data = book(["工地名称", "项目编码"], ["二号工地", "PRJ-T001"], ["三号工地", "PRJ-T002"])
    report = SiteImporter(world.pm).run(data)
    assert [e.row for e in report.errors] == [3]
    assert not Site.objects.filter(name="二号工地").exists()


def test_it_runs_as_the_system_without_an_actor(world):
    report = CustomerImporter().run(book(["客户名称"], ["北京新城建设有限公司"]))
    assert report.ok and report.written
    made = Customer.objects.get(name="北京新城建设有限公司")
    entry = AuditEntry.objects.for_object(made).get()
    assert entry.channel == "import" and entry.actor is None and made.created_by is None


def test_it_rejects_a_code_issued_before(world):
    codes.reserve("customer", "CUS-OLD01")
    report = CustomerImporter(world.manager).run(
        book(["编码", "客户名称"], ["CUS-OLD01", "北京新城建设有限公司"]))
    [error] = report.errors
    assert error.column == "编码" and "曾被使用" in error.message


def test_it_tells_unchanged_rows_from_updates(world):
    data = book(["编码", "客户名称", "联系人"], ["CUS-T0001", "上海申达建设有限公司", ""],
                ["CUS-T0002", "杭州远景机电有限公司", "新联系人"])
    report = CustomerImporter(world.manager).run(data, dry_run=True)
    assert (report.updates, report.unchanged) == (2, 1)
    assert [p["action"] for p in report.preview] == ["unchanged", "update"]


def test_it_stops_a_project_manager_handing_his_project_to_another(world):
    data = book(["编码", "项目名称", "客户编码", "项目经理用户名"],
                ["PRJ-T001", "浦东厂房扩建", "CUS-T0001", "other_pm"])
    report = ProjectImporter(world.pm).run(data, dry_run=True)
    [error] = report.errors
    assert error.column == "项目经理用户名" and "只有管理层" in error.message


def test_it_accepts_only_project_managers_as_project_manager(world):
    data = book(["项目名称", "客户编码", "项目经理用户名"], ["新项目", "CUS-T0001", "worker"],
                ["另一个项目", "CUS-T0001", "pm"])
    report = ProjectImporter(world.manager).run(data)
    [error] = report.errors
    assert (error.row, error.column) == (2, "项目经理用户名") and "不是项目经理" in error.message


def test_it_rolls_back_earlier_rows_when_a_later_write_fails(world):
    # Each row alone is fine; together they make a cycle, which only the write sees.
    setup = book(["科目编码", "科目名称", "成本类别"], ["03", "机械", "机械租赁"])
    assert CostCodeImporter(world.finance).run(setup).written
    data = book(["科目编码", "科目名称", "成本类别", "上级科目编码"],
                ["03", "机械", "机械租赁", "02-01"], ["02-01", "主材", "材料", "03"])
    report = CostCodeImporter(world.finance).run(data)
    assert not report.written and [e.row for e in report.errors] == [3]
    assert CostCode.objects.get(code="03").parent is None
