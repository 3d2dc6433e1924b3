"""The materials API: receiving with certificate files (multipart), refusals as
problem+json naming the line's field, usage recording, trace both ways, decode."""

import io
import json

import pytest
import segno
from django.core.files.uploadedfile import SimpleUploadedFile

from eoms.materials.models import Delivery, ReceivedBatch
from eoms.testing.materials_world import build_materials, pdf_upload

API = "/api/v1/materials"


@pytest.fixture
def mat(world):
    return build_materials(world)


def _receive(client, mat, world, *, quantity="2", files=True, batch="L2026-0901"):
    body = {"order": mat.plan.order.code, "supplier": world.supplier.code,
            "delivery_note": "SH-0901", "lines": json.dumps([{
                "order_line": mat.line.pk, "batch_number": batch, "quantity": quantity,
                "certificate_number": "HG-0901"}])}
    if files:
        body["lines.0.certificate_file"] = pdf_upload()
    return client.post(f"{API}/deliveries", body)


def test_it_receives_a_delivery_with_its_certificate_file(world, mat, login):
    response = _receive(login(world.buyer), mat, world)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["code"].startswith("JC-") and data["batches"][0]["batch_number"] == "L2026-0901"
    certificate = login(world.qc).get(data["batches"][0]["urls"]["certificate"])
    assert b"".join(certificate.streaming_content).startswith(b"%PDF-")


def test_it_answers_a_mismatch_with_problem_json_naming_the_line(world, mat, login):
    before = (Delivery.objects.count(), ReceivedBatch.objects.count())
    response = _receive(login(world.buyer), mat, world, quantity="8")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    [error] = response.json()["errors"]
    assert error["field"] == "lines.0.quantity"
    assert "超过了订单行尚未到货的数量 7.5 吨" in error["message"]
    assert (Delivery.objects.count(), ReceivedBatch.objects.count()) == before


def test_it_refuses_a_receipt_without_the_certificate_file(world, mat, login):
    response = _receive(login(world.buyer), mat, world, files=False)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lines.0.certificate_file"


def test_it_refuses_receiving_to_roles_without_it(world, mat, login):
    assert _receive(login(world.worker), mat, world).status_code == 403
    assert _receive(login(world.other_pm), mat, world).status_code == 422  # not his order


def test_it_records_usage_and_traces_both_ways(world, mat, login):
    client = login(world.worker)
    response = client.post(f"{API}/batches/{mat.batch.pk}/usages", json.dumps(
        {"task": mat.plan.cure.pk, "location": "B1 底板 2 区", "quantity": "1.5"}),
        content_type="application/json")
    assert response.status_code == 201, response.content
    batch = client.get(f"{API}/batches/{mat.batch.pk}").json()
    assert batch["remaining"] == "1.500"
    assert {u["location"] for u in batch["usages"]} == {"B1 底板 1 区", "B1 底板 2 区"}
    by_task = client.get(f"{API}/usages", {"task": mat.plan.cure.pk}).json()["results"]
    assert [u["batch_number"] for u in by_task] == ["L2026-0415"]


def test_it_refuses_usage_above_what_is_left(world, mat, login):
    response = login(world.pm).post(f"{API}/batches/{mat.batch.pk}/usages", json.dumps(
        {"task": mat.plan.pour.pk, "location": "B1", "quantity": "3.5"}),
        content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "quantity"


def test_it_decodes_a_label_photo_into_its_batch(world, mat, login):
    from eoms.materials.labels import label_url

    buffer = io.BytesIO()
    segno.make(label_url(mat.batch)).save(buffer, kind="png", scale=8)
    photo = SimpleUploadedFile("label.png", buffer.getvalue(), content_type="image/png")
    data = login(world.worker).post(f"{API}/decode", {"image": photo}).json()
    assert data["label_code"] == mat.batch.label_code
    assert data["batch_url"] == f"/materials/b/{mat.batch.label_code}/"


def test_it_answers_a_picture_without_code_with_a_clear_error(world, mat, login):
    from eoms.testing.photo_samples import jpeg_upload

    response = login(world.buyer).post(f"{API}/decode", {"image": jpeg_upload()})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "image", "message": (
        "图片中没有识别到条码或二维码。请对准条码、保持清晰并避免反光后重拍，或直接输入批号。")}]
