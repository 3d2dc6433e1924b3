"""Photos uploaded with a check-in: malicious files refused with nothing stored, real
photos (JPEG, PNG, HEIC, WebP) accepted, EXIF read then stripped, watermark drawn, the
original kept, thumbnails made after the commit, no file left by a rolled-back check-in."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageChops, ImageStat

from eoms.audit.models import AuditEntry
from eoms.core.context import Channel, acting
from eoms.fieldwork import photos, services
from eoms.fieldwork.choices import PhotoState
from eoms.fieldwork.models import CheckIn, Photo
from eoms.testing import photo_samples as samples
from eoms.testing.fieldwork_world import at_site
from eoms.testing.scheduling_world import build_schedule


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def files_in(media) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def check_in(world, files, actor=None, **kwargs):
    with acting(Channel.TEST):
        return services.check_in(world.site, actor=actor or world.worker, files=files,
                                 **at_site(world.site), **kwargs)


def read_stored(name: str) -> bytes:
    with default_storage.open(name, "rb") as stored:
        return stored.read()


def refusal(world, media, files) -> ValidationError:
    before = (CheckIn.objects.count(), Photo.objects.count())
    with pytest.raises(ValidationError) as caught:
        check_in(world, files)
    assert (CheckIn.objects.count(), Photo.objects.count()) == before
    assert files_in(media) == []
    return caught.value


EXPECTED = {
    "html_renamed_jpg": ("markup", "photo.jpg", "网页"),
    "svg_with_script": ("markup", "logo.svg", "SVG"),
    "svg_named_png": ("markup", "logo.png", "SVG"),
    "polyglot_jpeg_html": ("polyglot", "polyglot.jpg", "夹带"),
    "polyglot_jpeg_zip": ("polyglot", "polyglot.jpg", "夹带"),
    "pixel_flood_png": ("too_many_pixels", "flood.png", "40,000 万像素"),
    "truncated_jpeg": ("corrupt", "cut.jpg", "不完整"),
    "fifty_megabytes": ("too_large", "huge.jpg", "50.0 MB"),
    "gif": ("unsupported", "anim.gif", "GIF"),
    "bmp": ("unsupported", "photo.bmp", "BMP"),
    "tiff": ("unsupported", "scan.jpg", "TIFF"),
    "empty": ("empty", "empty.jpg", "空文件"),
}


@pytest.mark.parametrize("kind", sorted(samples.MALICIOUS))
def test_it_refuses_each_malicious_upload_and_stores_nothing(world, media, kind):
    code, name, words = EXPECTED[kind]
    error = refusal(world, media, [samples.MALICIOUS[kind]()])
    [detail] = error.error_dict["photos"]
    assert detail.code == code
    assert name in detail.message and words in detail.message, detail.message


def test_it_refuses_a_jpeg_with_a_script_in_its_comment(world, media):
    error = refusal(world, media, [samples.uploaded(samples.polyglot_jpeg_comment(), "c.jpg")])
    assert error.error_dict["photos"][0].code == "polyglot"


def test_it_refuses_a_50_megabyte_file_on_disk_by_its_size(world, media, tmp_path):
    path = samples.oversized_file(tmp_path / "huge.jpg")
    with open(path, "rb") as handle:
        error = refusal(world, media, [File(handle, name="现场大图.jpg")])
        assert handle.tell() == 0  # refused on its size: not a byte read
    assert "现场大图.jpg" in error.messages[0] and "25.0 MB" in error.messages[0]


def test_it_refuses_the_whole_checkin_when_one_photo_of_several_is_bad(world, media):
    files = [samples.jpeg_upload("好的.jpg"),
             samples.uploaded(samples.truncated_jpeg(), "坏的.jpg")]
    error = refusal(world, media, files)
    assert "坏的.jpg" in error.messages[0] and "好的.jpg" not in error.messages[0]


def test_it_refuses_more_photos_than_a_checkin_may_have(world, media, settings):
    settings.PHOTOS_PER_CHECKIN = 2
    error = refusal(world, media, [samples.jpeg_upload(f"{n}.jpg") for n in range(3)])
    assert error.error_dict["photos"][0].code == "too_many_photos"
    assert "最多 2 张" in error.messages[0]
    checkin = check_in(world, [samples.jpeg_upload()])
    with acting(Channel.TEST), pytest.raises(ValidationError) as caught:
        services.add_photos(checkin, actor=world.worker,
                            files=[samples.jpeg_upload("a.jpg"), samples.jpeg_upload("b.jpg")])
    assert "已有 1 张" in caught.value.messages[0]
    assert checkin.photos.count() == 1


def test_it_accepts_jpeg_png_heic_and_webp_and_stores_jpeg(world, media):
    uploads = [samples.jpeg_upload("a.jpg"), samples.uploaded(samples.sample_png(alpha=True),
                                                              "b.png", "image/png"),
               samples.uploaded(samples.sample_heic(80, 60), "IMG_0001.HEIC", "image/heic"),
               samples.uploaded(samples.sample_webp(), "c.webp", "image/webp")]
    checkin = check_in(world, uploads)
    stored = list(checkin.photos.order_by("pk"))
    assert [p.source_format for p in stored] == ["jpeg", "png", "heif", "webp"]
    assert (stored[2].width, stored[2].height) == (80, 60)
    for photo in stored:
        assert photo.state == PhotoState.PROCESSING and photo.content_type == "image/jpeg"
        assert photo.taken_by == world.worker and photo.site == world.site
        for name in (photo.original.name, photo.image.name):
            assert name.startswith("photos/") and name.endswith(".jpg")
            assert Image.open(io.BytesIO(read_stored(name))).format == "JPEG"
    assert len(files_in(media)) == 8


def test_it_reads_exif_time_and_gps_then_strips_every_metadata(world, media):
    upload = samples.jpeg_upload("gps.jpg", width=320, height=240,
                                 taken_at=datetime(2026, 3, 2, 8, 15, 30), offset="+08:00",
                                 gps=(31.230416, 121.473701))
    [photo] = check_in(world, [upload]).photos.all()
    assert photo.taken_at == datetime(2026, 3, 2, 0, 15, 30, tzinfo=UTC)
    assert (photo.gps_latitude, photo.gps_longitude) == (Decimal("31.230416"),
                                                         Decimal("121.473701"))
    for name in (photo.original.name, photo.image.name):
        data = read_stored(name)
        assert b"Exif" not in data and b"2026:03:02" not in data
        image = Image.open(io.BytesIO(data))
        assert dict(image.getexif()) == {}
        assert "icc_profile" not in image.info and "exif" not in image.info


def test_it_takes_a_camera_time_without_offset_as_local_time(world, media):
    upload = samples.jpeg_upload(taken_at=datetime(2026, 3, 2, 8, 15), gps=(-33.8688, -151.2093))
    [photo] = check_in(world, [upload]).photos.all()
    assert timezone.localtime(photo.taken_at).replace(tzinfo=None) == datetime(2026, 3, 2, 8, 15)
    assert (photo.gps_latitude, photo.gps_longitude) == (Decimal("-33.8688"),
                                                         Decimal("-151.2093"))


def test_it_ignores_a_camera_clock_in_the_future(world, media):
    future = timezone.localtime() + timedelta(days=30)
    upload = samples.jpeg_upload(taken_at=future.replace(tzinfo=None))
    [photo] = check_in(world, [upload]).photos.all()
    assert photo.taken_at is None


def test_it_turns_a_rotated_photo_upright(world, media):
    [photo] = check_in(world, [samples.jpeg_upload(width=64, height=48,
                                                   orientation=6)]).photos.all()
    assert (photo.width, photo.height) == (48, 64)
    assert Image.open(io.BytesIO(read_stored(photo.original.name))).size == (48, 64)


def test_it_watermarks_the_delivered_image_and_keeps_the_original(world, media):
    [photo] = check_in(world, [samples.jpeg_upload(width=800, height=600)]).photos.all()
    original = Image.open(io.BytesIO(read_stored(photo.original.name))).convert("RGB")
    marked = Image.open(io.BytesIO(read_stored(photo.image.name))).convert("RGB")
    assert original.size == marked.size == (800, 600)
    difference = ImageChops.difference(original, marked)
    top, band = difference.crop((0, 0, 800, 400)), difference.crop((0, 500, 800, 600))
    assert max(ImageStat.Stat(top).mean) < 2  # above the band: the same picture
    assert max(ImageStat.Stat(band).mean) > 20  # the band: darkened, with text
    brightest = marked.crop((0, 500, 800, 600)).convert("L").getextrema()[1]
    assert brightest > 200  # white letters on the dark band


def test_it_writes_the_project_and_site_into_the_watermark(world):
    lines = photos.watermark_lines(site=world.site, actor=world.worker,
                                   at=timezone.now(), taken_at=None,
                                   latitude=Decimal("31.2"), longitude=Decimal("121.4"))
    assert world.site.name in lines[1] and world.project.name in lines[2]
    assert world.project.code in lines[2] and "31.20000, 121.40000" in lines[3]


def test_it_draws_chinese_with_the_shipped_font(world):
    font = photos.font_path()
    assert font.endswith("wqy-microhei.ttc")
    picture = Image.new("RGB", (400, 200), (90, 90, 90))
    latin = photos.images.watermark(picture, ["工地"], font_path=None)
    chinese = photos.images.watermark(picture, ["工地"], font_path=font)
    assert ImageChops.difference(latin, chinese).getbbox() is not None


def test_it_leaves_no_file_when_the_checkin_is_refused_after_its_photos_were_written(
        world, media):
    plan = build_schedule(world)
    before = Photo.objects.count()
    with acting(Channel.TEST), pytest.raises(ValidationError) as caught:
        services.check_in(world.site, actor=world.pm, task=plan.summary, progress_percent=40,
                          files=[samples.jpeg_upload()], **at_site(world.site))
    assert caught.value.code == "summary"  # refused after photos.save wrote the files
    assert Photo.objects.count() == before and files_in(media) == []


def test_it_deletes_the_files_when_the_callers_transaction_rolls_back(world, media):
    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        checkin = check_in(world, [samples.jpeg_upload(), samples.jpeg_upload()])
        assert checkin.photos.count() == 2 and len(files_in(media)) == 4
        raise Refused
    assert files_in(media) == [] and Photo.objects.count() == 0


def test_it_makes_the_thumbnail_after_the_commit(world, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [photo] = check_in(world, [samples.jpeg_upload(width=1000, height=500)]).photos.all()
    photo.refresh_from_db()
    assert photo.state == PhotoState.READY and photo.thumbnail.name.startswith("photos/")
    assert Image.open(io.BytesIO(read_stored(photo.thumbnail.name))).size == (320, 160)
    assert AuditEntry.objects.filter(event="photo.processed", object_id=str(photo.pk)).exists()
    assert len(files_in(media)) == 3


def test_it_marks_the_photo_failed_when_its_file_is_gone(world, media,
                                                         django_capture_on_commit_callbacks):
    from eoms.fieldwork.tasks import process_photo

    [photo] = check_in(world, [samples.jpeg_upload()]).photos.all()
    default_storage.delete(photo.original.name)
    with acting(Channel.TEST):
        assert process_photo(photo.pk) is False
    photo.refresh_from_db()
    assert photo.state == PhotoState.FAILED and not photo.thumbnail


@pytest.mark.django_db(transaction=True)
def test_it_keeps_committed_photos_and_drops_rolled_back_ones_for_real(media):
    from eoms.testing.world import build_world

    world = build_world()

    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        check_in(world, [samples.jpeg_upload()])
        raise Refused
    assert files_in(media) == []
    [photo] = check_in(world, [samples.jpeg_upload()]).photos.all()  # commits
    photo.refresh_from_db()
    assert photo.state == PhotoState.READY
    assert sorted(files_in(media)) == sorted(
        [photo.original.name, photo.image.name, photo.thumbnail.name])
