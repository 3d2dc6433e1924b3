"""The inspector's phone page and the task page's acceptance card, through the real
views: answers with camera photos and a drawn signature complete the inspection; a bad
measurement comes back on the page naming the item and writes nothing."""

import re

import pytest

from eoms.quality.choices import InspectionStatus
from eoms.quality.models import InspectionPhoto, TaskAcceptance
from eoms.testing.quality_checks import good_answers, state
from eoms.testing.quality_world import build_quality, finish


@pytest.fixture
def q(world):
    q = build_quality(world)
    q.inspection = finish(q.rebar, world.worker)
    return q


def test_the_phone_page_offers_camera_photos_a_signature_pad_and_live_checks(world, q, login):
    page = login(world.qc).get(f"/quality/inspections/{q.inspection.pk}/fill/")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'accept="image/*" capture="environment" multiple' in text
    assert "data-signature-for" in text and 'data-nominal="200.000"' in text
    assert 'name="viewport"' in text
    assert "设计值 200 mm（−20 / +20）" in text and "E+" not in text  # not 2E+2


def test_it_completes_an_inspection_from_the_phone_page(world, q, login):
    values, photos = good_answers(q.inspection)
    response = login(world.qc).post(f"/quality/inspections/{q.inspection.pk}/fill/",
                                    {**values, **photos, "complete": "1", "note": "合格"})
    assert response.status_code == 302
    q.inspection.refresh_from_db()
    assert q.inspection.status == InspectionStatus.PASSED
    assert InspectionPhoto.objects.filter(inspection=q.inspection).count() == 3


def test_a_bad_measurement_comes_back_naming_the_item_and_writes_nothing(world, q, login):
    values, photos = good_answers(q.inspection)
    spacing = q.inspection.template.items.get(label="受力钢筋间距")
    values[f"item_{spacing.pk}"] = "两百"
    client = login(world.qc)
    before = state()
    response = client.post(f"/quality/inspections/{q.inspection.pk}/fill/",
                                    {**values, **photos, "complete": "1"})
    assert response.status_code == 200
    assert "“受力钢筋间距”的实测值必须是数字（mm）" in response.content.decode()
    assert state() == before


def test_the_task_page_lists_why_it_cannot_be_accepted(world, q, login):
    client = login(world.pm)
    text = client.get(f"/schedule/tasks/{q.rebar.pk}/").content.decode()
    assert "质量验收" in text and q.inspection.code in text
    assert re.search(r"暂不能验收.*尚未完成", text, re.S)
    response = client.post(f"/quality/tasks/{q.rebar.pk}/accept/", {"note": ""}, follow=True)
    assert f"检验 {q.inspection.code}（钢筋隐蔽验收 · 底板钢筋绑扎）尚未完成" in \
        response.content.decode()
    assert not TaskAcceptance.objects.exists()
