"""Idempotency-Key for API POSTs: the same key replays the first answer, writing nothing.

The key is remembered per caller (token or session user) together with a hash of the
request body; the same key with another body is refused with 422. The record is written
in the same transaction as the work, so a failed request leaves no record and may be
retried, and concurrent retries wait for the first one and then replay its answer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

from eoms.core.api import problem_response
from eoms.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY = 200


def _owner(request: HttpRequest) -> str | None:
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return "t:" + hashlib.sha256(auth[7:].strip().encode()).hexdigest()[:40]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u:{user.pk}"
    return None


def _body_hash(request: HttpRequest) -> str:
    """SHA-256 of what the request says. A multipart form is hashed from its fields and
    files as Django parses them (files in chunks, spooled to disk when large): its raw
    body may exceed DATA_UPLOAD_MAX_MEMORY_SIZE, and its random boundary says nothing."""
    if request.content_type != "multipart/form-data":
        return hashlib.sha256(request.body).hexdigest()
    digest = hashlib.sha256(b"multipart/form-data\0")
    for name in sorted(request.POST):
        for value in request.POST.getlist(name):
            digest.update(json.dumps(["field", name, value]).encode())
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(json.dumps(["file", name, upload.name, upload.size]).encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def _replay(record: IdempotencyRecord, body_hash: str) -> HttpResponse:
    if record.body_hash != body_hash:
        return problem_response(422, _("幂等键冲突"),
                                _("同一个 Idempotency-Key 已用于另一个请求体。"))
    response = HttpResponse(bytes(record.response or b""), status=record.status or 200,
                            content_type=record.content_type)
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if request.method != "POST" or not key or not request.path.startswith("/api/"):
            return self.get_response(request)
        owner = _owner(request)
        if owner is None:
            return self.get_response(request)  # the API answers 401 itself
        if len(key) > MAX_KEY:
            return problem_response(422, _("输入有误"),
                                    _("Idempotency-Key 过长（最多 200 个字符）。"))
        try:
            body_hash = _body_hash(request)
        except MultiPartParserError:
            return problem_response(400, _("请求体无法解析"),
                                    _("multipart/form-data 格式有误。"))
        found = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
        if found is not None:
            return _replay(found, body_hash)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        owner=owner, key=key, method=request.method,
                        path=request.path[:300], body_hash=body_hash)
            except IntegrityError:
                record = None
            if record is None:
                # Another request with this key committed while we waited for the lock.
                return _replay(IdempotencyRecord.objects.get(owner=owner, key=key), body_hash)
            response = self.get_response(request)
            # A refused login or CSRF check wrote nothing: its retry must be heard again.
            if response.status_code >= 500 or response.status_code in (401, 403):
                transaction.set_rollback(True)
                return response
            record.status = response.status_code
            record.response = response.content
            record.content_type = response.get("Content-Type", "application/json")[:100]
            record.save(update_fields=["status", "response", "content_type"])
            return response
