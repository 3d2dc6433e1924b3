"""The staff order list and board: scoping, filters, saved filters, export, query counts."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from eoms.audit.models import AuditEntry
from eoms.core.context import Channel, acting
from eoms.orders import services
from eoms.orders.choices import OrderStatus
from eoms.orders.models import Order, SavedFilter
from eoms.testing.orders_world import build_orders, draft_order
from eoms.testing.queries import page_size_independent
from eoms.testing.routes_order_pages import MAKERS

LIST = reverse("orders:list")


@pytest.fixture
def world(module_world, db):
    return module_world


@pytest.fixture
def orders(world):
    return build_orders(world)


def _codes(response):
    return [row["obj"].code for row in response.context["rows"]]


def test_it_shows_a_project_manager_his_projects_orders_only(world, orders, login):
    response = login(world.pm).get(LIST)
    assert response.status_code == 200
    assert _codes(response) == [orders.order.code]
    assert orders.other_order.code not in response.content.decode()


def test_it_shows_a_customers_user_only_his_customers_orders(world, orders, login):
    response = login(world.client).get(LIST)
    assert _codes(response) == [orders.order.code]
    other = login(world.outsider).get(LIST)
    assert _codes(other) == [orders.other_order.code]


def test_it_refuses_the_list_to_a_site_worker(world, orders, login):
    assert login(world.worker).get(LIST).status_code == 403


def test_it_answers_404_for_an_order_outside_the_users_scope(world, orders, login):
    url = reverse("orders:detail", args=[orders.order.pk])
    response = login(world.outsider).get(url)
    assert response.status_code == 404
    assert orders.order.code not in response.content.decode()
    assert login(world.pm).get(reverse("orders:detail", args=[orders.other_order.pk])
                                ).status_code == 404


def test_it_filters_by_status_and_search(world, orders, login):
    with acting(Channel.TEST):
        draft = draft_order(world, title="屋面防水专项")
    client = login(world.manager)
    assert _codes(client.get(LIST, {"status": OrderStatus.DRAFT})) == [draft.code]
    assert _codes(client.get(LIST, {"q": "屋面"})) == [draft.code]
    assert _codes(client.get(LIST, {"q": draft.code.lower()})) == [draft.code]


def test_it_filters_overdue_orders(world, orders, login):
    past = timezone.localdate() - timedelta(days=3)
    with acting(Channel.TEST):
        late = draft_order(world, title="逾期订单", requested_date=past, promised_date=past)
        done = draft_order(world, title="已取消的逾期订单", requested_date=past,
                           promised_date=past)
        services.transition(done, OrderStatus.CANCELLED, actor=world.manager, reason="不做了")
    client = login(world.manager)
    overdue = client.get(LIST, {"overdue": "1"})
    assert _codes(overdue) == [late.code]
    assert late.code in _codes(client.get(LIST)) and done.code in _codes(client.get(LIST))
    assert late.code not in _codes(client.get(LIST, {"overdue": "0"}))
    assert "text-danger" in overdue.content.decode()


def test_it_lists_the_unassigned_queue_for_managers(world, orders, login):
    with acting(Channel.TEST):
        waiting = draft_order(world, title="等待分派")
        orders.rule.active = False
        orders.rule.save()
        services.transition(waiting, OrderStatus.SUBMITTED, actor=world.manager)
    response = login(world.manager).get(LIST, {"status": "submitted", "owner": "none"})
    assert _codes(response) == [waiting.code]
    labels = [link["label"] for link in response.context["quick_filters"]]
    assert "待分派" in labels
    assert "待分派" not in [link["label"] for link in
                          login(world.pm).get(LIST).context["quick_filters"]]


def test_it_saves_the_current_filter_as_a_quick_link(world, orders, login):
    client = login(world.pm)
    response = client.post(reverse("orders:save_filter"),
                           {"name": "我的逾期", "query": "overdue=1&page=3&evil=<x>"},
                           follow=True)
    saved = SavedFilter.objects.get(user=world.pm)
    assert (saved.name, saved.query) == ("我的逾期", "overdue=1")
    assert "已保存常用筛选" in response.content.decode()
    page = client.get(LIST)
    assert f'href="{LIST}?overdue=1"' in page.content.decode()


def test_it_refuses_a_duplicate_filter_name_with_a_clear_message(world, orders, login):
    client = login(world.pm)
    client.post(reverse("orders:save_filter"), {"name": "P1", "query": "priority=P1"})
    before = (SavedFilter.objects.count(), AuditEntry.objects.count())
    response = client.post(reverse("orders:save_filter"), {"name": "P1", "query": "status=draft"},
                           follow=True)
    assert "已有名为“P1”的常用筛选，请换一个名称。" in response.content.decode()
    assert (SavedFilter.objects.count(), AuditEntry.objects.count()) == before
    empty = client.post(reverse("orders:save_filter"), {"name": " ", "query": "status=draft"},
                        follow=True)
    assert "请给这个筛选起个名称。" in empty.content.decode()
    assert SavedFilter.objects.count() == before[0]


def test_it_deletes_only_the_users_own_saved_filter(world, orders, login):
    with acting(Channel.TEST):
        mine = SavedFilter.objects.create(user=world.pm, name="我的", query="status=draft")
    url = reverse("orders:delete_filter", args=[mine.pk])
    assert login(world.manager).post(url).status_code == 404
    assert login(world.pm).post(url).status_code == 302
    assert not SavedFilter.objects.filter(pk=mine.pk).exists()


def test_it_exports_the_filtered_orders_as_excel(world, orders, login):
    with acting(Channel.TEST):
        draft = draft_order(world, title="导出草稿")
    response = login(world.manager).get(reverse("orders:export"), {"status": "draft"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    assert rows[0][:4] == ["订单编号", "标题", "订单类型", "状态"]
    assert [r[:4] for r in rows[1:]] == [[draft.code, "导出草稿", "新建", "草稿"]]


def test_it_exports_only_what_a_project_manager_sees(world, orders, login):
    response = login(world.pm).get(reverse("orders:export"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    codes = [r[0] for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert codes == [orders.order.code]
    assert login(world.client).get(reverse("orders:export")).status_code == 403


def test_it_shows_the_board_with_a_column_per_step_and_on_hold(world, orders, login):
    response = login(world.manager).get(reverse("orders:board"))
    assert response.status_code == 200
    columns = response.context["columns"]
    assert [c["status"] for c in columns] == [
        "draft", "submitted", "assigned", "in_progress", "inspection", "delivered", "closed",
        "on_hold"]
    assigned = columns[2]
    assert assigned["total"] == 2
    assert {o.code for o in assigned["cards"]} == {orders.order.code, orders.other_order.code}
    assert orders.order.code in response.content.decode()


def test_it_caps_a_board_column_and_links_to_the_rest(world, orders, login):
    MAKERS[Order](world, 12, world.manager)
    response = login(world.manager).get(reverse("orders:board"),
                                        {"page_size": "10", "priority": "P3"})
    submitted = response.context["columns"][1]
    assert (submitted["total"], len(submitted["cards"]), submitted["more"]) == (12, 10, 2)
    assert "status=submitted" in submitted["list_url"] and "priority=P3" in submitted["list_url"]
    assert "还有 2 个，在列表中查看" in response.content.decode()


def test_it_costs_the_same_queries_for_10_and_100_orders(world, orders, login):
    for user in (world.manager, world.pm, world.client):
        page_size_independent(login(user), LIST,
                              lambda n, u=user: MAKERS[Order](world, n, u))


def test_it_costs_the_same_queries_on_the_board_for_10_and_100_cards(world, orders, login):
    page_size_independent(login(world.pm), reverse("orders:board"),
                          lambda n: MAKERS[Order](world, n, world.pm))
