"""Sample photos for tests: real images made with Pillow (JPEG with EXIF, PNG, WebP, HEIC)
and the malicious uploads the photo pipeline must refuse.

    from eoms.testing.photo_samples import jpeg_upload, sample_jpeg, MALICIOUS
    services.check_in(site, actor=worker, files=[jpeg_upload("现场.jpg")])
    sample_jpeg(800, 600, taken_at=datetime(2024, 5, 6, 7, 8, 9), offset="+08:00",
                gps=(31.2304, 121.4737))           # bytes, EXIF time and position
    for name, make in MALICIOUS.items(): make()    # SimpleUploadedFile, each one refused
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

Color = tuple[int, int, int]
DEFAULT_COLOR: Color = (40, 110, 190)
EXIF_IFD, GPS_IFD = 0x8769, 0x8825
DATETIME_ORIGINAL, OFFSET_TIME_ORIGINAL, ORIENTATION = 0x9003, 0x9011, 0x0112
FLOOD_SIDE = 20_000
SCRIPT = b"<html><body><script>alert(document.cookie)</script></body></html>"


def _picture(width: int, height: int, color: Color, mode: str = "RGB") -> Image.Image:
    """A plain colour with a lighter square in the top-left corner, so rotation and the
    watermark band can be seen in the pixels."""
    image = Image.new(mode, (width, height), color if mode == "RGB" else (*color, 255))
    mark = tuple(min(255, c + 100) for c in color)
    ImageDraw.Draw(image).rectangle(
        (0, 0, max(1, width // 4), max(1, height // 4)),
        fill=mark if mode == "RGB" else (*mark, 255))
    return image


def _dms(value: float) -> tuple[float, float, float]:
    units = round(abs(value) * 36_000_000)  # 1/10,000 of an arc second
    degrees, rest = divmod(units, 36_000_000)
    minutes, rest = divmod(rest, 600_000)
    return float(degrees), float(minutes), rest / 10_000


def make_exif(*, taken_at: datetime | None = None, offset: str | None = None,
              gps: tuple[float, float] | None = None,
              orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    if orientation is not None:
        exif[ORIENTATION] = orientation
    if taken_at is not None:
        exif[0x0132] = taken_at.strftime("%Y:%m:%d %H:%M:%S")  # DateTime (file change)
        details = exif.get_ifd(EXIF_IFD)
        details[DATETIME_ORIGINAL] = taken_at.strftime("%Y:%m:%d %H:%M:%S")
        if offset is not None:
            details[OFFSET_TIME_ORIGINAL] = offset
    if gps is not None:
        latitude, longitude = gps
        position = exif.get_ifd(GPS_IFD)
        position[0] = b"\x02\x02\x00\x00"
        position[1] = "N" if latitude >= 0 else "S"
        position[2] = _dms(latitude)
        position[3] = "E" if longitude >= 0 else "W"
        position[4] = _dms(longitude)
    return exif


def sample_jpeg(width: int = 64, height: int = 48, *, color: Color = DEFAULT_COLOR,
                taken_at: datetime | None = None, offset: str | None = None,
                gps: tuple[float, float] | None = None, orientation: int | None = None,
                quality: int = 90, comment: bytes | None = None) -> bytes:
    """A real JPEG; EXIF capture time, offset, GPS position and orientation when given."""
    exif = make_exif(taken_at=taken_at, offset=offset, gps=gps, orientation=orientation)
    buffer = io.BytesIO()
    extra = {"comment": comment} if comment is not None else {}
    _picture(width, height, color).save(buffer, "JPEG", quality=quality,
                                        exif=exif.tobytes(), **extra)
    return buffer.getvalue()


def sample_png(width: int = 64, height: int = 48, *, color: Color = DEFAULT_COLOR,
               alpha: bool = False) -> bytes:
    buffer = io.BytesIO()
    _picture(width, height, color, "RGBA" if alpha else "RGB").save(buffer, "PNG")
    return buffer.getvalue()


def sample_webp(width: int = 64, height: int = 48, *, color: Color = DEFAULT_COLOR,
                taken_at: datetime | None = None, gps: tuple[float, float] | None = None
                ) -> bytes:
    buffer = io.BytesIO()
    exif = make_exif(taken_at=taken_at, gps=gps)
    _picture(width, height, color).save(buffer, "WEBP", quality=90, exif=exif.tobytes())
    return buffer.getvalue()


def sample_heic(width: int = 64, height: int = 48, *, color: Color = DEFAULT_COLOR,
                taken_at: datetime | None = None, offset: str | None = None,
                gps: tuple[float, float] | None = None) -> bytes:
    """A real HEIC (HEVC in HEIF), as an iPhone sends it."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    exif = make_exif(taken_at=taken_at, offset=offset, gps=gps)
    _picture(width, height, color).save(buffer, "HEIF", quality=80, exif=exif.tobytes())
    return buffer.getvalue()


def _other_format(fmt: str) -> bytes:
    buffer = io.BytesIO()
    _picture(32, 24, DEFAULT_COLOR).save(buffer, fmt)
    return buffer.getvalue()


def gif_bytes() -> bytes:
    return _other_format("GIF")


def bmp_bytes() -> bytes:
    return _other_format("BMP")


def tiff_bytes() -> bytes:
    return _other_format("TIFF")


def html_bytes() -> bytes:
    return b"<!DOCTYPE html>\n" + SCRIPT


def svg_bytes() -> bytes:
    return (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" '
            b'height="10" onload="alert(1)"><script>alert(document.domain)</script>'
            b'<rect width="10" height="10"/></svg>')


def polyglot_jpeg_html() -> bytes:
    """A valid JPEG that is also an HTML page: the page follows the image's end marker
    (a browser told it is HTML, or sniffing, would run the script)."""
    return sample_jpeg(64, 48) + SCRIPT


def polyglot_jpeg_zip() -> bytes:
    """A valid JPEG that is also a valid ZIP archive (GIFAR/JAR style): ZIP readers find
    the archive from its end."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("index.html", SCRIPT)
    return sample_jpeg(64, 48) + archive.getvalue()


def polyglot_jpeg_comment() -> bytes:
    """A valid JPEG whose comment segment carries a script."""
    return sample_jpeg(64, 48, comment=SCRIPT)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


@functools.cache
def pixel_flood_png(width: int = FLOOD_SIDE, height: int = FLOOD_SIDE) -> bytes:
    """A valid, fully decodable black PNG of width × height pixels (1 bit per pixel):
    about 50 KB on disk, 400 MB once decoded by Pillow."""
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", body)
            + _png_chunk(b"IEND", b""))


def truncated_jpeg() -> bytes:
    """A real photo-like JPEG cut off in the middle of its image data."""
    image = Image.effect_noise((320, 240), 60).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    data = buffer.getvalue()
    return data[: len(data) * 6 // 10]


def oversized_bytes(size: int = 50 * 1024 * 1024) -> bytes:
    """A file of `size` bytes starting like a JPEG."""
    head = sample_jpeg(16, 16)
    return head + b"\x00" * max(0, size - len(head))


def oversized_file(path: Path, size: int = 50 * 1024 * 1024) -> Path:
    """The same on disk (sparse where the file system allows)."""
    head = sample_jpeg(16, 16)
    with open(path, "wb") as handle:
        handle.write(head)
        handle.truncate(size)
    return path


def uploaded(data: bytes, name: str, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def jpeg_upload(name: str = "现场照片.jpg", **kwargs: Any) -> SimpleUploadedFile:
    """A small real JPEG as a browser uploads it; kwargs go to sample_jpeg."""
    return uploaded(sample_jpeg(**kwargs), name)


MALICIOUS: dict[str, Callable[[], SimpleUploadedFile]] = {
    "html_renamed_jpg": lambda: uploaded(html_bytes(), "photo.jpg"),
    "svg_with_script": lambda: uploaded(svg_bytes(), "logo.svg", "image/svg+xml"),
    "svg_named_png": lambda: uploaded(svg_bytes(), "logo.png", "image/png"),
    "polyglot_jpeg_html": lambda: uploaded(polyglot_jpeg_html(), "polyglot.jpg"),
    "polyglot_jpeg_zip": lambda: uploaded(polyglot_jpeg_zip(), "polyglot.jpg"),
    "pixel_flood_png": lambda: uploaded(pixel_flood_png(), "flood.png", "image/png"),
    "truncated_jpeg": lambda: uploaded(truncated_jpeg(), "cut.jpg"),
    "fifty_megabytes": lambda: uploaded(oversized_bytes(), "huge.jpg"),
    "gif": lambda: uploaded(gif_bytes(), "anim.gif", "image/gif"),
    "bmp": lambda: uploaded(bmp_bytes(), "photo.bmp", "image/bmp"),
    "tiff": lambda: uploaded(tiff_bytes(), "scan.jpg"),
    "empty": lambda: uploaded(b"", "empty.jpg"),
}
