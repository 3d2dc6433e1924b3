"""Quality archives (质量档案): the archived versions of orders' quality reports, one
version, and its PDF (the SHA-256 re-checked on the way out; a file that no longer
matches answers 409 problem+json and is not sent).

Note: no `from __future__ import annotations` here: django-ninja reads the annotations.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from eoms.core.access import VIEW, can
from eoms.core.api import ApiError, LinkPagination
from eoms.quality import services_archive
from eoms.quality.models import QualityArchive

router = Router()


class ArchiveOut(Schema):
    id: int
    order: str = Field(..., alias="order.code")
    order_id: int
    version: int
    sha256: str
    size_bytes: int
    page_count: int
    reason: str
    created_at: dt.datetime
    download_url: str

    @staticmethod
    def resolve_download_url(obj: QualityArchive) -> str:
        return reverse("api:quality_archive_download", args=[obj.pk])


class ArchiveFilters(Schema):
    order: str | None = Field(None, max_length=40, description="订单编号或 id")


def _find(user: Any, pk: int) -> QualityArchive:
    found = QualityArchive.objects.for_user(user).select_related("order").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@router.get("/archives", response=list[ArchiveOut], url_name="quality_archives",
            operation_id="quality_archives_list", summary="质量档案列表（按角色限定范围）")
@paginate(LinkPagination)
def list_archives(request: HttpRequest, filters: Query[ArchiveFilters]) -> Any:
    user = request.user
    if not can(user, VIEW, QualityArchive):
        raise PermissionDenied()
    qs = QualityArchive.objects.for_user(user).select_related("order")
    if filters.order:
        key = filters.order.strip()
        qs = qs.filter(order_id=int(key)) if key.isdigit() else qs.filter(
            order__code__iexact=key)
    return qs.order_by("-created_at", "-pk")


@router.get("/archives/{int:pk}", response=ArchiveOut, url_name="quality_archive",
            operation_id="quality_archive_get", summary="质量档案详情")
def get_archive(request: HttpRequest, pk: int) -> Any:
    return _find(request.user, pk)


@router.get("/archives/{int:pk}/pdf", url_name="quality_archive_download",
            operation_id="quality_archive_download", summary="下载质量档案 PDF（校验 SHA-256）")
def download_archive(request: HttpRequest, pk: int) -> HttpResponseBase:
    archive = _find(request.user, pk)
    try:
        verified = services_archive.open_verified(archive)
    except FileNotFoundError:
        raise ApiError(410, _("质量档案文件已丢失。"))
    except services_archive.ArchiveTampered as exc:
        raise ApiError(409, _("质量档案校验失败"), str(exc), sha256=archive.sha256)
    response = FileResponse(verified, content_type="application/pdf", as_attachment=True,
                            filename=f"{archive.order.code}-quality-v{archive.version}.pdf")
    response["X-Content-SHA256"] = archive.sha256
    response["Cache-Control"] = "private, no-store"
    return response
