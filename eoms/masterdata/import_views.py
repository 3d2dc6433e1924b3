"""Excel import pages for master data: upload → check (dry run) → confirm → result.

Small files are checked and imported during the request; larger ones (more than
`SYNC_ROWS` rows) as background jobs whose progress the page shows live. Only users allowed
both to add and to change the model may import.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from eoms.core import import_store as store
from eoms.core import jobs
from eoms.core.access import ADD, CHANGE, can
from eoms.core.import_spec import ImportFileError, ImportReport, error_report
from eoms.core.models import Job
from eoms.masterdata.imports import IMPORTERS, MasterImporter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_ERRORS = 200


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel 文件（.xlsx）"),
        widget=forms.FileInput(attrs={"accept": f".xlsx,{XLSX}"}),
        error_messages={"required": gettext_lazy("请选择要上传的 .xlsx 文件。"),
                        "empty": gettext_lazy("文件是空的。")},
    )


def _importer(request: HttpRequest, kind: str) -> type[MasterImporter]:
    cls = IMPORTERS.get(kind)
    if cls is None:
        raise Http404
    if not (can(request.user, ADD, cls.model) and can(request.user, CHANGE, cls.model)):
        raise PermissionDenied(ADD)
    return cls


def _stored(request: HttpRequest, kind: str, token: str) -> tuple[store.StoredImport, dict]:
    try:
        stored = store.StoredImport(int(request.user.pk or 0), token)
    except LookupError:
        raise Http404
    meta = stored.meta()
    if meta is None or meta.get("kind") != kind:
        raise Http404
    return stored, meta


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response


def _base(kind: str, cls: type[MasterImporter]) -> dict[str, Any]:
    return {"kind": kind, "title": _("导入%(model)s") % {"model": cls.model._meta.verbose_name},
            "model_label": cls.model._meta.verbose_name,
            "list_url": reverse(f"masterdata:{kind}_list"),
            "upload_url": reverse(f"masterdata:{kind}_import"),
            "template_url": reverse(f"masterdata:{kind}_import_template")}


@login_required
def template_view(request: HttpRequest, kind: str) -> HttpResponse:
    cls = _importer(request, kind)
    name = _("%(model)s导入模板.xlsx") % {"model": cls.model._meta.verbose_name}
    return _xlsx_response(cls(request.user).template(), name)


@login_required
def upload_view(request: HttpRequest, kind: str) -> HttpResponse:
    cls = _importer(request, kind)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > settings.UPLOAD_MAX_BYTES:
                raise ImportFileError(_("文件太大：上限为 %(limit)s。")
                                      % {"limit": filesizeformat(settings.UPLOAD_MAX_BYTES)})
            data = upload.read()
            _headers, rows = cls(request.user).read(data)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            stored = store.StoredImport.create(request.user, data, kind=kind,
                                               filename=upload.name, rows=len(rows))
            _process(request, kind, cls, stored, dry_run=True)
            return redirect(f"masterdata:{kind}_import_preview", token=stored.token)
    return render(request, "masterdata/import_upload.html", {
        **_base(kind, cls), "form": form, "sync_rows": store.SYNC_ROWS,
        "max_rows": cls.max_rows, "max_size": settings.UPLOAD_MAX_BYTES,
        "columns": cls.columns,
    })


def _process(request: HttpRequest, kind: str, cls: type[MasterImporter],
             stored: store.StoredImport, *, dry_run: bool) -> None:
    """Check or import now, or start a job for a large file and note its id."""
    meta = stored.meta() or {}
    if meta.get("rows", 0) <= store.SYNC_ROWS:
        stored.process(cls, request.user, dry_run=dry_run)
        return
    label = (_("检查导入文件：%(name)s") if dry_run else _("导入%(model)s：%(name)s")) % {
        "name": meta.get("filename", ""), "model": cls.model._meta.verbose_name}
    url = reverse(f"masterdata:{kind}_import_preview", args=[stored.token])
    job = jobs.start(store.process_stored_import,
                     kind="import.check" if dry_run else "import.write", label=label,
                     user=request.user, importer=store.dotted(cls), user_id=request.user.pk,
                     token=stored.token, dry_run=dry_run, url=url)
    meta["check_job" if dry_run else "import_job"] = str(job.id)
    stored.save_meta(meta)


def _job_view(job_id: str | None, user: Any) -> dict[str, Any] | None:
    job = Job.objects.for_user(user).filter(pk=job_id).first() if job_id else None
    if job is None:
        return None
    progress, message = jobs.live_progress(job)
    return {"id": job.id, "label": job.label, "state": job.state, "progress": progress,
            "message": message, "result_url": job.result_url, "error": job.error,
            "finished": job.finished}


@login_required
def preview_view(request: HttpRequest, kind: str, token: str) -> HttpResponse:
    cls = _importer(request, kind)
    stored, meta = _stored(request, kind, token)
    result, preview = stored.report("result"), stored.report("preview")
    job = None
    report: ImportReport | None
    if result is not None:
        stage, report = "done", result
    elif meta.get("import_job"):
        stage, report, job = "importing", preview, _job_view(meta["import_job"], request.user)
    elif preview is not None:
        stage, report = "checked", preview
    else:
        stage, report, job = "checking", None, _job_view(meta.get("check_job"), request.user)
    return render(request, "masterdata/import_preview.html", {
        **_base(kind, cls), "stage": stage, "report": report, "job": job, "meta": meta,
        "token": token, "errors": report.errors[:SHOWN_ERRORS] if report else [],
        "shown_errors": SHOWN_ERRORS,
        "errors_url": reverse(f"masterdata:{kind}_import_errors", args=[token]),
        "confirm_url": reverse(f"masterdata:{kind}_import_confirm", args=[token]),
        "cancel_url": reverse(f"masterdata:{kind}_import_cancel", args=[token]),
        "can_confirm": stage == "checked" and report is not None and report.ok
        and report.total > 0,
    })


@login_required
@require_POST
def confirm_view(request: HttpRequest, kind: str, token: str) -> HttpResponse:
    cls = _importer(request, kind)
    stored, meta = _stored(request, kind, token)
    preview = stored.report("preview")
    if preview is not None and preview.ok and stored.claim():
        _process(request, kind, cls, stored, dry_run=False)
    return redirect(f"masterdata:{kind}_import_preview", token=token)


@login_required
@require_POST
def cancel_view(request: HttpRequest, kind: str, token: str) -> HttpResponse:
    _importer(request, kind)
    stored, _meta = _stored(request, kind, token)
    stored.delete_all()
    return redirect(f"masterdata:{kind}_import")


@login_required
def errors_view(request: HttpRequest, kind: str, token: str) -> HttpResponse:
    cls = _importer(request, kind)
    stored, _meta = _stored(request, kind, token)
    report = stored.report("result") or stored.report("preview")
    if report is None:
        raise Http404
    name = _("%(model)s导入问题.xlsx") % {"model": cls.model._meta.verbose_name}
    return _xlsx_response(error_report(report.errors), name)
