"""The receiving page: pick an order, see what is outstanding, receive batches with their
certificates; a mismatch comes back on the page naming the line and writes nothing."""

from eoms.materials.models import Delivery
from eoms.testing.materials_world import build_materials, pdf_upload


def _form(mat, world, **row):
    data = {"order": mat.plan.order.pk, "supplier": world.supplier.pk,
            "delivered_on": mat.delivery.delivered_on.isoformat(), "delivery_note": "",
            "note": "", "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "20",
            "lines-0-order_line": mat.line.pk, "lines-0-batch_number": "L2026-0950",
            "lines-0-quantity": "2", "lines-0-certificate_number": "HG-0950",
            "lines-0-certificate_file": pdf_upload(),
            "lines-1-order_line": "", "lines-1-batch_number": "", "lines-1-quantity": ""}
    data.update(row)
    return data


def test_it_shows_the_outstanding_quantity_of_each_line(world, login):
    mat = build_materials(world)
    page = login(world.buyer).get("/materials/receive/", {"order": mat.plan.order.pk})
    text = page.content.decode()
    assert page.status_code == 200
    assert "待到 7.5 吨" in text and "待到 800 m²" in text
    assert 'name="lines-0-batch_number"' in text
    assert 'data-decode="/api/v1/materials/decode"' in text


def test_it_receives_and_opens_the_delivery(world, login):
    mat = build_materials(world)
    response = login(world.buyer).post("/materials/receive/", _form(mat, world))
    delivery = Delivery.objects.exclude(pk__in=[mat.delivery.pk, mat.other_delivery.pk]).get()
    assert response.status_code == 302
    assert response["Location"] == f"/materials/deliveries/{delivery.pk}/"
    assert delivery.batches.get().batch_number == "L2026-0950"


def test_it_shows_a_mismatch_on_the_line_and_writes_nothing(world, login):
    mat = build_materials(world)
    before = Delivery.objects.count()
    response = login(world.buyer).post("/materials/receive/", _form(
        mat, world, **{"lines-0-batch_number": "L2026-0415"}))
    assert response.status_code == 200
    assert "第 1 行（HRB400 螺纹钢）：批号 L2026-0415 已于" in response.content.decode()
    assert Delivery.objects.count() == before


def test_it_refuses_the_page_to_roles_that_do_not_receive(world, login):
    build_materials(world)
    assert login(world.worker).get("/materials/receive/").status_code == 403
    assert login(world.finance).get("/materials/receive/").status_code == 403
