"""Excel import of orders: rows grouped into orders, every bad row named, all or nothing."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from eoms.audit.models import AuditEntry
from eoms.core.models import IssuedCode
from eoms.orders.choices import OrderStatus, OrderType, Source
from eoms.orders.imports import OrderImporter
from eoms.orders.models import Order, OrderLine
from eoms.testing.orders_world import build_orders

HEAD = ["外部编号", "客户编码", "项目编码", "工地编码", "标题", "优先级", "要求交付日期",
        "承诺交付日期", "预算金额（元）", "物料编码", "数量", "单位", "需用日期", "原订单编号"]
TABLES = (Order, OrderLine, AuditEntry, IssuedCode)


@pytest.fixture
def world(module_world, db):
    return module_world


def book(*rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(key="PO-1", customer="CUS-T0001", project="PRJ-T001", site="SITE-T01",
        title="B2 顶板防水", priority="P2", requested="2026-12-01", promised="2026/12/15",
        budget="86000", material="MAT-GJ-T001", quantity=3, unit=None, needed="2026年11月20日",
        parent=None):
    return [key, customer, project, site, title, priority, requested, promised, budget,
            material, quantity, unit, needed, parent]


def _counts():
    return [model.objects.count() for model in TABLES]


def _messages(report):
    return [(e.row, e.column, e.message) for e in report.errors]


def test_it_groups_rows_into_orders_with_their_lines(world, ctx):
    build_orders(world)
    data = book(HEAD, row(), row(customer=None, project=None, site=None, title=None,
                                 quantity=5, needed="2026-11-25"),
                row(key="PO-2", title="外墙保温", material=None, quantity=None, needed=None))
    report = OrderImporter(world.pm).run(data)
    assert report.ok, _messages(report)
    assert report.written and (report.total, report.creates) == (3, 2)
    first = Order.objects.get(crm_id="PO-1")
    assert (first.title, first.site, first.priority) == ("B2 顶板防水", world.site, "P2")
    assert (first.requested_date, first.promised_date) == (dt.date(2026, 12, 1),
                                                           dt.date(2026, 12, 15))
    assert list(first.lines.values_list("line_no", "quantity", "unit", "needed_by")) == [
        (1, Decimal("3.000"), "吨", dt.date(2026, 11, 20)),
        (2, Decimal("5.000"), "吨", dt.date(2026, 11, 25))]
    assert first.source == Source.IMPORT and first.created_by == world.pm
    assert first.status == OrderStatus.ASSIGNED and first.owner == world.pm
    assert Order.objects.get(crm_id="PO-2").lines.count() == 0


def test_it_records_the_import_channel(world):
    OrderImporter(world.pm).run(book(HEAD, row()))
    order = Order.objects.get(crm_id="PO-1")
    entry = AuditEntry.objects.for_object(order).order_by("seq").first()
    assert entry.channel == "import" and entry.event == "order.created"


def test_it_checks_without_writing_on_a_dry_run(world):
    before = _counts()
    report = OrderImporter(world.pm).run(book(HEAD, row(), row(key="PO-2")), dry_run=True)
    assert report.ok and not report.written and report.creates == 2
    assert [p["key"] for p in report.preview] == ["PO-1", "PO-2"]
    assert "新建" in report.preview[0]["label"] and "1 行" in report.preview[0]["label"]
    assert _counts() == before


def test_it_reads_excel_date_cells_and_full_width_digits(world):
    data = book(HEAD, row(requested=dt.datetime(2026, 12, 1), promised="２０２６－１２－１５",
                          quantity="１２．５", needed=dt.date(2026, 11, 20)))
    report = OrderImporter(world.pm).run(data)
    assert report.ok, _messages(report)
    order = Order.objects.get(crm_id="PO-1")
    assert (order.requested_date, order.promised_date) == (dt.date(2026, 12, 1),
                                                           dt.date(2026, 12, 15))
    assert order.lines.get().quantity == Decimal("12.5")


def test_it_accepts_english_column_names_and_the_template_marks(world):
    head = ["external_ref", "项目编码*", "标题*", "material", "quantity"]
    report = OrderImporter(world.manager).run(book(head, ["PO-9", "PRJ-T001", "甲", "MAT-GJ-T001",
                                                          1]))
    assert report.ok, _messages(report)


def _refused(world, *rows, actor=None):
    before = _counts()
    report = OrderImporter(actor or world.pm).run(book(HEAD, *rows))
    assert not report.ok and not report.written
    assert _counts() == before, "a rejected file wrote something"
    return _messages(report)


def test_it_names_unknown_customer_project_and_material_codes(world):
    found = _refused(world, row(customer="CUS-NOPE"), row(key="PO-2", project="PRJ-NOPE"),
                     row(key="PO-3", material="MAT-NOPE"))
    assert (2, "客户编码") in [(r, c) for r, c, _m in found]
    assert (3, "项目编码") in [(r, c) for r, c, _m in found]
    assert (4, "物料编码") in [(r, c) for r, c, _m in found]
    assert all("找不到" in m for _r, _c, m in found)


@pytest.mark.parametrize("value", ["2026-02-30", "明年", "12/01/2026", "2026-12"])
def test_it_names_a_bad_date(world, value):
    found = _refused(world, row(promised=value))
    assert found == [(2, "承诺交付日期",
                      "不是有效日期：请写成 2026-12-01、2026/12/1 或 2026年12月1日。")]


def test_it_names_a_site_outside_the_project(world):
    found = _refused(world, row(site="SITE-T02"), actor=world.manager)
    assert found == [(2, "工地编码", "工地 SITE-T02 不属于项目 PRJ-T001。")]


def test_it_names_a_project_of_another_customer(world):
    found = _refused(world, row(customer="CUS-T0002", site=None), actor=world.manager)
    assert found == [(2, "项目编码", "项目 PRJ-T001 不属于客户 CUS-T0002。")]


def test_it_names_a_duplicate_line(world):
    found = _refused(world, row(), row(title=None, quantity=9))
    assert found == [(3, "物料编码", "与第 2 行重复：同一订单中物料和需用日期都相同。")]


def test_it_names_rows_of_one_order_that_disagree(world):
    found = _refused(world, row(), row(title="另一个标题", needed="2026-12-02"))
    assert found == [(3, "标题", "与同一订单第 2 行的“B2 顶板防水”不一致。")]


def test_it_names_an_order_number_imported_before(world):
    OrderImporter(world.pm).run(book(HEAD, row()))
    found = _refused(world, row())
    assert found[0][:2] == (2, "外部编号") and "已导入过" in found[0][2]


def test_it_names_an_order_without_title_or_project(world):
    found = _refused(world, row(title=None, project=None, site=None, customer=None))
    assert found == [(2, "项目编码", "订单 PO-1 没有填写项目编码。"),
                     (2, "标题", "订单 PO-1 没有填写标题。")]


def test_it_names_a_negative_quantity_and_a_quantity_without_material(world):
    found = _refused(world, row(quantity=-1), row(key="PO-2", material=None, quantity=2))
    assert found == [(2, "数量", "不能小于 0.001。"),
                     (3, "物料编码", "填写了数量，请同时填写物料编码。")]


def test_it_names_a_missing_column(world):
    report = OrderImporter(world.pm).run(book(["外部编号", "项目编码", "物料编码", "数量"],
                                              ["PO-1", "PRJ-T001", "MAT-GJ-T001", 1]))
    assert _messages(report) == [(None, "标题", "缺少必填列。")]
    assert not Order.objects.exists()


def test_it_names_a_project_the_user_does_not_work_in(world):
    found = _refused(world, row(project="PRJ-T002", customer=None, site=None))
    assert found[0][:2] == (2, "项目编码") and "找不到" in found[0][2]


def test_it_rejects_the_whole_file_for_one_bad_row(world):
    _refused(world, row(), row(key="PO-2"), row(key="PO-3", budget="-5"))
    assert not Order.objects.filter(crm_id__in=["PO-1", "PO-2"]).exists()


def test_it_makes_an_extension_of_a_row_naming_its_parent(world, ctx):
    parent = build_orders(world).order
    data = book(HEAD, row(customer=None, project=None, site=None, title="延期到明年",
                          promised="2027-03-01", requested=None, budget=None, material=None,
                          quantity=None, needed=None, parent=parent.code))
    report = OrderImporter(world.manager).run(data)
    assert report.ok, _messages(report)
    made = Order.objects.get(crm_id="PO-1")
    assert made.order_type == OrderType.EXTENSION and made.parent == parent
    assert made.project == parent.project


def test_it_imports_as_the_system_without_an_actor(world):
    report = OrderImporter().run(book(HEAD, row(project="PRJ-T002", customer=None, site=None)))
    assert report.ok, _messages(report)
    assert Order.objects.get(crm_id="PO-1").created_by is None


def test_it_names_a_new_order_with_neither_lines_nor_budget_on_the_dry_run(world):
    data = book(HEAD, row(budget=None, material=None, quantity=None, needed=None))
    report = OrderImporter(world.pm).run(data, dry_run=True)
    assert _messages(report) == [(2, "预算金额（元）",
                                  "订单 PO-1 既没有订单行也没有预算金额，不能提交。")]


def test_it_names_a_material_no_longer_in_use(world, ctx):
    type(world.material).objects.filter(pk=world.material.pk).update(active=False)
    found = _refused(world, row())
    assert found == [(2, "物料编码", "物料 MAT-GJ-T001 已停用。")]
