"""Who sees an archive: staff who see the order; the order's customer once it is
delivered (a link in his portal), never another customer; workers and outsiders get 404.
Management and QC may make a new version."""

from eoms.core.context import Channel, acting
from eoms.testing.archive_world import build_delivered
from eoms.testing.orders_world import draft_order


def test_it_shows_the_customer_his_delivered_orders_archive_only(world, login):
    a = build_delivered(world)
    client = login(world.client)
    portal = client.get(f"/orders/portal/{a.order.pk}/").content.decode()
    assert f"/quality/orders/{a.order.pk}/archives/" in portal
    page = client.get(f"/quality/orders/{a.order.pk}/archives/")
    assert page.status_code == 200 and a.archive.sha256 in page.content.decode()
    assert "生成新版本" not in page.content.decode()
    listed = client.get("/api/v1/quality/archives").json()
    assert [row["id"] for row in listed["results"]] == [a.archive.pk]

    with acting(Channel.TEST):
        undelivered = draft_order(world, actor=world.manager)
    assert client.get(f"/quality/orders/{undelivered.pk}/archives/").status_code == 404
    assert f"/quality/orders/{undelivered.pk}/archives/" not in client.get(
        f"/orders/portal/{undelivered.pk}/").content.decode()


def test_it_hides_the_archive_from_other_customers_workers_and_other_projects(world, login):
    a = build_delivered(world)
    for user in (world.outsider, world.worker, world.other_pm):
        client = login(user)
        assert client.get(f"/quality/orders/{a.order.pk}/archives/").status_code == 404, user
        assert client.get(f"/quality/archives/{a.archive.pk}/download/").status_code == 404
        assert client.get(f"/api/v1/quality/archives/{a.archive.pk}").status_code == 404
    assert login(world.worker).get("/api/v1/quality/archives").status_code == 403


def test_it_links_the_archive_from_the_order_page_for_staff(world, login):
    a = build_delivered(world)
    for user in (world.pm, world.qc, world.finance, world.auditor):
        page = login(user).get(f"/orders/{a.order.pk}/")
        assert f"/quality/orders/{a.order.pk}/archives/" in page.content.decode(), user
    qc_page = login(world.qc).get(f"/quality/orders/{a.order.pk}/archives/").content.decode()
    assert "生成新版本" in qc_page
    pm_page = login(world.pm).get(f"/quality/orders/{a.order.pk}/archives/").content.decode()
    assert a.archive.sha256 in pm_page and "生成新版本" not in pm_page
