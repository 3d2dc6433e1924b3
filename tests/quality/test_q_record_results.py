"""Recording answers: every bad answer is refused with a message naming the item, and a
refused record writes nothing (no result, no photo, no file)."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from eoms.core.context import Channel, acting
from eoms.quality import services
from eoms.quality.models import InspectionPhoto, InspectionResult
from eoms.testing.photo_samples import MALICIOUS, jpeg_upload
from eoms.testing.quality_checks import refused, signature_png
from eoms.testing.quality_world import build_quality, finish


@pytest.fixture
def inspection(world):
    q = build_quality(world)
    return finish(q.rebar, world.worker)


def _item(inspection, label):
    return inspection.template.items.get(label=label)


def _record(inspection, actor, values=None, photos=None):
    with acting(Channel.TEST):
        return services.record_results(inspection, actor=actor, values=values or {},
                                       photos=photos or {})


def _files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_it_records_a_measurement_and_computes_its_pass(world, inspection):
    spacing = _item(inspection, "受力钢筋间距")
    _record(inspection, world.qc, {f"item_{spacing.pk}": "210"})
    result = InspectionResult.objects.get(inspection=inspection, item=spacing)
    assert result.value == 210 and result.passed is True
    _record(inspection, world.qc, {f"item_{spacing.pk}": "210.001"})
    result.refresh_from_db()
    assert result.passed is False


def test_it_refuses_a_measurement_that_is_not_a_number_naming_the_item(world, inspection):
    cover = _item(inspection, "纵向受力钢筋保护层厚度（柱、梁）")
    with refused("纵向受力钢筋保护层厚度（柱、梁）", "必须是数字", "mm",
                 field=f"item_{cover.pk}"):
        _record(inspection, world.qc, {f"item_{cover.pk}": "二十五"})


def test_it_refuses_a_pass_fail_answer_it_cannot_read(world, inspection):
    item = _item(inspection, "受力钢筋的牌号、规格和数量符合设计要求")
    with refused("受力钢筋的牌号", "合格", field=f"item_{item.pk}"):
        _record(inspection, world.qc, {f"item_{item.pk}": "maybe"})


def test_it_refuses_an_item_of_another_template(world, inspection):
    with refused("没有项目", field="item_999999"):
        _record(inspection, world.qc, {"item_999999": "pass"})


def test_it_refuses_photos_on_an_item_that_is_not_a_photo_item(world, inspection):
    item = _item(inspection, "受力钢筋间距")
    with refused("不是影像资料项目", field=f"item_{item.pk}"):
        _record(inspection, world.qc, photos={f"item_{item.pk}": [jpeg_upload()]})


@pytest.mark.parametrize("bad", ["html_renamed_jpg", "svg_with_script", "truncated_jpeg"])
def test_it_refuses_a_bad_photo_and_writes_no_file(world, inspection, settings, bad):
    photo_item = _item(inspection, "钢筋绑扎影像资料")
    spacing = _item(inspection, "受力钢筋间距")
    with refused(field=f"item_{photo_item.pk}"):
        _record(inspection, world.qc, {f"item_{spacing.pk}": "200"},
                {f"item_{photo_item.pk}": [jpeg_upload(), MALICIOUS[bad]()]})
    assert _files(settings) == []


def test_it_refuses_a_signature_that_is_not_a_png_drawing(world, inspection):
    sign = _item(inspection, "质检员签字")
    with refused("质检员签字", field=f"item_{sign.pk}"):
        _record(inspection, world.qc, {f"item_{sign.pk}": "data:image/png;base64,!!!"})
    with refused("PNG", field=f"item_{sign.pk}"):
        _record(inspection, world.qc, {f"item_{sign.pk}": "我签名了"})


def test_it_stores_photos_with_their_exif_time_and_position(world, inspection):
    from datetime import datetime

    photo_item = _item(inspection, "钢筋绑扎影像资料")
    shot = jpeg_upload("节点.jpg", taken_at=datetime(2026, 3, 3, 9, 30), offset="+08:00",
                       gps=(31.2304, 121.4737))
    _record(inspection, world.qc, photos={f"item_{photo_item.pk}": [shot]})
    photo = InspectionPhoto.objects.get(inspection=inspection)
    assert photo.item == photo_item and photo.taken_at.isoformat() == "2026-03-03T01:30:00+00:00"
    assert float(photo.gps_latitude) == pytest.approx(31.2304, abs=1e-5)
    assert photo.image.name.startswith("quality/") and photo.original.name != photo.image.name


def test_it_stores_a_drawn_signature_as_a_clean_png(world, inspection):
    sign = _item(inspection, "质检员签字")
    _record(inspection, world.qc, {f"item_{sign.pk}": signature_png()})
    result = InspectionResult.objects.get(inspection=inspection, item=sign)
    assert result.signature.read()[:8] == b"\x89PNG\r\n\x1a\n"


def test_it_refuses_someone_who_may_not_inspect(world, inspection):
    item = _item(inspection, "受力钢筋间距")
    for who in (world.worker, world.pm, world.other_pm):
        with refused(error=PermissionDenied):
            _record(inspection, who, {f"item_{item.pk}": "200"})
