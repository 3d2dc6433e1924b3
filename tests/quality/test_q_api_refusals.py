"""Every refusal of the quality API is problem+json naming the field, and writes nothing:
a missing or stale If-Match, a bad answer, an unknown item, photos that are not photos or
sent as JSON, completing with items missing, re-inspecting an open inspection, closing an
NCR before its re-inspection passed, accepting a task whose inspection is open."""

import pytest

from eoms.quality.models import NonConformance
from eoms.testing.photo_samples import MALICIOUS, jpeg_upload
from eoms.testing.quality_api import errors_of, get, post, post_files
from eoms.testing.quality_checks import fill, state
from eoms.testing.quality_world import build_quality, finish


@pytest.fixture
def rebar(world):
    """The open 钢筋隐蔽验收 of 底板钢筋绑扎, with its items by label."""
    inspection = finish(build_quality(world).rebar, world.worker)
    inspection.by_label = {i.label: i for i in inspection.template.items.all()}
    return inspection


def _refused(response, status, *fields, before):
    assert response.status_code == status, response.content[:400]
    found = errors_of(response)
    for field in fields:
        assert field in found, found
    assert state() == before, "a refused request wrote something"
    return found


def test_it_requires_a_current_if_match_to_record_results(world, rebar, login):
    client, before = login(world.qc), state()
    response = post(client, f"/inspections/{rebar.pk}/results", {"note": "无版本"})
    assert response.status_code == 428 and state() == before
    response = post(client, f"/inspections/{rebar.pk}/results", {"note": "旧版本"},
                    etag='"999"')
    assert response.status_code == 412 and state() == before


def test_it_names_the_item_of_a_bad_answer(world, rebar, login):
    client = login(world.qc)
    etag = get(client, f"/inspections/{rebar.pk}").etag
    spacing = rebar.by_label["受力钢筋间距"]
    checked = next(i for i in rebar.by_label.values() if i.kind == "pass_fail")
    found = _refused(post(client, f"/inspections/{rebar.pk}/results", {"values": {
        f"item_{spacing.pk}": "大约两百", f"item_{checked.pk}": "还行", "item_999999": "pass"}},
        etag=etag), 422, f"item_{spacing.pk}", f"item_{checked.pk}", "item_999999",
        before=state())
    assert "实测值必须是数字" in found[f"item_{spacing.pk}"]
    assert "请选择“合格”或“不合格”" in found[f"item_{checked.pk}"]
    assert "没有项目" in found["item_999999"]


def test_it_refuses_unknown_fields_and_an_empty_body(world, rebar, login):
    client = login(world.qc)
    etag = get(client, f"/inspections/{rebar.pk}").etag
    _refused(post(client, f"/inspections/{rebar.pk}/results", {"status": "passed"}, etag=etag),
             422, "status", before=state())
    _refused(post(client, f"/inspections/{rebar.pk}/results", {}, etag=etag), 422, "values",
             before=state())


def test_it_refuses_photos_as_json_without_files_or_on_a_non_photo_item(world, rebar, login):
    client, before = login(world.qc), state()
    photo_item = next(i for i in rebar.by_label.values() if i.kind == "photo")
    spacing = rebar.by_label["受力钢筋间距"]
    path = f"/inspections/{rebar.pk}/photos"
    _refused(post(client, path, {"item": photo_item.pk}), 422, "photos", before=before)
    _refused(post_files(client, path, {"item": photo_item.pk}), 422, "photos", before=before)
    _refused(post_files(client, path, {"item": spacing.pk, "photos": [jpeg_upload()]}), 422,
             f"item_{spacing.pk}", before=before)
    found = _refused(post_files(client, path, {"item": photo_item.pk, "photos": [
        jpeg_upload(), MALICIOUS["html_renamed_jpg"]()]}), 422, f"item_{photo_item.pk}",
        before=before)
    assert "photo.jpg" in found[f"item_{photo_item.pk}"]
    _refused(post_files(client, path, {"photos": [jpeg_upload()]}), 422, "item", before=before)


def test_it_names_every_item_missing_when_completing(world, rebar, login):
    client = login(world.qc)
    etag = get(client, f"/inspections/{rebar.pk}").etag
    found = _refused(post(client, f"/inspections/{rebar.pk}/complete", {}, etag=etag), 422,
                     *(f"item_{i.pk}" for i in rebar.by_label.values() if i.required),
                     before=state())
    assert "需要至少 3 张照片，现有 0 张" in " ".join(found.values())


def test_it_refuses_to_reinspect_an_open_inspection(world, rebar, login):
    found = _refused(post(login(world.qc), f"/inspections/{rebar.pk}/reinspect"), 409,
                     "status", before=state())
    assert "只有不合格的检验才能复检" in found["status"]


def test_it_refuses_to_close_an_ncr_before_its_reinspection_passed(world, rebar, login):
    fill(rebar, world.qc, fail="受力钢筋间距")
    ncr = NonConformance.objects.get()
    found = _refused(post(login(world.qc), f"/ncrs/{ncr.pk}/close", {"note": "已整改"}), 409,
                     "status", before=state())
    assert f"不合格项 {ncr.code} 须在复检合格后才能关闭：还没有安排复检。" == found["status"]
    _refused(post(login(world.qc), f"/ncrs/{ncr.pk}/close", {"note": "长" * 2001}), 422,
             "note", before=state())


def test_it_refuses_to_accept_a_task_and_says_what_is_missing(world, rebar, login):
    client = login(world.pm)
    reasons = get(client, f"/tasks/{rebar.task_id}/acceptance").json["reasons"]
    assert reasons == [f"检验 {rebar.code}（钢筋隐蔽验收 · 底板钢筋绑扎）尚未完成。"]
    response = post(client, f"/tasks/{rebar.task_id}/accept", {"note": "验收"})
    found = _refused(response, 409, "task", before=state())
    assert found["task"] == reasons[0]
    assert response.json()["title"] == "任务不能验收"
    assert post(login(world.worker), f"/tasks/{rebar.task_id}/accept").status_code == 403
