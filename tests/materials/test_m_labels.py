"""QR labels: the code holds the batch page's URL (which opens the batch for those who
see it), the PDF sheet carries the Chinese text, PNG and SVG download."""

import io

import pypdf
import zxingcpp
from PIL import Image

from eoms.materials import labels
from eoms.testing.materials_world import build_materials


def test_it_prints_a_label_sheet_with_the_chinese_text(world, login):
    mat = build_materials(world)
    response = login(world.pm).get(f"/materials/deliveries/{mat.delivery.pk}/labels/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    for expected in ("HRB400 螺纹钢", "批号：L2026-0415", "宝武钢铁贸易有限公司",
                     mat.batch.label_code):
        assert expected in text


def test_it_encodes_the_batch_url_in_the_png_label(world, login):
    mat = build_materials(world)
    response = login(world.worker).get(f"/materials/b/{mat.batch.label_code}/label.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.content)))
    assert found.text == labels.label_url(mat.batch)
    assert found.text.endswith(f"/materials/b/{mat.batch.label_code}/")


def test_it_opens_the_batch_from_its_label_only_for_those_who_see_it(world, login):
    mat = build_materials(world)
    path = f"/materials/b/{mat.batch.label_code}/"
    page = login(world.worker).get(path)
    assert page.status_code == 200 and "B1 底板 1 区" in page.content.decode()
    assert login(world.other_pm).get(path).status_code == 404
    assert login(world.client).get(path).status_code == 404


def test_it_serves_an_svg_qr_code(world, login):
    mat = build_materials(world)
    response = login(world.qc).get(f"/materials/b/{mat.batch.label_code}/label.svg")
    assert response.status_code == 200 and response.content.startswith(b"<?xml")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
