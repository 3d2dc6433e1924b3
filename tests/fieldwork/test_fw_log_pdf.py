"""The daily log PDF opens, reads in Chinese, shows the day's photos as thumbnails and the
signature with its content hash."""

from __future__ import annotations

import io
from urllib.parse import quote

import pypdf
import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from eoms.core.context import Channel, acting
from eoms.fieldwork import services, services_log
from eoms.fieldwork.choices import PhotoState
from eoms.fieldwork.tasks import process_photo
from eoms.testing import photo_samples as samples
from eoms.testing.fieldwork_world import build_fieldwork


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def log(world):
    """Today's log of world.site, completed, with two photos: one with its thumbnail made,
    one still waiting for the job."""
    field = build_fieldwork(world)
    with acting(Channel.TEST):
        [ready] = services.add_photos(field.checkin, actor=world.worker, files=[
            samples.jpeg_upload("钢筋.jpg", width=1600, height=1200)])
        services.add_photos(field.mate_checkin, actor=field.mate,
                            files=[samples.jpeg_upload()])
        process_photo(ready.pk)
        log = services_log.prefill_log(world.site, timezone.localdate(), actor=world.pm)
        log = services_log.save_log(log, actor=world.pm, data={
            "weather": "overcast", "temperature_low": -2, "temperature_high": 6,
            "equipment": "汽车泵一台", "issues": "东侧围挡松动，已加固"})
    ready.refresh_from_db()
    assert ready.state == PhotoState.READY and ready.thumbnail
    return log


def _read(response) -> pypdf.PdfReader:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return pypdf.PdfReader(io.BytesIO(response.content))


def _text(reader: pypdf.PdfReader) -> str:
    return "".join(page.extract_text() for page in reader.pages)


def _images(reader: pypdf.PdfReader) -> int:
    return sum(len(page.images) for page in reader.pages)


def test_it_makes_a_chinese_pdf_with_the_work_photos_and_signature(world, log, login):
    with acting(Channel.TEST):
        signed = services_log.sign_log(log, actor=world.pm, signature_name="李项目")
    response = login(world.pm).get(reverse("fieldwork:log_pdf", args=[log.pk]))
    reader = _read(response)
    text = _text(reader)
    for expected in ("施工日志", "浦东一号工地", "浦东厂房扩建", "底板浇筑（孙施工）：底板钢筋绑扎",
                     "钢筋一班", "汽车泵一台", "东侧围挡松动，已加固", "阴", "李项目",
                     signed.content_hash):
        assert expected in text, expected
    assert _images(reader) == 2  # the thumbnail, and the image scaled down for the other
    disposition = response["Content-Disposition"]
    name = f"施工日志-浦东一号工地-{log.log_date.isoformat()}.pdf"
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote(name)}" in disposition


def test_it_marks_a_draft_and_survives_a_lost_photo_file(world, log, login):
    photo = log.site.photos.order_by("pk").last()
    default_storage.delete(photo.image.name)
    reader = _read(login(world.qc).get(reverse("fieldwork:log_pdf", args=[log.pk])))
    text = _text(reader)
    assert "草稿：尚未签署" in text and "照片无法读取" in text
    assert _images(reader) == 1


def test_it_answers_the_pdf_through_the_api_to_those_who_see_the_log(world, log, login):
    url = reverse("api:fieldwork_log_detail", args=[log.pk]) + "/pdf"
    assert "施工日志" in _text(_read(login(world.finance).get(url)))
    assert login(world.other_pm).get(url).status_code == 404
    assert login(world.worker).get(url).status_code in (403, 404)
