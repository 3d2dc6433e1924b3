"""Templates and checkpoints kept through the API: create with items, PATCH with If-Match
(items replaced in order), copy, delete refused with the count, checkpoints; every refusal
is problem+json naming the field and writes nothing; only management and QC may."""

import json

from eoms.audit.models import AuditEntry
from eoms.core.context import Channel, acting
from eoms.quality import services
from eoms.quality.models import Checkpoint, InspectionTemplate, TemplateItem
from eoms.testing.quality_api import API, errors_of, get, post
from eoms.testing.quality_world import build_quality

BODY = {"code": "QT-API", "name": "接口模板", "standard_kind": "company",
        "items": [{"kind": "measurement", "label": "层高", "unit": "mm", "nominal": "3000",
                   "tolerance_minus": "10", "tolerance_plus": "10"},
                  {"kind": "photo", "label": "现场照片", "min_photos": 2}]}


def _state():
    return (InspectionTemplate.objects.count(), TemplateItem.objects.count(),
            Checkpoint.objects.count(), AuditEntry.objects.count())


def patch(client, path, body, etag=None):
    headers = {"If-Match": etag} if etag else {}
    return client.patch(f"{API}{path}", json.dumps(body), content_type="application/json",
                        headers=headers)


def test_it_creates_and_patches_a_template_with_its_items(world, login):
    client = login(world.qc)
    made = post(client, "/templates", BODY)
    assert made.status_code == 201, made.content[:400]
    pk, items = made.json()["id"], made.json()["items"]
    assert [i["kind"] for i in items] == ["measurement", "photo"]
    etag = get(client, f"/templates/{pk}").etag
    assert patch(client, f"/templates/{pk}", {"name": "无版本"}).status_code == 428
    changed = patch(client, f"/templates/{pk}", {"name": "接口模板二", "items": [
        {"id": items[1]["id"], "kind": "photo", "label": "现场照片", "min_photos": 1},
        {"kind": "signature", "label": "签字"}]}, etag)
    assert changed.status_code == 200, changed.content[:400]
    assert [i["label"] for i in changed.json()["items"]] == ["现场照片", "签字"]
    assert patch(client, f"/templates/{pk}", {"name": "旧版本"}, etag).status_code == 412


def test_it_names_the_item_field_it_refuses_writing_nothing(world, login):
    client, before = login(world.qc), _state()
    bad = BODY | {"items": [BODY["items"][0] | {"unit": ""}, {"kind": "photo",
                                                              "label": "照片"}]}
    response = post(client, "/templates", bad)
    assert response.status_code == 422
    found = errors_of(response)
    assert set(found) == {"items.0.unit", "items.1.min_photos"}, found
    assert _state() == before
    response = post(client, "/templates", BODY | {"code": "QT-GJ"})
    assert response.status_code == 422 and "code" in errors_of(response)
    response = post(client, "/templates", BODY | {"colour": "red"})
    assert response.status_code == 422 and _state() == before


def test_it_copies_and_refuses_to_delete_a_used_template_with_the_count(world, login):
    client = login(world.manager)
    seeded = InspectionTemplate.objects.get(code="QT-FX")
    copied = post(client, f"/templates/{seeded.pk}/copy", {"code": "QT-FX-2"})
    assert copied.status_code == 201 and copied.json()["code"] == "QT-FX-2"
    q = build_quality(world)
    with acting(Channel.TEST):
        services.start_inspection(q.order, seeded, actor=world.manager)
    before = _state()
    refused = client.delete(f"{API}/templates/{seeded.pk}")
    assert refused.status_code == 409 and "1 次检验" in refused.json()["detail"]
    assert _state() == before
    assert client.delete(f"{API}/templates/{copied.json()['id']}").status_code == 204


def test_it_creates_and_deactivates_a_checkpoint(world, login):
    client = login(world.qc)
    made = post(client, "/checkpoints", {"name": "机电完工验收", "template": "qt-fx",
                                         "trigger": "task_done", "work_type": "mep",
                                         "project": world.project.code})
    assert made.status_code == 201, made.content[:400]
    assert made.json()["project"] == world.project.code
    pk = made.json()["id"]
    etag = made["ETag"]
    off = patch(client, f"/checkpoints/{pk}", {"active": False}, etag)
    assert off.status_code == 200 and off.json()["active"] is False


def test_it_names_the_checkpoint_field_it_refuses(world, login):
    client, before = login(world.qc), _state()
    for body, field in [
        ({"name": "x", "template": "QT-FX", "trigger": "milestone"}, "milestone"),
        ({"name": "x", "template": "QT-NONE", "trigger": "order_inspection"}, "template"),
        ({"name": "x", "template": "QT-FX", "trigger": "order_inspection",
          "project": "NO-SUCH"}, "project"),
        ({"name": "x", "template": "QT-FX", "trigger": "task_done"}, "work_type"),
    ]:
        response = post(client, "/checkpoints", body)
        assert response.status_code == 422 and field in errors_of(response), body
    assert _state() == before


def test_it_refuses_those_who_only_read(world, login):
    seeded = InspectionTemplate.objects.get(code="QT-FX")
    checkpoint = Checkpoint.objects.first()
    for user in (world.worker, world.pm, world.auditor):
        client, before = login(user), _state()
        assert post(client, "/templates", BODY).status_code == 403
        assert post(client, f"/templates/{seeded.pk}/copy", {"code": "Z"}).status_code == 403
        assert patch(client, f"/templates/{seeded.pk}", {"name": "x"}, '"1"').status_code == 403
        assert client.delete(f"{API}/templates/{seeded.pk}").status_code == 403
        assert patch(client, f"/checkpoints/{checkpoint.pk}", {"active": False},
                     '"1"').status_code == 403
        assert _state() == before
    client = login(world.client)
    assert patch(client, f"/templates/{seeded.pk}", {"name": "x"}, '"1"').status_code == 404
    assert patch(client, f"/checkpoints/{checkpoint.pk}", {"name": "x"},
                 '"1"').status_code == 404
    assert post(client, "/templates", BODY).status_code == 403
