"""What is done from the order page: status changes (with reasons, refused ones with a
clear message), reassignment with notification, extension approval, comments, timeline."""

from datetime import timedelta

import pytest
from django.urls import reverse

from eoms.audit.models import AuditEntry
from eoms.core.context import Channel, acting
from eoms.core.models import Notification
from eoms.orders.choices import ExtensionState, OrderStatus
from eoms.orders.models import Order, OrderComment
from eoms.testing.orders_world import build_orders, draft_order


@pytest.fixture
def world(module_world, db):
    return module_world


@pytest.fixture
def orders(world):
    return build_orders(world)


def _transition(client, order, target, reason=None):
    data = {"target": target} if reason is None else {"target": target, "reason": reason}
    return client.post(reverse("orders:transition", args=[order.pk]), data, follow=True)


def _status(order):
    return Order.objects.get(pk=order.pk).status


def _snapshot(order):
    fresh = Order.objects.get(pk=order.pk)
    return fresh.status, fresh.version, fresh.owner_id, AuditEntry.objects.count()


def test_it_offers_the_owner_the_changes_his_role_allows(world, orders, login):
    page = login(world.pm).get(reverse("orders:detail", args=[orders.order.pk]))
    assert [t["target"] for t in page.context["transitions"]] == ["in_progress", "on_hold"]
    assert [t["needs_reason"] for t in page.context["transitions"]] == [False, True]
    assert "开始实施" in page.content.decode()
    qc = login(world.qc).get(reverse("orders:detail", args=[orders.order.pk]))
    assert qc.context["transitions"] == []


def test_it_moves_the_order_and_says_so(world, orders, login):
    response = _transition(login(world.pm), orders.order, OrderStatus.IN_PROGRESS)
    assert _status(orders.order) == OrderStatus.IN_PROGRESS
    assert "订单 %s 已改为“进行中”。" % orders.order.code in response.content.decode()
    assert AuditEntry.objects.filter(event="order.in_progress",
                                     object_id=str(orders.order.pk)).exists()


def test_it_asks_for_the_reason_a_hold_needs_and_writes_nothing_without(world, orders, login):
    client = login(world.pm)
    before = _snapshot(orders.order)
    response = _transition(client, orders.order, OrderStatus.ON_HOLD, reason="  ")
    assert response.status_code == 200
    assert "此操作需要填写原因。" in response.content.decode()
    assert response.context["form"].errors["reason"] == ["此操作需要填写原因。"]
    assert _snapshot(orders.order) == before
    _transition(client, orders.order, OrderStatus.ON_HOLD, reason="业主图纸未确认")
    assert _status(orders.order) == OrderStatus.ON_HOLD
    entry = AuditEntry.objects.get(event="order.on_hold", object_id=str(orders.order.pk))
    assert entry.reason == "业主图纸未确认"


def test_it_explains_an_invalid_transition_and_changes_nothing(world, orders, login):
    client = login(world.manager)
    before = _snapshot(orders.order)
    response = _transition(client, orders.order, OrderStatus.CLOSED)
    page = response.content.decode()
    assert f"订单 {orders.order.code} 当前为“已分派”，不能改为“已关闭”。" in page
    assert "可选：进行中、已暂停、已取消。" in page
    assert _snapshot(orders.order) == before


def test_it_tells_a_role_that_may_not_make_the_change(world, orders, login):
    client = login(world.qc)
    before = _snapshot(orders.order)
    response = _transition(client, orders.order, OrderStatus.IN_PROGRESS)
    assert "您的角色不能把订单从“已分派”改为“进行中”。" in response.content.decode()
    assert _snapshot(orders.order) == before


def test_it_refuses_status_changes_to_read_only_roles(world, orders, login):
    client, outsider = login(world.finance), login(world.outsider)
    before = _snapshot(orders.order)
    url = reverse("orders:transition", args=[orders.order.pk])
    assert client.post(url, {"target": "in_progress"}).status_code == 403
    assert client.get(url).status_code == 403
    assert outsider.post(url, {"target": "cancelled", "reason": "x"}).status_code == 404
    assert _snapshot(orders.order) == before


def test_it_offers_a_reason_page_without_javascript(world, orders, login):
    page = login(world.manager).get(reverse("orders:transition", args=[orders.order.pk]),
                                    {"target": "cancelled"})
    assert page.status_code == 200
    assert page.context["form"].initial["target"] == "cancelled"
    assert '<textarea name="reason"' in page.content.decode()


def test_it_reassigns_with_a_reason_and_notifies_the_new_owner(world, orders, login):
    client = login(world.manager)
    response = client.post(reverse("orders:assign", args=[orders.order.pk]),
                           {"owner": world.other_pm.pk, "reason": "李项目休假"}, follow=True)
    order = Order.objects.get(pk=orders.order.pk)
    assert order.owner == world.other_pm and order.assigned_by_rule is None
    assert "李项目休假" in order.assignment_note
    assert "并已通知他" in response.content.decode()
    assert Notification.objects.filter(user=world.other_pm, kind="order.assigned",
                                       title__contains=order.code).count() == 1
    entry = AuditEntry.objects.get(event="order.reassigned", object_id=str(order.pk))
    assert entry.reason == "李项目休假"


def test_it_refuses_a_reassignment_without_reason_writing_nothing(world, orders, login):
    client = login(world.manager)
    before = (_snapshot(orders.order), Notification.objects.count())
    response = client.post(reverse("orders:assign", args=[orders.order.pk]),
                           {"owner": world.other_pm.pk, "reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["人工分派需要填写原因。"]
    same = client.post(reverse("orders:assign", args=[orders.order.pk]),
                       {"owner": world.pm.pk, "reason": "再派一次"})
    assert "李项目 (pm) 已是该订单的负责人。" in same.content.decode()
    assert (_snapshot(orders.order), Notification.objects.count()) == before


def test_it_lets_only_managers_assign(world, orders, login):
    url = reverse("orders:assign", args=[orders.order.pk])
    client = login(world.pm)
    assert client.get(url).status_code == 403
    assert client.post(url, {"owner": world.other_pm.pk, "reason": "x"}).status_code == 403
    assert Order.objects.get(pk=orders.order.pk).owner == world.pm


def _extension(world, parent):
    with acting(Channel.TEST):
        return draft_order(world, actor=world.pm, lines=[], title="延期申请",
                           parent_code=parent.code,
                           promised_date=parent.promised_date + timedelta(days=20))


def test_it_approves_an_extension_and_moves_the_parents_date(world, orders, login):
    extension = _extension(world, orders.order)
    new_date = orders.order.promised_date + timedelta(days=20)
    response = login(world.manager).post(reverse("orders:extension", args=[extension.pk]),
                                         {"decision": "approve"}, follow=True)
    assert "已批准延期" in response.content.decode()
    assert Order.objects.get(pk=orders.order.pk).promised_date == new_date
    assert Order.objects.get(pk=extension.pk).extension_state == ExtensionState.APPROVED


def test_it_needs_a_reason_to_reject_an_extension(world, orders, login):
    extension = _extension(world, orders.order)
    client = login(world.manager)
    response = client.post(reverse("orders:extension", args=[extension.pk]),
                           {"decision": "reject", "reason": ""}, follow=True)
    assert "驳回需要填写原因。" in response.content.decode()
    assert Order.objects.get(pk=extension.pk).extension_state == ExtensionState.PENDING
    assert login(world.pm).post(reverse("orders:extension", args=[extension.pk]),
                                {"decision": "approve"}).status_code == 403


def test_it_adds_a_comment_and_shows_it(world, orders, login):
    client = login(world.client)
    response = client.post(reverse("orders:comment", args=[orders.order.pk]),
                           {"text": "周三上午可以进场"}, follow=True)
    assert OrderComment.objects.get(order=orders.order).created_by == world.client
    assert "周三上午可以进场" in response.content.decode()


def test_it_refuses_an_empty_comment_and_a_read_only_role(world, orders, login):
    url = reverse("orders:comment", args=[orders.order.pk])
    response = login(world.pm).post(url, {"text": "   "}, follow=True)
    assert "请填写备注内容。" in response.content.decode()
    assert login(world.auditor).post(url, {"text": "审计意见"}).status_code == 403
    assert not OrderComment.objects.exists()


def test_it_builds_the_timeline_from_the_order_its_lines_and_comments(world, orders, login):
    client = login(world.pm)
    client.post(reverse("orders:comment", args=[orders.order.pk]), {"text": "时间线备注"})
    history = client.get(reverse("orders:detail", args=[orders.order.pk])).context["history"]
    events = [h.event for h in history]
    assert events[0] == "order.commented"
    assert {"order.created", "order.submitted", "order.assigned"} <= set(events)
    assert any(h.object_repr.startswith(f"{orders.order.code}#1") for h in history)
    assert not any(orders.other_order.code in h.object_repr for h in history)
