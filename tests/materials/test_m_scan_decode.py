"""Codes in photos are read on the server with zxing-cpp (QR, Code 128, rotated and
blurred), a picture without a code or a file that is not a picture gets a clear message,
and nothing is stored."""

import io

import pytest
import segno
import zxingcpp
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFilter

from eoms.materials import scanning
from eoms.testing import photo_samples


def _upload(image: Image.Image, name: str = "scan.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def qr_image(text: str) -> Image.Image:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=8, border=4)
    return Image.open(io.BytesIO(buffer.getvalue()))


def code128_image(text: str) -> Image.Image:
    bitmap = memoryview(zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.Code128)
                        .to_image(scale=3))
    height, width = bitmap.shape[:2]
    return Image.frombytes("L", (width, height), bytes(bitmap))


def photographed(code: Image.Image, angle: float) -> Image.Image:
    """The code on a grey desk, rotated, scaled down and slightly blurred."""
    desk = Image.new("RGB", (code.width * 2, code.height * 2), (150, 145, 140))
    desk.paste(code.convert("RGB"), (code.width // 2, code.height // 2))
    turned = desk.rotate(angle, expand=True, fillcolor=(150, 145, 140))
    small = turned.resize((int(turned.width * 0.7), int(turned.height * 0.7)))
    return small.filter(ImageFilter.GaussianBlur(0.8))


def test_it_reads_a_qr_label():
    url = "http://127.0.0.1:8000/materials/b/MB-2026-000001/"
    texts = scanning.decode(_upload(qr_image(url)))
    assert texts == [url]
    assert scanning.label_code_in(texts[0]) == "MB-2026-000001"


def test_it_reads_a_code128_batch_number():
    assert scanning.decode(_upload(code128_image("L2026-0415"), "c128.png")) == ["L2026-0415"]


@pytest.mark.parametrize(("make", "text", "angle"), [
    (qr_image, "GJ-2026-0415-B", 17), (code128_image, "H2026-0990", 8),
    (qr_image, "炉批号 L2026-0415", 90)])
def test_it_reads_a_rotated_photographed_code(make, text, angle):
    assert scanning.decode(_upload(photographed(make(text), angle))) == [text]


def test_it_says_clearly_when_a_picture_has_no_code():
    with pytest.raises(scanning.ScanRefused, match="图片中没有识别到条码或二维码"):
        scanning.decode(photo_samples.jpeg_upload("desk.jpg", width=400, height=300))


@pytest.mark.parametrize(("data", "reason"), [
    (photo_samples.html_bytes(), "不是图片"), (photo_samples.polyglot_jpeg_html(), "夹带了网页"),
    (photo_samples.truncated_jpeg(), "已损坏"), (b"", "空文件")])
def test_it_refuses_what_is_not_a_clean_picture(data, reason):
    with pytest.raises(scanning.ScanRefused, match=reason):
        scanning.decode(SimpleUploadedFile("x.jpg", data, content_type="image/jpeg"))


def test_it_recognises_only_eoms_labels():
    assert scanning.label_code_in("MB-2026-000042") == "MB-2026-000042"
    assert scanning.label_code_in("https://x/materials/b/MB-2026-000042/") == "MB-2026-000042"
    assert scanning.label_code_in("L2026-0415") is None
