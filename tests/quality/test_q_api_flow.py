"""The whole quality flow through the API: a concealed task's inspection filled (JSON
answers, multipart photos) and failed → its NCR and rework task → a re-inspection passed
→ the NCR closed → the task's gate clear → the task accepted."""

from eoms.audit.models import AuditEntry
from eoms.quality.models import TaskAcceptance
from eoms.testing.photo_samples import jpeg_upload
from eoms.testing.quality_api import get, post, post_files
from eoms.testing.quality_checks import signature_png
from eoms.testing.quality_world import build_quality, finish


def _fill_through_api(client, pk, *, fail=()):
    """Answer every item (the labelled ones failed), photos included, and complete."""
    detail = get(client, f"/inspections/{pk}")
    values = {}
    for item in detail.json["items"]:
        if item["kind"] == "pass_fail":
            values[item["key"]] = "fail" if item["label"] in fail else "pass"
        elif item["kind"] == "measurement":
            nominal = float(item["nominal"])
            values[item["key"]] = nominal + 100 if item["label"] in fail else nominal
        elif item["kind"] == "text":
            values[item["key"]] = "符合要求"
        elif item["kind"] == "signature":
            values[item["key"]] = signature_png()
    recorded = post(client, f"/inspections/{pk}/results", {"values": values, "note": "现场检验"},
                    etag=detail.etag)
    assert recorded.status_code == 200, recorded.content[:500]
    for item in detail.json["items"]:
        if item["kind"] == "photo":
            photos = [jpeg_upload(f"照片{n}.jpg") for n in range(item["photos_needed"])]
            added = post_files(client, f"/inspections/{pk}/photos",
                               {"item": item["id"], "photos": photos})
            assert added.status_code == 201, added.content[:500]
    etag = get(client, f"/inspections/{pk}").etag
    completed = post(client, f"/inspections/{pk}/complete", {}, etag=etag)
    assert completed.status_code == 200, completed.content[:500]
    return completed.json()


def test_it_runs_fail_ncr_reinspect_close_accept_through_the_api(world, login):
    q = build_quality(world)
    first = finish(q.rebar, world.worker)
    qc, pm = login(world.qc), login(world.pm)

    failed = _fill_through_api(qc, first.pk, fail=("受力钢筋间距",))
    assert failed["status"] == "failed" and len(failed["ncrs"]) == 1
    photos = [p for item in failed["items"] for p in item["photos"]]
    assert len(photos) >= 3 and all(p["url"].startswith("/quality/photos/") for p in photos)
    assert qc.get(photos[0]["url"]).status_code == 200
    signed = next(i for i in failed["items"] if i["kind"] == "signature")
    assert signed["result"]["signature_url"].startswith("/quality/signatures/")

    ncr = get(qc, "/ncrs", inspection=first.pk).json["results"][0]
    assert ncr["status"] == "open" and ncr["task"] == q.rebar.pk
    assert "受力钢筋间距" in ncr["cause"] and ncr["rework_task"] is not None
    reasons = get(pm, f"/tasks/{q.rebar.pk}/acceptance").json["reasons"]
    assert any("不合格，返工后须复检合格" in r for r in reasons), reasons

    again = post(qc, f"/inspections/{first.pk}/reinspect")
    assert again.status_code == 201, again.content[:500]
    assert again.json()["round"] == 2 and again.json()["repeats"] == first.pk
    assert again["Location"].endswith(f"/inspections/{again.json()['id']}")
    assert _fill_through_api(qc, again.json()["id"])["status"] == "passed"

    closed = post(qc, f"/ncrs/{ncr['id']}/close", {"note": "返工后复检合格"})
    assert closed.status_code == 200, closed.content[:500]
    assert closed.json()["status"] == "closed"
    assert closed.json()["closing_inspection"] == again.json()["id"]

    state = get(pm, f"/tasks/{q.rebar.pk}/acceptance").json
    assert state["reasons"] == [] and state["may_accept"] and not state["accepted"]
    before = AuditEntry.objects.count()
    accepted = post(pm, f"/tasks/{q.rebar.pk}/accept", {"note": "同意验收"})
    assert accepted.status_code == 201, accepted.content[:500]
    assert accepted.json()["accepted"] and accepted.json()["accepted_by"] == world.pm.username
    assert TaskAcceptance.objects.get(task=q.rebar).note == "同意验收"
    assert AuditEntry.objects.count() > before
    assert get(login(world.worker), f"/tasks/{q.rebar.pk}/acceptance").json["accepted"]
