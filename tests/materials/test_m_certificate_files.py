"""Certificate and test report files are recognised by content: a PDF or a photo; a
photo is stored re-encoded; anything else is refused, naming the line and the file."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from eoms.core.context import Channel, acting
from eoms.materials import services
from eoms.materials.models import ReceivedBatch
from eoms.testing import photo_samples
from eoms.testing.materials_world import batch_line, build_materials, pdf_bytes


@pytest.fixture
def mat(world):
    return build_materials(world)


def _receive(world, mat, **files):
    with acting(Channel.TEST):
        return services.receive_delivery(mat.plan.order, actor=world.buyer,
                                         supplier=world.supplier,
                                         lines=[batch_line(mat.line, "L2026-0700", "1", **files)])


def _upload(data: bytes, name: str = "合格证.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_it_stores_a_photographed_certificate_as_a_clean_jpeg(world, mat):
    photo = photo_samples.jpeg_upload("合格证.jpg", width=320, height=240)
    batch = _receive(world, mat, certificate_file=photo).batches.get()
    assert batch.certificate_type == "image/jpeg"
    stored = default_storage.open(batch.certificate_file.name).read()
    assert stored.startswith(b"\xff\xd8") and b"Exif" not in stored


@pytest.mark.parametrize(("field", "data", "reason"), [
    ("certificate_file", photo_samples.html_bytes(), "只接受 PDF 或照片"),
    ("certificate_file", b"MZ\x90\x00" + b"\x00" * 200, "只接受 PDF 或照片"),
    ("certificate_file", pdf_bytes()[:-200], "PDF 文件不完整"),
    ("certificate_file", pdf_bytes().replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction "
                                             b"<< /S /JavaScript /JS (app.alert(1)) >>"),
     "PDF 中含有脚本"),
    ("certificate_file", photo_samples.polyglot_jpeg_html(), "夹带了网页、脚本"),
    ("certificate_file", photo_samples.truncated_jpeg(), "已损坏或不完整"),
    ("test_report_file", b"", "文件是空的"),
])
def test_it_refuses_a_file_that_is_not_a_clean_pdf_or_photo(world, mat, field, data, reason):
    before = ReceivedBatch.objects.count()
    with pytest.raises(ValidationError) as caught:
        _receive(world, mat, **{field: _upload(data)})
    [message] = caught.value.message_dict[f"lines.0.{field}"]
    assert message.startswith("第 1 行（HRB400 螺纹钢）：" + ("合格证文件" if field.startswith(
        "certificate") else "检测报告"))
    assert reason in message
    assert ReceivedBatch.objects.count() == before


def test_it_refuses_a_file_above_the_size_limit(world, mat, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as caught:
        _receive(world, mat, certificate_file=_upload(pdf_bytes() + b"%" * 2048))
    assert "文件太大" in caught.value.message_dict["lines.0.certificate_file"][0]


def _stored_files(settings) -> list:
    from pathlib import Path

    return sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())


def test_a_delivery_rolled_back_by_its_caller_leaves_no_file(world, mat, settings):
    from django.db import transaction

    before, batches = _stored_files(settings), ReceivedBatch.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        _receive(world, mat)
        assert len(_stored_files(settings)) == len(before) + 1  # its certificate
        raise RuntimeError("the request failed after the delivery was received")
    assert _stored_files(settings) == before
    assert ReceivedBatch.objects.count() == batches
