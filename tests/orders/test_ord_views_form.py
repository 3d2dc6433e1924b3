"""Creating and editing orders through the staff form: lines, type recognition, change
orders and their delta, and bad input that shows its error and writes nothing."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from eoms.audit.models import AuditEntry
from eoms.core.context import Channel, acting
from eoms.masterdata.models import Material
from eoms.orders import services
from eoms.orders.choices import ExtensionState, OrderStatus, OrderType
from eoms.orders.forms import LINES_PREFIX, LineFormSet, OrderForm, materials_for
from eoms.orders.models import Order, OrderLine
from eoms.orders.views_form import _show_errors
from eoms.testing.orders_world import build_orders, draft_order

CREATE = reverse("orders:create")


@pytest.fixture
def world(module_world, db):
    return module_world


@pytest.fixture
def orders(world):
    return build_orders(world)


def _form(world, lines=(), **header):
    data = {"title": "B2 外墙防水", "customer": world.customer.pk, "project": world.project.pk,
            "site": world.site.pk, "priority": "P2", "budget_amount": "52000",
            "requested_date": "", "promised_date": "", "description": "", "parent_code": "",
            "order_type": "", f"{LINES_PREFIX}-TOTAL_FORMS": str(max(len(lines), 1)),
            f"{LINES_PREFIX}-INITIAL_FORMS": "0", f"{LINES_PREFIX}-MIN_NUM_FORMS": "0",
            f"{LINES_PREFIX}-MAX_NUM_FORMS": "200"}
    for i, line in enumerate(lines):
        for key, value in line.items():
            data[f"{LINES_PREFIX}-{i}-{key}"] = value
    data.update(header)
    return data


def _counts():
    return (Order.objects.count(), OrderLine.objects.count(), AuditEntry.objects.count())


def test_it_creates_a_coded_new_order_with_its_lines(world, login):
    client = login(world.pm)
    response = client.post(CREATE, _form(world, lines=[
        {"material": world.material.code, "quantity": "12.5", "needed_by": "2026-12-01"},
        {"material": f"{world.material.code.lower()} 螺纹钢", "quantity": "3", "unit": "根"}]),
        follow=True)
    order = Order.objects.get(title="B2 外墙防水")
    assert re.fullmatch(r"ORD-\d{4}-\d{6}", order.code)
    assert (order.order_type, order.status, order.created_by) == (
        OrderType.NEW, OrderStatus.DRAFT, world.pm)
    assert list(order.lines.values_list("line_no", "quantity", "unit")) == [
        (1, Decimal("12.500"), "吨"), (2, Decimal("3.000"), "根")]
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("orders:detail", args=[order.pk])
    assert "类型：新建——未引用已有订单，按新建处理" in page


def test_it_skips_the_empty_rows_of_the_form(world, login):
    login(world.pm).post(CREATE, _form(world, lines=[
        {"material": "", "quantity": ""}, {"material": world.material.code, "quantity": "2"},
        {"material": "", "quantity": "", "unit": "", "needed_by": ""}]))
    order = Order.objects.get(title="B2 外墙防水")
    assert order.lines.count() == 1


def test_it_creates_a_change_order_by_the_parent_code_and_shows_its_delta(world, orders, login):
    with acting(Channel.TEST):
        rebar = Material.objects.create(code="MAT-GJ-T009", name="HRB400 盘螺", unit="吨",
                                        category=world.category)
    parent = orders.order
    client = login(world.pm)
    client.post(CREATE, _form(world, parent_code=parent.code, title=parent.title,
                              promised_date=parent.promised_date.isoformat(),
                              budget_amount="90000", lines=[
                                  {"material": world.material.code, "quantity": "15"},
                                  {"material": rebar.code, "quantity": "2"}]))
    change = Order.objects.get(parent=parent)
    assert change.order_type == OrderType.CHANGE
    assert change.type_reason == f"引用了订单编号 {parent.code}，判断为变更"
    page = client.get(reverse("orders:detail", args=[change.pk])).content.decode()
    assert f"与原订单 {parent.code} 的差异" in page
    delta = client.get(reverse("orders:detail", args=[change.pk])).context["delta"]
    assert [(f.label, f.before, f.after) for f in delta.fields if f.changed] == [
        ("预算金额（元）", "86,000.00", "90,000.00")]
    assert [(d.kind, d.before, d.after) for d in delta.lines] == [
        ("changed", "12.5 吨", "15 吨"), ("added", "—", "2 吨")]
    parent_page = client.get(reverse("orders:detail", args=[parent.pk])).content.decode()
    assert change.code in parent_page


def test_it_starts_a_change_from_the_parent_and_recognises_an_extension(world, orders, login):
    parent = orders.order
    client = login(world.pm)
    form = client.get(CREATE, {"parent": parent.code}).context["form"]
    assert form.initial["parent_code"] == parent.code
    later = parent.promised_date + timedelta(days=10)
    client.post(CREATE, _form(world, parent_code=parent.code, title=parent.title,
                              budget_amount="86000", promised_date=later.isoformat(),
                              **{f"{LINES_PREFIX}-INITIAL_FORMS": "1"},
                              lines=[{"material": world.material.code, "quantity": "12.5"}]))
    extension = Order.objects.get(parent=parent)
    assert (extension.order_type, extension.extension_state) == (
        OrderType.EXTENSION, ExtensionState.PENDING)
    assert extension.proposed_date == later and extension.lines.count() == 0
    page = login(world.manager).get(reverse("orders:detail", args=[extension.pk]))
    assert "批准延期" in page.content.decode()
    assert not page.context["delta"].lines_restated


def test_it_lets_the_submitter_correct_the_type(world, orders, login):
    parent = orders.order
    login(world.pm).post(CREATE, _form(world, parent_code=parent.code, order_type="change",
                                       promised_date=(parent.promised_date + timedelta(days=3)
                                                      ).isoformat(),
                                       budget_amount="86000"))
    order = Order.objects.get(parent=parent)
    assert order.order_type == OrderType.CHANGE
    assert order.type_reason.startswith("提交人指定为“变更”")


BAD_INPUTS = [
    ({"customer": ""}, [], "customer", "请选择客户。"),
    ({"site": "other_site"}, [], "site", "工地不属于所选项目。"),
    ({}, [{"material": "MAT-GJ-T001", "quantity": "-2"}], "lines-0-quantity",
     "数量必须大于 0。"),
    ({}, [{"material": "NOPE-404", "quantity": "2"}], "lines-0-material",
     "找不到编码为 NOPE-404 的物料（或已停用）。"),
    ({"parent_code": "ORD-1999-000001"}, [], "parent_code",
     "找不到引用的原订单 ORD-1999-000001。"),
]


@pytest.mark.parametrize(("header", "lines", "field", "message"), BAD_INPUTS,
                         ids=["no-customer", "site-of-other-project", "negative-quantity",
                              "unknown-material", "unknown-parent"])
def test_it_shows_the_error_on_its_field_and_writes_nothing(world, login, header, lines,
                                                            field, message):
    if header.get("site") == "other_site":
        header = {"site": world.other_site.pk}
    client = login(world.manager)
    before = _counts()
    response = client.post(CREATE, _form(world, lines=lines, **header))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    feedback = re.search(rf'id="id_{field}_error">(.*?)</div>', page, re.S)
    assert feedback is not None and message in feedback.group(1)
    assert _counts() == before


def test_it_refuses_a_project_the_user_does_not_work_in(world, login):
    client = login(world.pm)
    before = _counts()
    response = client.post(CREATE, _form(world, customer=world.other_customer.pk,
                                                  project=world.other_project.pk, site=""))
    assert "所选项目不存在或您无权使用。" in response.content.decode()
    assert _counts() == before


def test_it_puts_a_service_line_error_on_the_line_it_names(world):
    form = OrderForm(_form(world), user=world.manager)
    assert form.is_valid()
    formset = LineFormSet(_form(world, lines=[{"material": world.material.code,
                                               "quantity": "1"}] * 2),
                          prefix=LINES_PREFIX, form_kwargs={"materials": materials_for(
                              world.manager)})
    assert formset.is_valid()
    _show_errors(form, formset.forms, ValidationError({"lines.2.quantity": "太多了",
                                                       "lines.1.notes": "备注太长",
                                                       "title": "标题不对"}))
    assert formset.forms[1].errors["quantity"] == ["太多了"]
    assert formset.forms[0].non_field_errors() == ["备注太长"]
    assert form.errors["title"] == ["标题不对"]


def test_it_edits_a_draft_and_replaces_its_lines(world, login):
    with acting(Channel.TEST):
        order = draft_order(world, actor=world.pm)
    client = login(world.pm)
    url = reverse("orders:edit", args=[order.pk])
    assert client.get(url).context["formset"].initial[0]["material"] == world.material
    data = _form(world, title="改过的标题", version=str(order.version),
                 lines=[{"material": world.material.code, "quantity": "20"}])
    response = client.post(url, data)
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.title, order.version) == ("改过的标题", 2)
    assert list(order.lines.values_list("quantity", flat=True)) == [Decimal("20.000")]


def test_it_refuses_a_stale_edit_and_writes_nothing(world, login):
    with acting(Channel.TEST):
        order = draft_order(world, actor=world.pm)
        services.update_order(order, actor=world.manager, data={"title": "别人先改了"},
                              expected_version=order.version)
    client = login(world.pm)
    before = _counts()
    response = client.post(reverse("orders:edit", args=[order.pk]),
                                    _form(world, title="晚了", version=str(order.version),
                                          lines=[{"material": world.material.code,
                                                  "quantity": "12.5"}],
                                          **{f"{LINES_PREFIX}-INITIAL_FORMS": "1"}))
    page = response.content.decode()
    assert "该订单已被 manager 于" in page and "（当前版本 2），请刷新后重新编辑。" in page
    assert _counts() == before
    assert Order.objects.get(pk=order.pk).title == "别人先改了"


def test_it_refuses_to_edit_an_assigned_order_with_the_reason(world, orders, login):
    client = login(world.pm)
    url = reverse("orders:edit", args=[orders.order.pk])
    page = client.get(url).content.decode()
    assert "“已分派”状态的订单不能直接修改" in page and "提交变更订单" in page
    before = _counts()
    response = client.post(url, _form(world, title="偷偷改", version=str(orders.order.version)))
    assert "“已分派”状态的订单不能直接修改" in response.content.decode()
    assert _counts() == before
    assert Order.objects.get(pk=orders.order.pk).title != "偷偷改"


def test_it_refuses_the_form_to_a_role_that_may_not_add_orders(world, login):
    client = login(world.worker)
    assert client.get(CREATE).status_code == 403
    before = _counts()
    assert client.post(CREATE, _form(world)).status_code == 403
    assert _counts() == before


def test_it_offers_materials_by_code_and_date_pickers(world, login):
    page = login(world.pm).get(CREATE).content.decode()
    assert f'<option value="{world.material.code}" data-unit="吨">' in page
    assert 'type="date" name="promised_date"' in page
