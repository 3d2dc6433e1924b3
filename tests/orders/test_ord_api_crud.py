"""The orders API: create by code, read with an ETag, list with filters, edit with If-Match."""

import json

import pytest

from eoms.audit.models import AuditEntry
from eoms.orders.choices import OrderStatus, OrderType, Source
from eoms.orders.models import Order
from eoms.testing.orders_world import build_orders, draft_order

URL = "/api/v1/orders"


@pytest.fixture
def world(module_world, db):
    return module_world


def _post(client, body, **headers):
    return client.post(URL, data=json.dumps(body), content_type="application/json",
                       headers=headers)


def _patch(client, pk, body, **headers):
    return client.patch(f"{URL}/{pk}", data=json.dumps(body), content_type="application/json",
                        headers=headers)


BODY = {"title": "二号楼外墙保温", "customer": "CUS-T0001", "project": "PRJ-T001",
        "site": "SITE-T01", "priority": "P2", "promised_date": "2026-12-01",
        "budget_amount": "52000.00",
        "lines": [{"material": "MAT-GJ-T001", "quantity": "3.5", "needed_by": "2026-11-20"},
                  {"material": "MAT-GJ-T001", "quantity": 2, "unit": "根"}]}


def test_it_creates_an_order_named_by_codes(world, login):
    response = _post(login(world.pm), BODY)
    assert response.status_code == 201, response.content
    order = Order.objects.get(title="二号楼外墙保温")
    assert response["Location"] == f"{URL}/{order.pk}"
    assert response["ETag"] == '"1"'
    assert (order.customer, order.project, order.site) == (world.customer, world.project,
                                                           world.site)
    assert order.source == Source.API and order.status == OrderStatus.DRAFT
    assert list(order.lines.values_list("quantity", "unit")) == [(3.5, "吨"), (2, "根")]
    body = response.json()
    assert body["code"] == order.code and body["lines"][0]["material"] == "MAT-GJ-T001"
    assert body["order_type"] == "new" and body["type_reason"]


def test_it_takes_the_customer_from_the_project_when_not_named(world, login):
    body = {"title": "采购钢筋", "project": "PRJ-T001", "budget_amount": "100"}
    response = _post(login(world.buyer), body)
    assert response.status_code == 201, response.content
    assert response.json()["customer"] == "CUS-T0001"


def test_it_recognises_a_change_of_an_existing_order(world, login, ctx):
    parent = draft_order(world)
    body = {"title": "底板加厚", "parent_code": parent.code, "budget_amount": "99000",
            "lines": [{"material": "MAT-GJ-T001", "quantity": 20}]}
    response = _post(login(world.pm), body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["order_type"] == OrderType.CHANGE and data["parent"] == parent.code
    assert parent.code in data["type_reason"]
    assert data["project"] == "PRJ-T001"


def test_it_lets_the_submitter_correct_the_type(world, login, ctx):
    parent = draft_order(world)
    body = {"title": "只改日期", "parent_code": parent.code, "promised_date": "2027-03-01",
            "order_type": "change"}
    data = _post(login(world.manager), body).json()
    assert data["order_type"] == "change" and "提交人指定" in data["type_reason"]


def test_it_submits_on_request_and_the_rules_assign(world, login, ctx):
    build_orders(world)
    response = _post(login(world.pm), {**BODY, "submit": True})
    data = response.json()
    assert data["status"] == OrderStatus.ASSIGNED and data["owner"] == "pm"
    assert "兜底" in data["assignment_note"]


def test_it_answers_one_order_with_its_etag_and_next_statuses(world, login, ctx):
    orders = build_orders(world)
    response = login(world.pm).get(f"{URL}/{orders.order.pk}")
    assert response.status_code == 200
    assert response["ETag"] == f'"{orders.order.version}"'
    data = response.json()
    assert data["owner"] == "pm" and data["allowed_transitions"] == ["in_progress", "on_hold"]
    assert len(data["lines"]) == 1


def test_it_hides_an_order_outside_the_users_scope(world, login, ctx):
    orders = build_orders(world)
    assert login(world.pm).get(f"{URL}/{orders.other_order.pk}").status_code == 404
    assert login(world.outsider).get(f"{URL}/{orders.order.pk}").status_code == 404


@pytest.mark.parametrize(("who", "sees"), [("pm", {"order"}), ("client", {"order"}),
                                           ("outsider", {"other"}), ("other_pm", {"other"}),
                                           ("manager", {"order", "other"})])
def test_it_lists_only_the_orders_in_the_users_scope(world, login, ctx, who, sees):
    orders = build_orders(world)
    codes = {"order": orders.order.code, "other": orders.other_order.code}
    response = login(world.users[who]).get(URL)
    assert response.status_code == 200
    listed = {r["code"] for r in response.json()["results"]}
    assert listed == {codes[k] for k in sees}


def test_it_forbids_the_list_to_a_worker(world, login):
    assert login(world.worker).get(URL).status_code == 403


def test_it_filters_the_list(world, login, ctx):
    orders = build_orders(world)
    draft_order(world, title="草稿中的订单", priority="P1")
    client = login(world.manager)

    def codes(**params):
        return {r["code"] for r in client.get(URL, params).json()["results"]}

    assert codes(status="assigned") == {orders.order.code, orders.other_order.code}
    assert codes(owner="other_pm") == {orders.other_order.code}
    assert codes(project="PRJ-T002", customer="CUS-T0002") == {orders.other_order.code}
    assert len(codes(priority="P1", type="new", status="draft")) == 1
    assert codes(q="配电箱") == {orders.other_order.code}
    assert codes(overdue=True) == set()


def test_it_lists_overdue_orders(world, login, ctx):
    late = draft_order(world, title="逾期订单", promised_date="2020-01-01",
                       requested_date="2020-01-01")
    client = login(world.manager)
    assert [r["code"] for r in client.get(URL, {"overdue": "true"}).json()["results"]] == [
        late.code]
    assert late.code not in {r["code"] for r in client.get(URL, {"overdue": "false"}).json()[
        "results"]}


def test_it_orders_the_list_by_an_indexed_field_only(world, login, ctx):
    draft_order(world, title="甲", promised_date="2026-12-01")
    draft_order(world, title="乙", promised_date="2026-11-01")
    client = login(world.manager)
    rows = client.get(URL, {"ordering": "promised_date"}).json()["results"]
    assert [r["title"] for r in rows] == ["乙", "甲"]
    refused = client.get(URL, {"ordering": "title"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "ordering"


def test_it_pages_the_list_with_links(world, login, ctx):
    for i in range(3):
        draft_order(world, title=f"分页订单{i}")
    data = login(world.manager).get(URL, {"page_size": 2}).json()
    assert data["count"] == 3 and len(data["results"]) == 2
    assert "page=2" in data["next"] and data["previous"] is None


def test_it_updates_with_if_match(world, login, ctx):
    order = draft_order(world)
    response = _patch(login(world.pm), order.pk, {"title": "底板防水（修订）", "site": "SITE-T01"},
                      **{"If-Match": f'"{order.version}"'})
    assert response.status_code == 200, response.content
    order.refresh_from_db()
    assert (order.title, order.site, order.version) == ("底板防水（修订）", world.site, 2)
    assert response["ETag"] == '"2"'


def test_it_replaces_the_lines_on_update(world, login, ctx):
    order = draft_order(world)
    body = {"lines": [{"material": "MAT-GJ-T001", "quantity": 7}]}
    response = _patch(login(world.pm), order.pk, body, **{"If-Match": '"1"'})
    assert response.status_code == 200
    assert list(order.lines.values_list("quantity", flat=True)) == [7]


def test_it_asks_for_if_match_on_update(world, login, ctx):
    order = draft_order(world)
    client = login(world.pm)
    before = AuditEntry.objects.count()
    response = _patch(client, order.pk, {"title": "无版本"})
    assert response.status_code == 428
    assert response["Content-Type"] == "application/problem+json"
    order.refresh_from_db()
    assert order.title != "无版本" and AuditEntry.objects.count() == before


def test_it_refuses_a_stale_if_match(world, login, ctx):
    order = draft_order(world)
    client = login(world.pm)
    _patch(client, order.pk, {"title": "第一次"}, **{"If-Match": '"1"'})
    response = _patch(client, order.pk, {"title": "第二次"}, **{"If-Match": '"1"'})
    assert response.status_code == 412
    order.refresh_from_db()
    assert order.title == "第一次"


def test_it_refuses_editing_an_assigned_order(world, login, ctx):
    order = build_orders(world).order
    response = _patch(login(world.manager), order.pk, {"title": "改不了"},
                      **{"If-Match": f'"{order.version}"'})
    assert response.status_code == 409
    assert "变更订单" in response.json()["detail"]


def test_it_forbids_editing_to_a_role_without_the_change_right(world, login, ctx):
    order = draft_order(world)
    response = _patch(login(world.finance), order.pk, {"title": "财务改"}, **{"If-Match": '"1"'})
    assert response.status_code == 403
