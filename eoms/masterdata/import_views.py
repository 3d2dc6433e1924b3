"""Excel import pages for master data: upload → check (dry run) → confirm → result.

The flow is the platform's (`eoms.core.import_pages.ImportPages`): small files are checked
and imported during the request, larger ones as background jobs whose progress the page
shows live. Only users allowed both to add and to change the model may import.
"""

from __future__ import annotations

from eoms.core.import_pages import SHOWN_ERRORS, XLSX, ImportPages, UploadForm
from eoms.masterdata.imports import IMPORTERS

__all__ = ["SHOWN_ERRORS", "XLSX", "UploadForm", "cancel_view", "confirm_view", "errors_view",
           "pages", "preview_view", "template_view", "upload_view"]

pages = ImportPages("masterdata", IMPORTERS,
                    list_url_name=lambda kind: f"masterdata:{kind}_list",
                    upload_template="masterdata/import_upload.html",
                    preview_template="masterdata/import_preview.html")

template_view = pages.template_view
upload_view = pages.upload_view
preview_view = pages.preview_view
confirm_view = pages.confirm_view
cancel_view = pages.cancel_view
errors_view = pages.errors_view
