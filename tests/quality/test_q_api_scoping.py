"""What each role reaches through the quality API: the QC inspector his inspections and
his projects', a project manager his projects', a site worker reads those of his own
tasks, a customer and an outsider nothing (lists 403, objects 404)."""

import pytest

from eoms.core.context import Channel, acting
from eoms.quality import services
from eoms.quality.models import Inspection, InspectionTemplate, NonConformance
from eoms.testing.quality_api import API, ids, post
from eoms.testing.quality_checks import fill, state
from eoms.testing.quality_world import build_quality, finish


@pytest.fixture
def work(world):
    """The rebar inspection (world.qc's, world.worker's task), a failed order-level
    inspection of world.project with its NCR, and an unassigned inspection of
    world.other_pm's project."""
    q = build_quality(world)
    rebar = finish(q.rebar, world.worker)
    with acting(Channel.TEST):
        failed = fill(services.start_inspection(
            q.order, InspectionTemplate.objects.get(code="QT-FX"), actor=world.manager),
            world.qc, fail="观感质量符合要求")
        other = services.start_inspection(q.plan.orders.other_order,
                                          InspectionTemplate.objects.get(code="QT-CL"),
                                          actor=world.manager)
    Inspection.objects.filter(pk=other.pk).update(inspector=None)
    return rebar, failed, other, NonConformance.objects.get(inspection=failed)


def test_it_shows_the_inspector_his_inspections_and_his_projects(world, work, login):
    rebar, failed, other, ncr = work
    client = login(world.qc)
    assert ids(client.get(f"{API}/inspections")) == {rebar.pk, failed.pk}
    assert ids(client.get(f"{API}/inspections", {"mine": "true"})) == {rebar.pk, failed.pk}
    assert ids(client.get(f"{API}/inspections", {"status": "failed"})) == {failed.pk}
    assert ids(client.get(f"{API}/inspections", {"task": rebar.task_id})) == {rebar.pk}
    assert ids(client.get(f"{API}/ncrs")) == {ncr.pk}
    assert client.get(f"{API}/inspections/{other.pk}").status_code == 404


def test_it_shows_a_project_manager_his_projects_only(world, work, login):
    rebar, failed, other, ncr = work
    assert ids(login(world.pm).get(f"{API}/inspections")) == {rebar.pk, failed.pk}
    assert ids(login(world.pm).get(f"{API}/inspections",
                                   {"order": rebar.order.code})) == {rebar.pk, failed.pk}
    theirs = login(world.other_pm)
    assert ids(theirs.get(f"{API}/inspections")) == {other.pk}
    assert theirs.get(f"{API}/inspections/{rebar.pk}").status_code == 404
    assert theirs.get(f"{API}/ncrs/{ncr.pk}").status_code == 404


def test_it_lets_a_worker_read_the_inspections_of_his_tasks_only(world, work, login):
    rebar, failed, other, ncr = work
    client = login(world.worker)
    assert ids(client.get(f"{API}/inspections")) == {rebar.pk}
    assert client.get(f"{API}/inspections/{rebar.pk}").status_code == 200
    assert client.get(f"{API}/inspections/{failed.pk}").status_code == 404
    before = state()
    response = post(client, f"/inspections/{rebar.pk}/results", {"note": "我来填"},
                    etag=f'"{rebar.version}"')
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert state() == before


@pytest.mark.parametrize("who", ["client", "outsider"])
def test_it_shows_a_customer_and_an_outsider_nothing(world, work, login, who):
    rebar, failed, other, ncr = work
    client = login(world.users[who])
    for path in ("/inspections", "/ncrs"):
        assert client.get(f"{API}{path}").status_code == 403
    for path in (f"/inspections/{rebar.pk}", f"/ncrs/{ncr.pk}",
                 f"/tasks/{rebar.task_id}/acceptance"):
        assert client.get(f"{API}{path}").status_code == 404, path
    assert post(client, f"/ncrs/{ncr.pk}/close").status_code == 404


def test_it_lets_staff_read_templates_and_checkpoints(world, login):
    client = login(world.worker)
    templates = client.get(f"{API}/templates", {"page_size": 200}).json()["results"]
    rebar = next(t for t in templates if t["code"] == "QT-GJ")
    assert rebar["name"] == "钢筋隐蔽验收" and rebar["items"]
    detail = client.get(f"{API}/templates/{rebar['id']}")
    assert detail.status_code == 200 and detail["ETag"]
    assert {i["key"] for i in detail.json()["items"]} == {
        f"item_{i['id']}" for i in rebar["items"]}
    checkpoints = client.get(f"{API}/checkpoints", {"template": "QT-GJ"}).json()["results"]
    assert checkpoints and {c["template"] for c in checkpoints} == {"QT-GJ"}
    assert login(world.client).get(f"{API}/templates").status_code == 403
