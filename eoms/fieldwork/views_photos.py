"""Site photos served to those who may see them: the watermarked image, the original
(re-encoded, without metadata) and the thumbnail. Never through a public media URL: the
storage names are random and MEDIA is not served; each request checks access."""

from __future__ import annotations

import hashlib

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from eoms.fieldwork.choices import PhotoState
from eoms.fieldwork.models import Photo

# A photo file never changes under its name; the browser may keep it, for this user only.
CACHE_READY = "private, max-age=3600"
CACHE_PENDING = "private, no-cache"


def _photo(request: HttpRequest, pk: int) -> Photo:
    return get_object_or_404(Photo.objects.for_user(request.user), pk=pk)


def _headers(response: HttpResponseBase, *, etag: str, cache: str,
             filename: str) -> HttpResponseBase:
    response["ETag"] = etag
    response["Cache-Control"] = cache
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _serve(request: HttpRequest, photo: Photo, name: str, *, filename: str,
           cache: str = CACHE_READY) -> HttpResponseBase:
    if not name:
        raise Http404(_("照片文件不存在。"))
    etag = '"' + hashlib.sha256(name.encode()).hexdigest()[:32] + '"'
    if etag in request.headers.get("If-None-Match", ""):
        return _headers(HttpResponseNotModified(), etag=etag, cache=cache, filename=filename)
    try:
        stream = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404(_("照片文件已丢失。"))
    response = FileResponse(stream, content_type="image/jpeg")
    return _headers(response, etag=etag, cache=cache, filename=filename)


@login_required
@require_safe
def photo_image(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The delivered photo, with its watermark (水印)."""
    photo = _photo(request, pk)
    return _serve(request, photo, photo.image.name, filename=f"photo-{photo.pk}.jpg")


@login_required
@require_safe
def photo_original(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The photo without watermark, at full size (re-encoded, metadata removed)."""
    photo = _photo(request, pk)
    return _serve(request, photo, photo.original.name,
                  filename=f"photo-{photo.pk}-original.jpg")


@login_required
@require_safe
def photo_thumb(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The thumbnail; the watermarked image until the background job has made it."""
    photo = _photo(request, pk)
    if photo.state == PhotoState.READY and photo.thumbnail:
        return _serve(request, photo, photo.thumbnail.name,
                      filename=f"photo-{photo.pk}-thumb.jpg")
    return _serve(request, photo, photo.image.name, filename=f"photo-{photo.pk}-thumb.jpg",
                  cache=CACHE_PENDING)
