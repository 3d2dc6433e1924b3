"""Files of a batch, served only to those who see it: the certificate (合格证) and test
report (检测报告) as stored, the QR label as PNG or SVG, and a delivery's label sheet
(PDF). Never through a public media URL: names are random and MEDIA is not served."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from eoms.core.access import VIEW
from eoms.materials import labels
from eoms.materials.models import Delivery, ReceivedBatch
from eoms.materials.views_records import batch_for

EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg"}


def _safe(response: HttpResponseBase, filename: str, *, inline: bool = True) -> HttpResponseBase:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = str(content_disposition_header(not inline, filename))
    return response


def _stored(name: str, content_type: str, filename: str) -> HttpResponseBase:
    if not name:
        raise Http404(_("没有这个文件。"))
    try:
        stream = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404(_("文件已丢失。"))
    return _safe(FileResponse(stream, content_type=content_type), filename)


@login_required
@require_safe
def batch_certificate(request: HttpRequest, code: str) -> HttpResponseBase:
    batch = batch_for(request.user, code)
    ext = EXTENSIONS.get(batch.certificate_type, "bin")
    return _stored(batch.certificate_file.name, batch.certificate_type,
                   _("合格证-%(b)s.%(e)s") % {"b": batch.batch_number, "e": ext})


@login_required
@require_safe
def batch_test_report(request: HttpRequest, code: str) -> HttpResponseBase:
    batch = batch_for(request.user, code)
    ext = EXTENSIONS.get(batch.test_report_type, "bin")
    return _stored(batch.test_report_file.name, batch.test_report_type,
                   _("检测报告-%(b)s.%(e)s") % {"b": batch.batch_number, "e": ext})


@login_required
@require_safe
def batch_label_png(request: HttpRequest, code: str) -> HttpResponseBase:
    batch = batch_for(request.user, code)
    return _safe(HttpResponse(labels.png(batch), content_type="image/png"),
                 f"{batch.label_code}.png")


@login_required
@require_safe
def batch_label_svg(request: HttpRequest, code: str) -> HttpResponseBase:
    batch = batch_for(request.user, code)
    return _safe(HttpResponse(labels.svg(batch), content_type="image/svg+xml"),
                 f"{batch.label_code}.svg")


@login_required
@require_safe
def delivery_labels(request: HttpRequest, pk: int) -> HttpResponseBase:
    delivery = get_object_or_404(Delivery.objects.for_user(request.user, VIEW), pk=pk)
    batches = list(ReceivedBatch.objects.filter(delivery=delivery).select_related(
        "material", "supplier", "delivery").order_by("pk"))
    title = _("材料标签-%(c)s") % {"c": delivery.code}
    return _safe(HttpResponse(labels.sheet_pdf(batches, title), content_type="application/pdf"),
                 f"{title}.pdf")
