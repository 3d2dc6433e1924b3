"""eoms.lib.images: recognise, refuse, decode, read EXIF, re-encode, watermark (pure)."""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageCms, ImageFile, ImageStat

from eoms.lib import images
from eoms.testing import photo_samples as samples

LIMITS = {"max_bytes": 25 * 1024 * 1024, "max_pixels": 50_000_000}
FONT = str(Path(images.__file__).resolve().parent.parent / "static/fonts/wqy-microhei.ttc")


def load(data: bytes, **limits: int) -> images.LoadedPhoto:
    return images.load(data, **{**LIMITS, **limits})


def refused(data: bytes, **limits: int) -> images.ImageRejected:
    with pytest.raises(images.ImageRejected) as caught:
        load(data, **limits)
    return caught.value


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(
        ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def jpeg_markers(data: bytes) -> list[int]:
    """The markers of a JPEG up to its first scan."""
    found, position = [], 2
    while data[position] == 0xFF and data[position + 1] != 0xDA:
        found.append(data[position + 1])
        position += 2 + int.from_bytes(data[position + 2:position + 4], "big")
    return found


# --- what a file is ---------------------------------------------------------------------

@pytest.mark.parametrize(("data", "kind"), [
    (samples.sample_jpeg(), "jpeg"), (samples.sample_png(), "png"),
    (samples.sample_webp(), "webp"), (samples.sample_heic(), "heif"),
])
def test_it_recognises_the_four_formats_by_content(data, kind):
    assert images.sniff(data[:64]) == kind
    assert load(data).source_format == kind


@pytest.mark.parametrize(("data", "code", "params"), [
    (samples.html_bytes(), "markup", {}),
    (b"\xef\xbb\xbf  \n<html><body>hi</body></html>", "markup", {}),
    (samples.svg_bytes(), "markup", {}),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "markup", {}),
    (samples.gif_bytes(), "unsupported", {"format": "GIF"}),
    (samples.bmp_bytes(), "unsupported", {"format": "BMP"}),
    (samples.tiff_bytes(), "unsupported", {"format": "TIFF"}),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "unsupported", {"format": "PDF"}),
    (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf", "unsupported",
     {"format": "AVIF"}),
    (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2", "unsupported",
     {"format": "MP4/MOV"}),
    (b"MZ\x90\x00\x03\x00\x00\x00", "unsupported", {"format": "EXE"}),
    (b"just some text, not a photo", "not_image", {}),
    (b"", "empty", {}),
])
def test_it_refuses_what_is_not_an_accepted_photo(data, code, params):
    error = refused(data)
    assert (error.code, error.params) == (code, params)


def test_it_refuses_by_size_before_reading():
    with pytest.raises(images.ImageRejected) as caught:
        images.check_size(50 * 1024 * 1024, LIMITS["max_bytes"])
    assert caught.value.code == "too_large"
    assert caught.value.params == {"size": 50 * 1024 * 1024, "limit": LIMITS["max_bytes"]}
    assert refused(samples.sample_jpeg(), max_bytes=100).code == "too_large"


# --- pixel floods, truncation ------------------------------------------------------------

PROBE = """
import json, sys
from eoms.lib import images
from eoms.testing.photo_samples import pixel_flood_png

def peak_mb():  # VmHWM: this process's peak resident memory (ru_maxrss survives exec)
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024

data = pixel_flood_png(int(sys.argv[1]), int(sys.argv[1]))
before = peak_mb()
try:
    images.load(data, max_bytes=10**8, max_pixels=50_000_000)
    outcome = "accepted"
except images.ImageRejected as error:
    outcome = error.code
print(json.dumps({"outcome": outcome, "grown_mb": peak_mb() - before}))
"""


def probe(side: int) -> dict:
    """Load a side × side flood PNG in a fresh interpreter; how much memory it took."""
    root = Path(images.__file__).resolve().parent.parent.parent
    done = subprocess.run([sys.executable, "-c", PROBE, str(side)], cwd=root, check=True,
                          capture_output=True, text=True, timeout=120)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads Linux's VmHWM")
def test_it_refuses_a_pixel_flood_from_its_header_without_allocating():
    flood = probe(20_000)  # 20,000 × 20,000: 400 MB for Pillow once decoded, 2 GB as RGB
    assert flood["outcome"] == "too_many_pixels"
    assert flood["grown_mb"] < 20
    control = probe(4_000)  # the same PNG at 16 MP is decoded: the probe sees the memory
    assert control["outcome"] == "accepted" and control["grown_mb"] > 40


def test_it_counts_pixels_itself_below_pillows_own_bomb_limit():
    error = refused(samples.pixel_flood_png(10_000, 6_000))  # Pillow would only warn
    assert (error.code, error.params) == ("too_many_pixels",
                                          {"pixels": 60_000_000, "limit": 50_000_000})
    assert refused(samples.sample_jpeg(64, 48), max_pixels=3000).code == "too_many_pixels"


def test_it_refuses_a_truncated_jpeg_and_png():
    assert refused(samples.truncated_jpeg()).code == "corrupt"
    noisy = encoded(Image.effect_noise((200, 200), 80).convert("RGB"), "PNG")
    assert refused(noisy[: len(noisy) // 2]).code == "corrupt"


def test_it_refuses_to_run_when_truncated_images_are_allowed(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(RuntimeError, match="LOAD_TRUNCATED_IMAGES"):
        load(samples.truncated_jpeg())


# --- polyglots ---------------------------------------------------------------------------

def png_with(chunk: bytes = b"", trailer: bytes = b"") -> bytes:
    data = samples.sample_png()
    end = data.rindex(b"IEND") - 4
    return data[:end] + chunk + data[end:] + trailer


@pytest.mark.parametrize("data", [
    samples.polyglot_jpeg_html(),
    samples.polyglot_jpeg_zip(),
    samples.polyglot_jpeg_comment(),
    samples.sample_jpeg(comment=b"%PDF-1.4 1 0 obj<<>>endobj"),
    samples.sample_jpeg() + b"\n\n<svg onload=alert(1)>",
    samples.sample_jpeg() + b"PK\x03\x04" + b"\x00" * 40,
    png_with(chunk=png_chunk(b"tEXt", b"Comment\x00<script>alert(1)</script>")),
    png_with(trailer=b"<html><body>x</body></html>"),
    samples.sample_webp() + b"<?php system($_GET['c']); ?>",
    samples.sample_heic() + b"<iframe src=//evil>",
], ids=["jpeg+html", "jpeg+zip", "jpeg-comment-script", "jpeg+pdf-header", "jpeg+svg",
        "jpeg+zip-header", "png-text-script", "png+html", "webp+php", "heic+iframe"])
def test_it_refuses_polyglots(data):
    assert refused(data).code == "polyglot"


@pytest.mark.parametrize("trailer", [
    samples.sample_jpeg(32, 24),  # a second picture (MPO, depth map)
    b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64,  # a motion photo
    b"\x00\x00\x00\x00" + b"SEFH" + b"\x01\x02" * 20 + b"SEFT",  # a camera's binary trailer
    b"\x00" * 512,  # padding
], ids=["second-jpeg", "motion-photo", "camera-trailer", "padding"])
def test_it_accepts_what_phones_append_after_the_picture_and_drops_it(trailer):
    photo = load(samples.sample_jpeg(64, 48) + trailer)
    stored = images.encode_jpeg(photo.image)
    assert trailer[-16:] not in stored and stored.endswith(b"\xff\xd9")


# --- decoding ------------------------------------------------------------------------------

def test_it_reads_capture_time_with_offset_and_gps_with_references():
    photo = load(samples.sample_jpeg(taken_at=datetime(2024, 5, 6, 7, 8, 9), offset="-03:30",
                                     gps=(-22.906847, -43.172897)))
    assert photo.taken_at == datetime(2024, 5, 6, 7, 8, 9,
                                      tzinfo=timezone(-timedelta(hours=3, minutes=30)))
    assert (photo.latitude, photo.longitude) == (-22.906847, -43.172897)


def test_it_reads_heic_and_webp_metadata_too():
    heic = load(samples.sample_heic(taken_at=datetime(2024, 1, 2, 3, 4, 5), offset="+08:00",
                                    gps=(39.9042, 116.4074)))
    assert heic.taken_at == datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=8)))
    assert (heic.latitude, heic.longitude) == (39.9042, 116.4074)
    webp = load(samples.sample_webp(taken_at=datetime(2024, 1, 2, 3, 4, 5)))
    assert webp.taken_at == datetime(2024, 1, 2, 3, 4, 5)  # no offset: naive


def exif_jpeg(**tags) -> bytes:
    exif = Image.Exif()
    details, gps = exif.get_ifd(images.EXIF_IFD), exif.get_ifd(images.GPS_IFD)
    for key, value in tags.items():
        target, number = (gps, int(key[3:])) if key.startswith("gps") else (details,
                                                                            int(key[1:], 16))
        target[number] = value
    return encoded(Image.new("RGB", (16, 16)), "JPEG", exif=exif.tobytes())


def test_it_ignores_unusable_capture_times_and_positions():
    blank = load(exif_jpeg(x9003="0000:00:00 00:00:00", gps1="N", gps2=(0.0, 0.0, 0.0),
                           gps3="E", gps4=(0.0, 0.0, 0.0)))
    assert (blank.taken_at, blank.latitude, blank.longitude) == (None, None, None)
    digitized = load(exif_jpeg(x9004="2023:12:31 23:59:59", x9012="+09:00", gps1="N",
                               gps2=(95.0, 0.0, 0.0), gps3="E", gps4=(1.0, 0.0, 0.0)))
    assert digitized.taken_at == datetime(2023, 12, 31, 23, 59, 59,
                                          tzinfo=timezone(timedelta(hours=9)))
    assert digitized.latitude is None  # 95° north does not exist
    assert load(samples.sample_jpeg()).taken_at is None


@pytest.mark.parametrize(("orientation", "size", "bright_corner"), [
    (1, (64, 48), (2, 2)), (3, (64, 48), (61, 45)), (6, (48, 64), (45, 2)),
    (8, (48, 64), (2, 61)),
])
def test_it_applies_the_exif_orientation(orientation, size, bright_corner):
    photo = load(samples.sample_jpeg(64, 48, orientation=orientation))
    assert photo.image.size == size
    assert sum(photo.image.getpixel(bright_corner)) > sum(samples.DEFAULT_COLOR) + 150


def test_it_turns_every_mode_into_plain_rgb():
    transparent = Image.new("RGBA", (20, 20), (255, 0, 0, 0))
    flat = load(encoded(transparent, "PNG")).image
    assert flat.mode == "RGB" and flat.getpixel((5, 5)) == (255, 255, 255)
    deep = Image.new("I;16", (20, 20), 65535)
    assert load(encoded(deep, "PNG")).image.getpixel((1, 1)) == (255, 255, 255)
    palette = Image.new("P", (20, 20), 3)
    palette.putpalette([0, 0, 0, 10, 10, 10, 20, 20, 20, 200, 0, 0])
    assert load(encoded(palette, "PNG", transparency=3)).image.getpixel((1, 1)) == (
        255, 255, 255)
    cmyk = Image.new("CMYK", (20, 20), (0, 255, 255, 0))
    red = load(encoded(cmyk, "JPEG")).image.getpixel((1, 1))
    assert red[0] > 200 and red[1] < 60 and red[2] < 60


def test_it_writes_jpegs_with_nothing_but_pixels():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    upload = samples.sample_jpeg(taken_at=datetime(2024, 5, 6, 7, 8, 9), gps=(31.2, 121.4),
                                 comment=b"made by a phone")
    rich = Image.open(io.BytesIO(upload))
    with_profile = encoded(rich, "JPEG", exif=rich.getexif().tobytes(), icc_profile=profile)
    output = images.encode_jpeg(load(with_profile).image)
    assert jpeg_markers(output) and set(jpeg_markers(output)) <= {0xE0, 0xDB, 0xC0, 0xC4}
    reopened = Image.open(io.BytesIO(output))
    assert dict(reopened.getexif()) == {} and "icc_profile" not in reopened.info
    assert b"made by a phone" not in output and b"Exif" not in output


def test_it_makes_thumbnails_of_at_most_320_pixels():
    wide = images.encode_jpeg(Image.new("RGB", (1600, 900), (10, 200, 30)))
    assert Image.open(io.BytesIO(images.thumbnail_jpeg(wide))).size == (320, 180)
    small = images.encode_jpeg(Image.new("RGB", (100, 50)))
    assert Image.open(io.BytesIO(images.thumbnail_jpeg(small))).size == (100, 50)


# --- watermark -----------------------------------------------------------------------------

def test_it_draws_a_band_with_the_lines_at_the_bottom_only():
    picture = Image.new("RGB", (800, 600), (180, 180, 180))
    marked = images.watermark(picture, ["2026-03-02 08:15", "工地：一号楼", "项目：滨江花园"],
                              font_path=FONT)
    difference = ImageChops.difference(picture, marked)
    assert difference.crop((0, 0, 800, 450)).getbbox() is None
    band = marked.crop((0, 520, 800, 600))
    assert ImageStat.Stat(band).mean[0] < 150  # darkened
    assert band.convert("L").getextrema()[1] > 220  # white letters


def test_it_draws_chinese_glyphs_not_empty_boxes():
    def drawn(text: str) -> Image.Image:
        blank = Image.new("RGB", (300, 200), (0, 0, 0))
        return images.watermark(blank, [text], font_path=FONT).crop((0, 150, 300, 200))

    assert ImageChops.difference(drawn("工地"), drawn("项目")).getbbox() is not None
    assert ImageChops.difference(drawn("工地"), drawn("\ue000\ue001")).getbbox() is not None


def test_it_cuts_long_lines_and_scales_big_pictures():
    picture = Image.new("RGB", (4000, 3000), (90, 90, 90))
    marked = images.watermark(picture, ["很长的工地名称" * 40], font_path=FONT, max_side=2560)
    assert marked.size == (2560, 1920)
    assert images.watermark(picture, ["", "  "]).size == (4000, 3000)


def test_it_falls_back_to_pillows_latin_font_without_a_font_file():
    picture = Image.new("RGB", (400, 300), (90, 90, 90))
    marked = images.watermark(picture, ["2026-03-02 08:15"], font_path="/no/such/font.ttf")
    assert ImageChops.difference(picture, marked).getbbox() is not None
