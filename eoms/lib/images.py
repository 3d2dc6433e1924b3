"""Photos from phones, checked and made safe: pure Pillow, no Django.

`load(data, max_bytes=…, max_pixels=…)` accepts a JPEG, PNG, WebP or HEIC/HEIF recognised
by its content (never its name), refuses everything else with `ImageRejected(code)`, and
returns the decoded picture turned upright, in sRGB, with the EXIF capture time and GPS
position read before the metadata is thrown away. `encode_jpeg`, `watermark` and
`thumbnail_jpeg` make the files that are stored; they never contain a byte of the upload.

Order of the checks, cheapest and safest first: byte size; the first bytes (signature);
polyglot checks on the raw bytes; the header's pixel count (Pillow reads only the header
on open); then the full decode, which catches truncated and damaged files.

Polyglots. A polyglot here is a file that is a valid image AND carries a second document
that a browser, an archive tool or a PDF reader would act on. Refused (code "polyglot"):
  * web content anywhere in the file: `<script`, `<!doctype`, `<html>`, `<iframe`,
    `<object`, `<embed`, `<body>`, `<?php`, `javascript:`, event handlers (`onload=`,
    `onerror=`) or the SVG namespace. Markers are at least 6 bytes long so compressed
    pixel data matches one by chance about once in a million 25 MB photos;
  * after the image's end (JPEG EOI, PNG IEND, the RIFF or ISO-BMFF box sizes), a trailer
    that is markup or another document (ZIP, PDF, executable, archive). Trailers that are
    pictures or video (the second JPEG of an MPO or depth map, the MP4 of a "motion
    photo") and cameras' binary trailers are allowed: they are simply not kept;
  * a file that a ZIP reader opens (the archive is found from the end of the file:
    GIFAR/JAR-style), or with a PDF header in its first 1024 bytes (PDF readers look there).
Anything such checks miss is neutralised all the same: the stored files are new JPEGs
encoded from the decoded pixels only — no metadata, comment, colour profile or trailer of
the upload survives — and they are served as image/jpeg with nosniff.
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
import re
import struct
import warnings
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pillow_heif
from PIL import Image, ImageCms, ImageDraw, ImageFile, ImageFont, ImageOps

pillow_heif.register_heif_opener()

__all__ = [
    "FORMATS",
    "ImageRejected",
    "LoadedPhoto",
    "check_size",
    "encode_jpeg",
    "load",
    "sniff",
    "thumbnail_jpeg",
    "watermark",
]

JPEG_QUALITY = 85
THUMBNAIL_SIDE = 320
PDF_HEADER_WINDOW = 1024
# Formats accepted, as named by sniff(), and the Pillow plugins allowed to open them.
FORMATS = {"jpeg": ("JPEG", "MPO"), "png": ("PNG",), "webp": ("WEBP",), "heif": ("HEIF",)}
HEVC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"}
HEIF_BRANDS = HEVC_BRANDS | {b"mif1", b"msf1", b"heif"}
AVIF_BRANDS = {b"avif", b"avis"}
# Searched in the lower-cased file: plain substrings first (fast), then short patterns,
# each with a literal start (one case-insensitive alternation takes seconds on 10 MB).
ACTIVE_MARKERS = (b"<script", b"<!doctype", b"<iframe", b"<object", b"<embed",
                  b"javascript:", b"http://www.w3.org/2000/svg")
ACTIVE_PATTERNS = (re.compile(rb"<(?:html|body)[\s>]"), re.compile(rb"<\?php\s"),
                   re.compile(rb"on(?:load|error)\s*="))
MARKUP_TRAILER = re.compile(
    rb"<\s*(?:script|html|svg|body|iframe|object|embed|\?php|\?xml|!doctype|a\s|img\s)")
DOCUMENT_SIGNATURES = (b"<", b"PK\x03\x04", b"PK\x05\x06", b"%PDF", b"MZ", b"\x7fELF",
                       b"#!", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b", b"\xca\xfe\xba\xbe")
OTHER_FORMATS = (
    (b"GIF87a", "GIF"), (b"GIF89a", "GIF"), (b"BM", "BMP"), (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"), (b"\x00\x00\x01\x00", "ICO"), (b"%PDF-", "PDF"),
    (b"8BPS", "PSD"), (b"PK\x03\x04", "ZIP"), (b"\xff\x0a", "JPEG XL"),
    (b"\x00\x00\x00\x0cJXL ", "JPEG XL"), (b"MZ", "EXE"), (b"\x7fELF", "ELF"),
)
EXIF_IFD, GPS_IFD = 0x8769, 0x8825
CAPTURE_TAGS = ((0x9003, 0x9011), (0x9004, 0x9012))  # (DateTimeOriginal, OffsetTimeOriginal),
#                                                     (DateTimeDigitized, OffsetTimeDigitized)
OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})$")


class ImageRejected(Exception):
    """Why an upload is refused: `code` is the message key, `params` fill the message."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(f"{code}: {params}" if params else code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class LoadedPhoto:
    image: Image.Image        # upright, RGB, sRGB, no metadata
    source_format: str        # "jpeg" | "png" | "webp" | "heif"
    size_bytes: int
    sha256: str
    taken_at: datetime | None  # aware when the camera recorded its UTC offset, else naive
    latitude: float | None
    longitude: float | None

    @property
    def width(self) -> int:
        return self.image.width

    @property
    def height(self) -> int:
        return self.image.height


def check_size(size: int, max_bytes: int) -> None:
    """Refuse by byte size, before a byte is read or decoded."""
    if size <= 0:
        raise ImageRejected("empty")
    if size > max_bytes:
        raise ImageRejected("too_large", size=size, limit=max_bytes)


def _heif_kind(head: bytes) -> str:
    major = head[8:12]
    brands = {major} | {head[i:i + 4] for i in range(16, min(len(head), 64), 4)}
    if major in AVIF_BRANDS or (brands & AVIF_BRANDS and not brands & HEVC_BRANDS):
        raise ImageRejected("unsupported", format="AVIF")
    if brands & HEIF_BRANDS:
        return "heif"
    raise ImageRejected("unsupported", format="MP4/MOV")


def sniff(head: bytes) -> str:
    """The format of a file from its first bytes (at least 64): a key of FORMATS, or
    ImageRejected("markup" | "unsupported" | "not_image" | "empty")."""
    if not head:
        raise ImageRejected("empty")
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        return _heif_kind(head)
    for signature, name in OTHER_FORMATS:
        if head.startswith(signature):
            raise ImageRejected("unsupported", format=name)
    if head.lstrip(b"\xef\xbb\xbf\xfe\xff\x00 \t\r\n").startswith(b"<"):
        raise ImageRejected("markup")
    raise ImageRejected("not_image")


# --- where the image ends -------------------------------------------------------------


def _jpeg_end(data: bytes) -> int:
    """Offset just past the first image's EOI marker (len(data) when there is none)."""
    position, size = 2, len(data)
    while position + 4 <= size:
        if data[position] != 0xFF:
            return size
        marker = data[position + 1]
        if marker == 0xFF:
            position += 1
        elif marker == 0xD9:
            return position + 2
        elif marker == 0x01 or 0xD0 <= marker <= 0xD7:
            position += 2
        else:
            position += 2 + int.from_bytes(data[position + 2:position + 4], "big")
            if marker == 0xDA:
                position = _after_scan(data, position)
    return size


def _after_scan(data: bytes, position: int) -> int:
    """Skip entropy-coded data: the next marker is a 0xFF not followed by 0x00 (a stuffed
    byte) nor by a restart marker."""
    while True:
        position = data.find(b"\xff", position)
        if position < 0 or position + 1 >= len(data):
            return len(data)
        following = data[position + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            position += 1 if following == 0xFF else 2
            continue
        return position


def _png_end(data: bytes) -> int:
    position = 8
    while position + 12 <= len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        kind = data[position + 4:position + 8]
        position += 12 + length
        if kind == b"IEND":
            return position
    return len(data)


def _riff_end(data: bytes) -> int:
    size = int.from_bytes(data[4:8], "little")
    return min(len(data), 8 + size + (size & 1))


def _bmff_end(data: bytes) -> int:
    """ISO base media (HEIF): walk the top-level boxes."""
    position = 0
    while position + 8 <= len(data):
        size = int.from_bytes(data[position:position + 4], "big")
        kind = data[position + 4:position + 8]
        if not kind.isalnum() and kind not in (b"free", b"skip"):
            return position
        if size == 1:
            size = int.from_bytes(data[position + 8:position + 16], "big")
        elif size == 0:
            return len(data)
        if size < 8:
            return position
        position += size
    return min(position, len(data))


IMAGE_END = {"jpeg": _jpeg_end, "png": _png_end, "webp": _riff_end, "heif": _bmff_end}


def _active_content(lowered: bytes) -> bool:
    return any(marker in lowered for marker in ACTIVE_MARKERS) or any(
        pattern.search(lowered) for pattern in ACTIVE_PATTERNS)


def _refuse_polyglot(data: bytes, kind: str) -> None:
    if _active_content(data.lower()):
        raise ImageRejected("polyglot")
    if b"%PDF-" in data[:PDF_HEADER_WINDOW]:
        raise ImageRejected("polyglot")
    trailer = data[IMAGE_END[kind](data):].lstrip(b"\x00 \t\r\n")
    media = trailer.startswith(b"\xff\xd8") or trailer[4:8] == b"ftyp"
    if not media and (trailer.startswith(DOCUMENT_SIGNATURES)
                      or MARKUP_TRAILER.search(trailer.lower())):
        raise ImageRejected("polyglot")
    try:
        is_zip = zipfile.is_zipfile(io.BytesIO(data))
    except (OSError, ValueError):
        is_zip = False
    if is_zip:
        raise ImageRejected("polyglot")


# --- decoding -------------------------------------------------------------------------


def _open(data: bytes, kind: str, max_pixels: int) -> Image.Image:
    """Open (header only) and check the pixel count before anything is decoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=FORMATS[kind])
    except Image.DecompressionBombError as error:
        # Pillow's own guard (twice its MAX_IMAGE_PIXELS) fired while reading the header.
        found = re.search(r"\((\d+) pixels\)", str(error))
        raise ImageRejected("too_many_pixels", pixels=int(found.group(1)) if found else 0,
                            limit=max_pixels)
    except (OSError, ValueError, SyntaxError, EOFError, struct.error):
        raise ImageRejected("corrupt")
    width, height = image.size
    if width <= 0 or height <= 0:
        raise ImageRejected("corrupt")
    if width * height > max_pixels:
        raise ImageRejected("too_many_pixels", pixels=width * height, limit=max_pixels)
    return image


def _decode(image: Image.Image) -> Image.Image:
    """Decode every pixel of the first frame; a truncated or damaged file is refused."""
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False: a "
                           "truncated upload would be stored half grey")
    try:
        image.load()
    except Image.DecompressionBombError:
        raise ImageRejected("too_many_pixels", pixels=image.width * image.height, limit=0)
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError, struct.error):
        raise ImageRejected("corrupt")
    return image


def _exif_time(exif: Image.Exif) -> datetime | None:
    details = exif.get_ifd(EXIF_IFD)
    for time_tag, offset_tag in CAPTURE_TAGS:
        raw = details.get(time_tag)
        if not isinstance(raw, str):
            continue
        try:
            moment = datetime.strptime(raw.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
        except ValueError:
            continue
        offset = OFFSET.match(str(details.get(offset_tag) or "").strip("\x00 "))
        if offset:
            sign = -1 if offset.group(1) == "-" else 1
            shift = timedelta(hours=int(offset.group(2)), minutes=int(offset.group(3)))
            if shift <= timedelta(hours=14):
                moment = moment.replace(tzinfo=timezone(sign * shift))
        return moment
    return None


def _degrees(value: Any, reference: Any, negative: str) -> float | None:
    try:
        degrees, minutes, seconds = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    number = degrees + minutes / 60 + seconds / 3600
    if not math.isfinite(number):
        return None
    if isinstance(reference, bytes):
        reference = reference.decode("ascii", "replace")
    return -number if str(reference).strip("\x00 ").upper() == negative else number


def _exif_position(exif: Image.Exif) -> tuple[float | None, float | None]:
    gps = exif.get_ifd(GPS_IFD)
    latitude = _degrees(gps.get(2), gps.get(1), "S")
    longitude = _degrees(gps.get(4), gps.get(3), "W")
    if latitude is None or longitude is None or not (
            -90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None, None
    if latitude == 0 and longitude == 0:  # phones write zeros when they had no fix
        return None, None
    return round(latitude, 6), round(longitude, 6)


def _flatten(image: Image.Image) -> Image.Image:
    """Any mode to RGB in sRGB: alpha over white, 16-bit scaled down, colour profile applied."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        image = image.point(lambda value: value * (1 / 256)).convert("L")
    elif image.mode == "F":
        image = image.convert("L")
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode == "P" and "transparency" in image.info)
    if has_alpha or image.mode == "P":
        image = image.convert("RGBA" if has_alpha else "RGB")
    if image.mode == "RGBA":
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image).convert("RGB")
    profile = image.info.get("icc_profile")
    if profile and image.mode in ("RGB", "L", "CMYK"):
        try:
            converted = ImageCms.profileToProfile(
                image, ImageCms.ImageCmsProfile(io.BytesIO(profile)),
                ImageCms.createProfile("sRGB"), outputMode="RGB")
            if converted is not None:
                image = converted
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a broken profile: keep the pixels as they are
    clean = image.convert("RGB")
    clean.info.clear()
    return clean


def load(data: bytes, *, max_bytes: int, max_pixels: int) -> LoadedPhoto:
    """Check and decode one upload; ImageRejected says why it is refused."""
    check_size(len(data), max_bytes)
    kind = sniff(data[:64])
    _refuse_polyglot(data, kind)
    image = _decode(_open(data, kind, max_pixels))
    exif = image.getexif()
    taken_at = _exif_time(exif)
    latitude, longitude = _exif_position(exif)
    try:
        upright = ImageOps.exif_transpose(image) or image
    except (OSError, ValueError, SyntaxError):
        upright = image
    if upright is not image:
        upright.info["icc_profile"] = image.info.get("icc_profile")
    return LoadedPhoto(image=_flatten(upright), source_format=kind, size_bytes=len(data),
                       sha256=hashlib.sha256(data).hexdigest(), taken_at=taken_at,
                       latitude=latitude, longitude=longitude)


# --- output ---------------------------------------------------------------------------


def encode_jpeg(image: Image.Image, quality: int = JPEG_QUALITY) -> bytes:
    """A baseline JPEG with nothing but the pixels (and the JFIF header)."""
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality, optimize=True)
    return buffer.getvalue()


def decode_own_jpeg(data: bytes, max_side: int | None = None) -> Image.Image:
    """Open a JPEG this module wrote (already checked); `max_side` lets libjpeg decode at
    a reduced scale."""
    image = Image.open(io.BytesIO(data), formats=["JPEG"])
    if max_side:
        image.draft("RGB", (max_side, max_side))
    image.load()
    return image.convert("RGB")


def thumbnail_jpeg(data: bytes, max_side: int = THUMBNAIL_SIDE) -> bytes:
    image = decode_own_jpeg(data, max_side)
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return encode_jpeg(image, quality=80)


@functools.lru_cache(maxsize=16)
def _font(path: str | None, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if path and Path(path).is_file():
        try:
            return ImageFont.truetype(path, size, index=0)
        except OSError:
            pass
    return ImageFont.load_default(size)


def _fit(draw: ImageDraw.ImageDraw, text: str, font: Any, width: float) -> str:
    """The line, cut with an ellipsis when it is wider than the band."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def watermark(image: Image.Image, lines: list[str], *, font_path: str | None = None,
              max_side: int | None = None) -> Image.Image:
    """The picture with `lines` written in white on a semi-transparent dark band along
    its bottom edge (水印). `font_path` must cover Chinese (a CJK TrueType font or
    collection); without it only Latin text renders. `max_side` scales the picture down
    first."""
    picture = image.convert("RGB")
    if max_side and max(picture.size) > max_side:
        picture.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    lines = [line for line in (str(text).strip() for text in lines) if line]
    if not lines:
        return picture
    width, height = picture.size
    size = max(10, round(min(width, height) * 0.032))
    font = _font(font_path, size)
    padding, leading = max(4, size // 2), round(size * 1.35)
    band_height = min(height, padding * 2 + leading * len(lines))
    corner = (0, height - band_height)
    band = picture.crop((*corner, width, height)).convert("RGBA")
    overlay = Image.new("RGBA", band.size, (0, 0, 0, 120))
    draw = ImageDraw.Draw(overlay)
    for number, line in enumerate(lines):
        text = _fit(draw, line, font, width - 2 * padding)
        draw.text((padding, padding + number * leading), text, font=font,
                  fill=(255, 255, 255, 235), stroke_width=size // 20,
                  stroke_fill=(0, 0, 0, 160))
    picture.paste(Image.alpha_composite(band, overlay).convert("RGB"), corner)
    return picture
