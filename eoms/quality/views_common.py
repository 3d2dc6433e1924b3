"""What the quality pages share: a service's refusal as lines per item, and files served
only to those who may see them (never through a public media URL)."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _


def error_lines(exc: ValidationError) -> tuple[dict[str, list[str]], list[str]]:
    """(messages by field, messages of the whole form) of a service's refusal."""
    if not hasattr(exc, "error_dict"):
        return {}, list(exc.messages)
    fields = {name: list(found) for name, found in exc.message_dict.items()
              if name != "__all__"}
    return fields, list(exc.message_dict.get("__all__", []))


def serve_file(request: HttpRequest, name: str, *, filename: str,
               content_type: str) -> HttpResponseBase:
    if not name:
        raise Http404(_("文件不存在。"))
    try:
        stream = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404(_("文件已丢失。"))
    response = FileResponse(stream, content_type=content_type)
    response["ETag"] = '"' + hashlib.sha256(name.encode()).hexdigest()[:32] + '"'
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
