"""The Gantt pages: the project picker, the chart of an order and of a project, and who
gets them (customers do not: they follow their orders in the portal)."""

import pytest
from django.urls import reverse

from eoms.testing.orders_world import build_orders
from eoms.testing.scheduling_world import build_schedule

PICKER = reverse("scheduling:gantt_projects")


@pytest.fixture
def world(module_world, db):
    return module_world


@pytest.fixture
def plan(world, ctx):
    return build_schedule(world, build_orders(world))


def _order_chart(plan):
    return reverse("scheduling:gantt_order", args=[plan.order.pk])


def test_it_gives_a_planner_the_chart_skeleton_and_its_data_address(world, plan, login):
    response = login(world.pm).get(_order_chart(plan))
    assert response.status_code == 200
    html = response.content.decode()
    data_url = reverse("scheduling:gantt_order_data", args=[plan.order.pk])
    assert f'data-url="{data_url}"' in html and f'rel="preload" href="{data_url}"' in html
    assert 'id="gantt-i18n"' in html and "eoms/gantt.js" in html and "eoms/gantt.css" in html
    assert html.index("eoms/gantt-draw.js") < html.index("eoms/gantt.js")
    assert plan.order.code in html and "data-gantt-baseline" in html
    assert f'href="{reverse("orders:detail", args=[plan.order.pk])}"' in html
    assert reverse("scheduling:gantt_project", args=[world.project.pk]) in html
    assert "<script>" not in html  # no inline script (strict CSP)


def test_it_passes_the_chosen_baseline_to_the_data(world, plan, login):
    response = login(world.pm).get(_order_chart(plan), {"baseline": "7"})
    data_url = reverse("scheduling:gantt_order_data", args=[plan.order.pk])
    assert f'data-url="{data_url}?baseline=7"' in response.content.decode()


def test_it_shows_a_worker_the_chart_of_his_tasks_without_the_order_page(world, plan, login):
    response = login(world.worker).get(_order_chart(plan))
    assert response.status_code == 200
    detail = reverse("orders:detail", args=[plan.order.pk])
    assert f'href="{detail}"' not in response.content.decode()


@pytest.mark.parametrize("who", ["client", "outsider", "other_pm"])
def test_it_hides_the_charts_from_customers_and_strangers(world, plan, login, who):
    client = login(world.users[who])
    for url in (_order_chart(plan),
                reverse("scheduling:gantt_order_data", args=[plan.order.pk]),
                reverse("scheduling:gantt_project", args=[world.project.pk]),
                reverse("scheduling:gantt_project_data", args=[world.project.pk])):
        assert client.get(url).status_code == 404, (who, url)


def test_it_sends_strangers_to_the_login_page(world, plan, client):
    response = client.get(_order_chart(plan))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_lists_a_managers_projects_with_their_plans(world, plan, login):
    response = login(world.pm).get(PICKER)
    assert response.status_code == 200
    html = response.content.decode()
    assert world.project.code in html and world.other_project.code not in html
    assert reverse("scheduling:gantt_project", args=[world.project.pk]) in html
    row = next(r for r in response.context["rows"] if r["obj"].pk == world.project.pk)
    assert row["stats"]["orders"] == 1
    assert str(row["stats"]["start"]) == "2026-03-02"
    assert str(row["stats"]["finish"]) == "2026-03-12"


def test_it_lists_a_customer_his_projects_without_charts(world, plan, login):
    response = login(world.client).get(PICKER)
    assert response.status_code == 200
    html = response.content.decode()
    assert world.project.code in html
    assert reverse("scheduling:gantt_project", args=[world.project.pk]) not in html
    assert "甘特图只对内部人员开放" in html


def test_it_opens_a_projects_chart_for_its_people(world, plan, login):
    url = reverse("scheduling:gantt_project", args=[world.project.pk])
    for who in ("pm", "worker", "manager", "auditor"):
        response = login(world.users[who]).get(url)
        assert response.status_code == 200, who
        assert reverse("scheduling:gantt_project_data", args=[world.project.pk]) in \
            response.content.decode()
