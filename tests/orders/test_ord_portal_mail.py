"""The customer is e-mailed when his order changes status, with a link to the portal."""

from __future__ import annotations

from eoms.core.context import Channel, acting
from eoms.orders import services
from eoms.orders.choices import OrderStatus
from eoms.testing.orders_world import build_orders
from eoms.testing.smtp import text_of


def _start(world, order, capture) -> None:
    with capture(execute=True), acting(Channel.TEST):
        services.transition(order, OrderStatus.IN_PROGRESS, actor=world.pm)


def test_it_mails_the_client_when_his_order_changes_status(
        world, smtp_server, django_capture_on_commit_callbacks):
    orders = build_orders(world)
    smtp_server.received.clear()  # mails of building the world (assignment, submission)
    _start(world, orders.order, django_capture_on_commit_callbacks)
    mails = [m for m in smtp_server.messages if m["To"] == "client@example.com"]
    assert len(mails) == 1
    assert orders.order.code in mails[0]["Subject"] and "进行中" in mails[0]["Subject"]


def test_it_links_the_mail_to_the_portal_page_of_the_order(
        world, smtp_server, django_capture_on_commit_callbacks):
    orders = build_orders(world)
    smtp_server.received.clear()
    _start(world, orders.order, django_capture_on_commit_callbacks)
    mail = next(m for m in smtp_server.messages if m["To"] == "client@example.com")
    link = f"http://127.0.0.1:8000/orders/portal/{orders.order.pk}/"
    assert link in text_of(mail) and link in text_of(mail, "html")


def test_it_does_not_mail_the_other_customers_user(
        world, smtp_server, django_capture_on_commit_callbacks):
    orders = build_orders(world)
    smtp_server.received.clear()
    _start(world, orders.order, django_capture_on_commit_callbacks)
    assert "outsider@example.com" not in [m["To"] for m in smtp_server.messages]
