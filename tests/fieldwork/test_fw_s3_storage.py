"""Files on S3-compatible storage (a real S3 HTTP server on loopback): site photos,
thumbnails, downloads, the cleanup after a rollback, the orphan sweep, order attachments
and the stored imports all go through Django's storage and work on a bucket."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from eoms.core.context import Channel, acting
from eoms.core.import_store import StoredImport
from eoms.fieldwork import services
from eoms.fieldwork.models import Photo
from eoms.fieldwork.orphans import sweep_orphan_photos
from eoms.fieldwork.tasks import process_photo
from eoms.orders import attachments
from eoms.testing import photo_samples as samples
from eoms.testing.fieldwork_world import at_site
from eoms.testing.scheduling_world import build_schedule


def check_in(world, files):
    build_schedule(world)
    with acting(Channel.TEST):
        return services.check_in(world.site, actor=world.worker, files=files,
                                 **at_site(world.site))


def test_it_keeps_photos_and_thumbnails_in_the_bucket(world, s3_bucket, login):
    checkin = check_in(world, [samples.jpeg_upload("现场.jpg", width=800, height=600)])
    photo = Photo.objects.get(checkin=checkin)
    with acting(Channel.TEST):
        assert process_photo(photo.pk) is True
    photo.refresh_from_db()
    names = [photo.original.name, photo.image.name, photo.thumbnail.name]
    assert s3_bucket.keys() == sorted(f"eoms/{name}" for name in names)
    response = login(world.worker).get(reverse("fieldwork:photo_thumb",
                                               kwargs={"pk": photo.pk}))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body == s3_bucket.read(f"eoms/{photo.thumbnail.name}")
    assert body.startswith(b"\xff\xd8")


def test_it_removes_the_objects_of_a_rolled_back_check_in(world, s3_bucket):
    with pytest.raises(RuntimeError), transaction.atomic():
        check_in(world, [samples.jpeg_upload("现场.jpg")])
        assert len(s3_bucket.keys()) == 2  # the original and the watermarked copy
        raise RuntimeError("the request failed after the photos were stored")
    assert s3_bucket.keys() == []


def test_the_orphan_sweep_lists_the_bucket(world, s3_bucket):
    from datetime import timedelta

    from django.utils import timezone

    checkin = check_in(world, [samples.jpeg_upload("现场.jpg")])
    kept = sorted(f"eoms/{name}" for name in Photo.objects.filter(checkin=checkin)
                  .values_list("original", "image").get())
    assert sweep_orphan_photos(timezone.now() + timedelta(days=2)) == []
    assert s3_bucket.keys() == kept


def test_it_stores_and_serves_order_attachments(world, s3_bucket, login):
    with acting(Channel.TEST):
        attachment = attachments.add_attachment(
            build_schedule(world).order, actor=world.pm,
            uploaded_file=SimpleUploadedFile("说明.txt", "钢筋规格 HRB400".encode()))
    assert s3_bucket.keys() == [f"eoms/{attachment.file.name}"]
    with attachments.open_for_download(attachment) as stream:
        assert stream.read().decode() == "钢筋规格 HRB400"


def test_a_refused_attachment_leaves_no_object(world, s3_bucket):
    with pytest.raises(ValidationError), acting(Channel.TEST):
        attachments.add_attachment(build_schedule(world).order, actor=world.pm, uploaded_file=(
            SimpleUploadedFile("x.exe", b"MZ\x90\x00" + b"\x00" * 200)))
    assert s3_bucket.keys() == []


def test_stored_imports_claim_once_on_the_bucket(world, s3_bucket):
    stored = StoredImport.create(world.pm, b"PK\x03\x04 not really", kind="orders",
                                 filename="订单.xlsx", rows=1)
    assert stored.read_file() == b"PK\x03\x04 not really"
    assert stored.claim() is True
    assert stored.claim() is False
    stored.delete_all()
    assert s3_bucket.keys() == []
