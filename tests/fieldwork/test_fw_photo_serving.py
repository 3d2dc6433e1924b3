"""Photo files are served only to those who see the photo, with safe headers; there is
no public media URL."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from eoms.core.context import Channel, acting
from eoms.fieldwork import services
from eoms.fieldwork.tasks import process_photo
from eoms.testing import photo_samples as samples
from eoms.testing.fieldwork_world import build_fieldwork

VIEWS = ("fieldwork:photo_image", "fieldwork:photo_original", "fieldwork:photo_thumb")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def field(world):
    field = build_fieldwork(world)
    with acting(Channel.TEST):
        [field.photo] = services.add_photos(field.checkin, actor=world.worker, files=[
            samples.jpeg_upload("现场.jpg", width=640, height=480)])
        [field.mate_photo] = services.add_photos(field.mate_checkin, actor=field.mate,
                                                 files=[samples.jpeg_upload()])
    return field


def url(name, photo):
    return reverse(name, kwargs={"pk": photo.pk})


def stored(name):
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize(("who", "whose", "status"), [
    ("worker", "photo", 200), ("worker", "mate_photo", 200),  # his own; his crew member's
    ("mate", "photo", 404), ("mate", "mate_photo", 200),
    ("pm", "photo", 200), ("manager", "photo", 200), ("finance", "photo", 200),
    ("other_pm", "photo", 404), ("client", "photo", 404), ("outsider", "photo", 404),
])
def test_it_serves_a_photo_only_to_those_who_see_it(world, field, login, view, who, whose,
                                                    status):
    user = field.mate if who == "mate" else getattr(world, who)
    response = login(user).get(url(view, getattr(field, whose)))
    assert response.status_code == status


@pytest.mark.parametrize("view", VIEWS)
def test_it_sends_anonymous_visitors_to_the_login_page(field, client, view):
    response = client.get(url(view, field.photo))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_serves_the_watermarked_image_with_safe_headers(world, field, login):
    response = login(world.pm).get(url("fieldwork:photo_image", field.photo))
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'inline; filename="photo-{field.photo.pk}.jpg"'
    assert response["Cache-Control"].startswith("private") and "public" not in response[
        "Cache-Control"]
    assert "sandbox" in response["Content-Security-Policy"]
    assert body(response) == stored(field.photo.image.name)


def test_it_serves_the_original_without_watermark(world, field, login):
    response = login(world.worker).get(url("fieldwork:photo_original", field.photo))
    assert response["Content-Disposition"] == (
        f'inline; filename="photo-{field.photo.pk}-original.jpg"')
    data = body(response)
    assert data == stored(field.photo.original.name) != stored(field.photo.image.name)


def test_it_serves_the_image_as_thumbnail_until_the_job_made_it(world, field, login):
    client = login(world.worker)
    pending = client.get(url("fieldwork:photo_thumb", field.photo))
    assert pending["Cache-Control"] == "private, no-cache"
    assert body(pending) == stored(field.photo.image.name)
    with acting(Channel.TEST):
        assert process_photo(field.photo.pk)
    field.photo.refresh_from_db()
    ready = client.get(url("fieldwork:photo_thumb", field.photo))
    assert ready["ETag"] != pending["ETag"]
    assert Image.open(io.BytesIO(body(ready))).size == (320, 240)


def test_it_answers_not_modified_to_a_matching_etag(world, field, login):
    client = login(world.worker)
    first = client.get(url("fieldwork:photo_image", field.photo))
    again = client.get(url("fieldwork:photo_image", field.photo),
                       HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"]


def test_it_answers_head_and_refuses_writes(world, field, login):
    client = login(world.worker)
    assert client.head(url("fieldwork:photo_image", field.photo)).status_code == 200
    assert client.post(url("fieldwork:photo_image", field.photo)).status_code == 405


def test_it_answers_not_found_when_the_file_is_lost(world, field, login):
    default_storage.delete(field.photo.image.name)
    response = login(world.worker).get(url("fieldwork:photo_image", field.photo))
    assert response.status_code == 404


def test_it_has_no_public_url_for_the_stored_files(world, field, login):
    client = login(world.manager)
    for name in (field.photo.image.name, field.photo.original.name):
        assert client.get(f"/media/{name}").status_code == 404
        assert client.get(f"/{name}").status_code == 404
