"""The daily sweep removes photo files no Photo row names (left by a crash between
storing and committing) once they are a day old, and nothing else."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from eoms.core.context import Channel, acting
from eoms.fieldwork import services
from eoms.fieldwork.models import Photo
from eoms.fieldwork.orphans import recent_folders, sweep_orphan_photos
from eoms.testing import photo_samples as samples
from eoms.testing.fieldwork_world import at_site
from eoms.testing.scheduling_world import build_schedule


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_file(media, name: str, age: timedelta, now=None) -> str:
    saved = default_storage.save(name, ContentFile(b"\xff\xd8 left by a crash"))
    moment = ((now or timezone.now()) - age).timestamp()
    os.utime(media / saved, (moment, moment))
    return saved


def test_it_removes_old_unreferenced_files_only(world, media):
    build_schedule(world)
    with acting(Channel.TEST):
        checkin = services.check_in(world.site, actor=world.worker, **at_site(world.site),
                                    files=[samples.jpeg_upload("现场.jpg")])
    photo = Photo.objects.get(checkin=checkin)
    for field in ("original", "image"):  # a real photo's files, made old as well
        path = media / getattr(photo, field).name
        old = (timezone.now() - timedelta(days=3)).timestamp()
        os.utime(path, (old, old))
    folder = recent_folders(timezone.now())[-1]
    orphan = stored_file(media, f"{folder}/crashed.jpg", timedelta(days=2))
    fresh = stored_file(media, f"{folder}/uploading.jpg", timedelta(hours=2))

    assert sweep_orphan_photos() == [orphan]
    assert not default_storage.exists(orphan)
    assert default_storage.exists(fresh)
    assert default_storage.exists(photo.original.name)
    assert default_storage.exists(photo.image.name)


def test_it_looks_in_last_months_folder_too(world, media):
    now = timezone.now().replace(day=2)
    folders = recent_folders(now)
    last_month = (now.replace(day=1) - timedelta(days=1))
    assert folders == sorted({f"photos/{now:%Y/%m}", f"photos/{last_month:%Y/%m}"})
    orphan = stored_file(media, f"photos/{last_month:%Y/%m}/crashed.jpg", timedelta(days=5),
                         now)
    assert sweep_orphan_photos(now) == [orphan]


def test_it_does_nothing_without_photo_folders(db, media):
    assert sweep_orphan_photos() == []
