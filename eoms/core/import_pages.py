"""The web flow of an Excel import, for any app: upload → check (dry run) → confirm → result.

An app declares one `ImportPages` for its importers (a `kind` → `Importer` class mapping)
and routes its views, named `<namespace>:<kind>_import` (upload), `_import_template`,
`_import_preview`, `_import_confirm`, `_import_cancel` and `_import_errors`:

    pages = ImportPages("masterdata", IMPORTERS, list_url_name=lambda k: f"masterdata:{k}_list",
                        upload_template="masterdata/import_upload.html",
                        preview_template="masterdata/import_preview.html")
    urlpatterns = pages.urlpatterns()

Small files are checked and imported during the request; larger ones (more than
`import_store.SYNC_ROWS` rows) as background jobs whose progress the page shows live. Only
users allowed every action in `actions` on the importer's model may import. Uploads are kept
by `eoms.core.import_store`, each visible to its uploader only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from eoms.core import import_store as store
from eoms.core import jobs
from eoms.core.access import ADD, CHANGE, can
from eoms.core.import_spec import ImportFileError, ImportReport, error_report
from eoms.core.imports import Importer
from eoms.core.models import Job

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_ERRORS = 200


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel 文件（.xlsx）"),
        widget=forms.FileInput(attrs={"accept": f".xlsx,{XLSX}"}),
        error_messages={"required": gettext_lazy("请选择要上传的 .xlsx 文件。"),
                        "empty": gettext_lazy("文件是空的。")},
    )


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response


def job_view(job_id: str | None, user: Any) -> dict[str, Any] | None:
    """A job as includes/job_progress.html shows it, if the user may see it."""
    job = Job.objects.for_user(user).filter(pk=job_id).first() if job_id else None
    if job is None:
        return None
    progress, message = jobs.live_progress(job)
    return {"id": job.id, "label": job.label, "state": job.state, "progress": progress,
            "message": message, "result_url": job.result_url, "error": job.error,
            "finished": job.finished}


class ImportPages:
    """The import views of one app; see the module docstring."""

    def __init__(self, namespace: str, importers: Mapping[str, type[Importer]], *,
                 list_url_name: Callable[[str], str], upload_template: str,
                 preview_template: str, actions: tuple[str, ...] = (ADD, CHANGE)) -> None:
        self.namespace, self.importers, self.actions = namespace, importers, actions
        self.list_url_name = list_url_name
        self.upload_template, self.preview_template = upload_template, preview_template
        self.template_view = login_required(self._template)
        self.upload_view = login_required(self._upload)
        self.preview_view = login_required(self._preview)
        self.confirm_view = login_required(require_POST(self._confirm))
        self.cancel_view = login_required(require_POST(self._cancel))
        self.errors_view = login_required(self._errors)

    def urlpatterns(self, base: Callable[[str], str] | None = None) -> list[Any]:
        """The six routes of each kind, under `base(kind)` (default `<kind>/import/`)."""
        found = []
        for kind in self.importers:
            k = {"kind": kind}
            at = base(kind) if base else f"{kind}/import/"
            found += [
                path(at, self.upload_view, k, name=f"{kind}_import"),
                path(f"{at}template/", self.template_view, k, name=f"{kind}_import_template"),
                path(f"{at}<str:token>/", self.preview_view, k, name=f"{kind}_import_preview"),
                path(f"{at}<str:token>/confirm/", self.confirm_view, k,
                     name=f"{kind}_import_confirm"),
                path(f"{at}<str:token>/cancel/", self.cancel_view, k,
                     name=f"{kind}_import_cancel"),
                path(f"{at}<str:token>/errors.xlsx", self.errors_view, k,
                     name=f"{kind}_import_errors"),
            ]
        return found

    def url_name(self, kind: str, step: str = "") -> str:
        return f"{self.namespace}:{kind}_import{step}"

    def may_import(self, user: Any, cls: type[Importer]) -> bool:
        return all(can(user, action, cls.model) for action in self.actions)

    def importer(self, request: HttpRequest, kind: str) -> type[Importer]:
        cls = self.importers.get(kind)
        if cls is None:
            raise Http404
        if not self.may_import(request.user, cls):
            raise PermissionDenied(ADD)
        return cls

    def _stored(self, request: HttpRequest, kind: str,
                token: str) -> tuple[store.StoredImport, dict]:
        try:
            stored = store.StoredImport(int(request.user.pk or 0), token)
        except LookupError:
            raise Http404
        meta = stored.meta()
        if meta is None or meta.get("kind") != kind:
            raise Http404
        return stored, meta

    def _base(self, kind: str, cls: type[Importer]) -> dict[str, Any]:
        label = cls.model._meta.verbose_name
        return {"kind": kind, "title": _("导入%(model)s") % {"model": label},
                "model_label": label, "list_url": reverse(self.list_url_name(kind)),
                "upload_url": reverse(self.url_name(kind)),
                "template_url": reverse(self.url_name(kind, "_template"))}

    # --- views ------------------------------------------------------------------------------
    def _template(self, request: HttpRequest, kind: str) -> HttpResponse:
        cls = self.importer(request, kind)
        name = _("%(model)s导入模板.xlsx") % {"model": cls.model._meta.verbose_name}
        return xlsx_response(cls(request.user).template(), name)

    def _upload(self, request: HttpRequest, kind: str) -> HttpResponse:
        cls = self.importer(request, kind)
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
                self._process(request, kind, cls, stored, dry_run=True)
                return redirect(self.url_name(kind, "_preview"), token=stored.token)
        return render(request, self.upload_template, {
            **self._base(kind, cls), "form": form, "sync_rows": store.SYNC_ROWS,
            "max_rows": cls.max_rows, "max_size": settings.UPLOAD_MAX_BYTES,
            "columns": cls.columns,
        })

    def _process(self, request: HttpRequest, kind: str, cls: type[Importer],
                 stored: store.StoredImport, *, dry_run: bool) -> None:
        """Check or import now, or start a job for a large file and note its id."""
        meta = stored.meta() or {}
        if meta.get("rows", 0) <= store.SYNC_ROWS:
            stored.process(cls, request.user, dry_run=dry_run)
            return
        label = (_("检查导入文件：%(name)s") if dry_run else _("导入%(model)s：%(name)s")) % {
            "name": meta.get("filename", ""), "model": cls.model._meta.verbose_name}
        url = reverse(self.url_name(kind, "_preview"), args=[stored.token])
        job = jobs.start(store.process_stored_import,
                         kind="import.check" if dry_run else "import.write", label=label,
                         user=request.user, importer=store.dotted(cls),
                         user_id=request.user.pk, token=stored.token, dry_run=dry_run, url=url)
        meta["check_job" if dry_run else "import_job"] = str(job.id)
        stored.save_meta(meta)

    def _preview(self, request: HttpRequest, kind: str, token: str) -> HttpResponse:
        cls = self.importer(request, kind)
        stored, meta = self._stored(request, kind, token)
        result, preview = stored.report("result"), stored.report("preview")
        job = None
        report: ImportReport | None
        if result is not None:
            stage, report = "done", result
        elif meta.get("import_job"):
            stage, report, job = "importing", preview, job_view(meta["import_job"], request.user)
        elif preview is not None:
            stage, report = "checked", preview
        else:
            stage, report, job = "checking", None, job_view(meta.get("check_job"), request.user)
        return render(request, self.preview_template, {
            **self._base(kind, cls), "stage": stage, "report": report, "job": job,
            "meta": meta, "token": token,
            "errors": report.errors[:SHOWN_ERRORS] if report else [],
            "shown_errors": SHOWN_ERRORS,
            "errors_url": reverse(self.url_name(kind, "_errors"), args=[token]),
            "confirm_url": reverse(self.url_name(kind, "_confirm"), args=[token]),
            "cancel_url": reverse(self.url_name(kind, "_cancel"), args=[token]),
            "can_confirm": stage == "checked" and report is not None and report.ok
            and report.total > 0,
        })

    def _confirm(self, request: HttpRequest, kind: str, token: str) -> HttpResponse:
        cls = self.importer(request, kind)
        stored, _meta = self._stored(request, kind, token)
        preview = stored.report("preview")
        if preview is not None and preview.ok and stored.claim():
            self._process(request, kind, cls, stored, dry_run=False)
        return redirect(self.url_name(kind, "_preview"), token=token)

    def _cancel(self, request: HttpRequest, kind: str, token: str) -> HttpResponse:
        self.importer(request, kind)
        stored, _meta = self._stored(request, kind, token)
        stored.delete_all()
        return redirect(self.url_name(kind))

    def _errors(self, request: HttpRequest, kind: str, token: str) -> HttpResponse:
        cls = self.importer(request, kind)
        stored, _meta = self._stored(request, kind, token)
        report = stored.report("result") or stored.report("preview")
        if report is None:
            raise Http404
        name = _("%(model)s导入问题.xlsx") % {"model": cls.model._meta.verbose_name}
        return xlsx_response(error_report(report.errors), name)
