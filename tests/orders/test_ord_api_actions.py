"""Order actions by API: transitions (409 with the allowed statuses), assignment,
extension decisions and comments."""

import json

import pytest

from eoms.audit.models import AuditEntry
from eoms.orders.choices import ExtensionState, OrderStatus, OrderType
from eoms.orders.models import Order, OrderComment
from eoms.testing.orders_world import build_orders, draft_order

URL = "/api/v1/orders"


@pytest.fixture
def world(module_world, db):
    return module_world


@pytest.fixture
def orders(world, ctx):
    return build_orders(world)


def _post(client, path, body, **headers):
    return client.post(f"{URL}/{path}", data=json.dumps(body), content_type="application/json",
                       headers=headers)


def test_it_moves_an_order_to_an_allowed_status(world, login, orders):
    response = _post(login(world.pm), f"{orders.order.pk}/transition", {"to": "in_progress"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_progress"
    orders.order.refresh_from_db()
    assert orders.order.status == OrderStatus.IN_PROGRESS
    entry = AuditEntry.objects.for_object(orders.order).order_by("-seq").first()
    assert entry.event == "order.in_progress"


def test_it_answers_409_with_the_allowed_statuses(world, login, orders):
    client = login(world.manager)
    before = AuditEntry.objects.count()
    response = _post(client, f"{orders.order.pk}/transition", {"to": "closed"})
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["allowed"] == ["in_progress", "on_hold", "cancelled"]
    assert "不能改为“已关闭”" in body["detail"]
    orders.order.refresh_from_db()
    assert orders.order.status == OrderStatus.ASSIGNED
    assert AuditEntry.objects.count() == before


def test_it_forbids_a_transition_the_role_may_not_make(world, login, orders):
    response = _post(login(world.qc), f"{orders.order.pk}/transition", {"to": "in_progress"})
    assert response.status_code == 403
    orders.order.refresh_from_db()
    assert orders.order.status == OrderStatus.ASSIGNED


def test_it_asks_for_the_reason_of_a_hold(world, login, orders):
    response = _post(login(world.pm), f"{orders.order.pk}/transition", {"to": "on_hold"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["reason"]
    orders.order.refresh_from_db()
    assert orders.order.status == OrderStatus.ASSIGNED


def test_it_holds_with_a_reason(world, login, orders):
    body = {"to": "on_hold", "reason": "业主暂停施工"}
    assert _post(login(world.pm), f"{orders.order.pk}/transition", body).status_code == 200
    entry = AuditEntry.objects.for_object(orders.order).order_by("-seq").first()
    assert entry.reason == "业主暂停施工"


def test_it_names_an_unknown_status(world, login, orders):
    response = _post(login(world.pm), f"{orders.order.pk}/transition", {"to": "done"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "to"


def test_it_checks_if_match_on_a_transition_when_given(world, login, orders):
    response = _post(login(world.pm), f"{orders.order.pk}/transition", {"to": "in_progress"},
                     **{"If-Match": '"1"'})
    assert response.status_code == 412


def test_it_hides_the_transition_of_an_order_outside_the_scope(world, login, orders):
    response = _post(login(world.pm), f"{orders.other_order.pk}/transition",
                     {"to": "in_progress"})
    assert response.status_code == 404


def test_it_reassigns_with_a_reason(world, login, orders, ctx):
    order = orders.other_order
    response = _post(login(world.manager), f"{order.pk}/assign",
                     {"owner": "pm", "reason": "陈经理休假"})
    assert response.status_code == 200, response.content
    assert response.json()["owner"] == "pm"
    order.refresh_from_db()
    assert order.owner == world.pm and "陈经理休假" in order.assignment_note


def test_it_names_the_missing_reason_of_a_reassignment(world, login, orders):
    response = _post(login(world.manager), f"{orders.other_order.pk}/assign", {"owner": "pm"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["reason"]


def test_it_names_an_owner_who_is_no_project_manager(world, login, orders):
    response = _post(login(world.manager), f"{orders.order.pk}/assign",
                     {"owner": "finance", "reason": "试试"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["owner"]


def test_it_names_an_unknown_owner(world, login, orders):
    response = _post(login(world.manager), f"{orders.order.pk}/assign",
                     {"owner": "nobody", "reason": "试试"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "owner"


def test_it_forbids_reassignment_to_a_project_manager(world, login, orders):
    response = _post(login(world.pm), f"{orders.order.pk}/assign",
                     {"owner": "other_pm", "reason": "我忙"})
    assert response.status_code == 403


def _extension(world, parent):
    return draft_order(world, title="延期申请", parent_code=parent.code, lines=[],
                       budget_amount=0, promised_date="2027-06-30",
                       requested_date="2027-06-30")


def test_it_approves_an_extension(world, login, orders, ctx):
    extension = _extension(world, orders.order)
    assert extension.order_type == OrderType.EXTENSION
    response = _post(login(world.manager), f"{extension.pk}/extension", {"approve": True})
    assert response.status_code == 200, response.content
    assert response.json()["extension_state"] == ExtensionState.APPROVED
    assert str(Order.objects.get(pk=orders.order.pk).promised_date) == "2027-06-30"


def test_it_asks_for_the_reason_of_a_rejected_extension(world, login, orders, ctx):
    extension = _extension(world, orders.order)
    response = _post(login(world.manager), f"{extension.pk}/extension", {"approve": False})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["reason"]


def test_it_answers_409_for_an_order_without_a_pending_extension(world, login, orders):
    response = _post(login(world.manager), f"{orders.order.pk}/extension", {"approve": True})
    assert response.status_code == 409


def test_it_adds_and_lists_comments(world, login, orders):
    client = login(world.client)
    response = _post(client, f"{orders.order.pk}/comments", {"text": "请尽快安排"})
    assert response.status_code == 201, response.content
    assert response.json()["author"] == "client"
    listed = client.get(f"{URL}/{orders.order.pk}/comments").json()
    assert [c["text"] for c in listed["results"]] == ["请尽快安排"]


def test_it_names_an_empty_comment(world, login, orders):
    response = _post(login(world.pm), f"{orders.order.pk}/comments", {"text": ""})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "text"
    assert not OrderComment.objects.exists()


def test_it_forbids_comments_to_the_auditor(world, login, orders):
    response = _post(login(world.auditor), f"{orders.order.pk}/comments", {"text": "审计意见"})
    assert response.status_code == 403
