"""Every mismatch blocks the whole delivery with a message naming the line, and writes
nothing: no delivery, no batch, no file, no audit entry."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from eoms.audit.models import AuditEntry
from eoms.core.context import Channel, acting
from eoms.masterdata.models import Material
from eoms.materials import services
from eoms.materials.models import Delivery, ReceivedBatch
from eoms.orders.choices import OrderStatus
from eoms.orders.models import Order
from eoms.testing.materials_world import batch_line, build_materials


@pytest.fixture
def mat(world):
    return build_materials(world)


def _files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _refused(world, mat, lines, *, supplier=None, order=None) -> dict[str, list[str]]:
    before = (Delivery.objects.count(), ReceivedBatch.objects.count(),
              AuditEntry.objects.count(), _files())
    with acting(Channel.TEST), pytest.raises(ValidationError) as caught:
        services.receive_delivery(order or mat.plan.order, actor=world.buyer,
                                  supplier=supplier or world.supplier, lines=lines)
    after = (Delivery.objects.count(), ReceivedBatch.objects.count(),
             AuditEntry.objects.count(), _files())
    assert after == before
    return caught.value.message_dict


def test_it_refuses_a_quantity_above_what_is_outstanding(world, mat):
    errors = _refused(world, mat, [batch_line(mat.line, "L2026-0501", "7.501")])
    assert errors == {"lines.0.quantity": [
        "第 1 行（HRB400 螺纹钢）：数量 7.501 吨 超过了订单行尚未到货的数量 7.5 吨"
        "（订购 12.5，已到货 5）。"]}


def test_it_accepts_exactly_what_is_outstanding(world, mat):
    with acting(Channel.TEST):
        delivery = services.receive_delivery(
            mat.plan.order, actor=world.buyer, supplier=world.supplier,
            lines=[batch_line(mat.line, "L2026-0501", "4.5"),
                   batch_line(mat.line, "L2026-0502", "3.000")])
    assert sum(b.quantity for b in delivery.batches.all()) == Decimal("7.5")


def test_it_counts_earlier_lines_of_the_same_delivery(world, mat):
    errors = _refused(world, mat, [batch_line(mat.line, "L2026-0501", "4.5"),
                                   batch_line(mat.line, "L2026-0502", "3.001")])
    assert list(errors) == ["lines.1.quantity"]
    assert errors["lines.1.quantity"][0].startswith("第 2 行（HRB400 螺纹钢）：数量 3.001 吨")


def test_it_refuses_a_material_that_is_not_on_the_order(world, mat, ctx):
    cement = Material.objects.create(code="MAT-GJ-T009", name="P·O 42.5 水泥", unit="吨",
                                     category=world.category)
    line = {**batch_line(mat.line, "C2026-01", "1"), "order_line": None, "material": cement}
    errors = _refused(world, mat, [line])
    assert errors["lines.0.material"] == ["第 1 行：物料“P·O 42.5 水泥”不在订单 "
                                         f"{mat.plan.order.code} 上。"]


def test_it_refuses_an_order_line_of_another_order(world, mat):
    other_line = mat.plan.orders.other_order.lines.get()
    errors = _refused(world, mat, [batch_line(other_line, "L2026-0777", "1")])
    assert errors["lines.0.order_line"] == [f"第 1 行：订单行不属于订单 {mat.plan.order.code}。"]


def test_it_refuses_a_unit_other_than_the_order_lines(world, mat):
    errors = _refused(world, mat, [batch_line(mat.line, "L2026-0501", "1", unit="kg")])
    assert errors["lines.0.unit"] == [
        "第 1 行（HRB400 螺纹钢）：单位“kg”与订单行的单位“吨”不一致。"]


@pytest.mark.parametrize(("missing", "field", "message"), [
    ("certificate_number", "certificate_number", "缺少合格证编号。"),
    ("certificate_file", "certificate_file", "缺少合格证文件（PDF 或照片）。"),
])
def test_it_refuses_a_batch_without_its_certificate(world, mat, missing, field, message):
    line = {**batch_line(mat.line, "L2026-0501", "1"), missing: ""}
    errors = _refused(world, mat, [line])
    assert errors == {f"lines.0.{field}": [f"第 1 行（HRB400 螺纹钢）：{message}"]}


def test_it_refuses_a_batch_already_received(world, mat):
    errors = _refused(world, mat, [batch_line(mat.line, "l2026-0415", "1")])
    assert errors["lines.0.batch_number"] == [
        f"第 1 行（HRB400 螺纹钢）：批号 l2026-0415 已于 {mat.delivery.delivered_on} 随进场记录 "
        f"{mat.delivery.code} 验收过，不能重复进场。"]


def test_it_refuses_the_same_batch_twice_in_one_delivery(world, mat):
    errors = _refused(world, mat, [batch_line(mat.line, "L2026-0600", "1"),
                                   batch_line(mat.line, "L2026-0600", "1")])
    assert errors == {"lines.1.batch_number": [
        "第 2 行（HRB400 螺纹钢）：批号 L2026-0600 在本次进场中重复。"]}


def test_it_refuses_a_supplier_not_approved_for_the_material(world, mat):
    errors = _refused(world, mat, [batch_line(mat.membrane_line, "FS-01", "100")])
    assert errors["lines.0.material"] == [
        "第 1 行（SBS 改性沥青防水卷材）：供应商“宝武钢铁贸易有限公司”未获准供应“防水材料”类物料。"]


def test_it_accepts_the_approved_supplier_of_that_material(world, mat):
    with acting(Channel.TEST):
        delivery = services.receive_delivery(
            mat.plan.order, actor=world.buyer, supplier=mat.membrane_supplier,
            lines=[batch_line(mat.membrane_line, "FS-01", "100")])
    assert delivery.batches.get().unit == "m²"


@pytest.mark.parametrize("status", [OrderStatus.DRAFT, OrderStatus.DELIVERED,
                                    OrderStatus.CANCELLED, OrderStatus.ON_HOLD])
def test_it_refuses_an_order_that_does_not_receive_material(world, mat, status):
    Order.objects.filter(pk=mat.plan.order.pk).update(status=status)
    order = Order.objects.get(pk=mat.plan.order.pk)
    errors = _refused(world, mat, [batch_line(mat.line, "L2026-0501", "1")], order=order)
    assert list(errors) == ["order"]
    expected = f"订单 {order.code} 处于“{order.get_status_display()}”状态，不能收料"
    assert expected in errors["order"][0]


def test_it_names_every_bad_line_at_once(world, mat):
    errors = _refused(world, mat, [
        {**batch_line(mat.line, "", "0")},
        batch_line(mat.membrane_line, "FS-02", "1", certificate_number="")])
    assert set(errors) == {"lines.0.batch_number", "lines.0.quantity", "lines.1.material",
                           "lines.1.certificate_number"}
