"""Excel import pages of every master-data model (included by masterdata/urls.py).

Names: masterdata:<model>_import (upload), _import_template, _import_preview,
_import_confirm, _import_cancel, _import_errors — for customer, supplier, materialcategory,
material, project, site, costcode.
"""

from django.urls import path

from eoms.masterdata import import_views as views
from eoms.masterdata.imports import IMPORTERS

urlpatterns = []
for kind in IMPORTERS:
    base = f"{kind}/import/"
    urlpatterns += [
        path(base, views.upload_view, {"kind": kind}, name=f"{kind}_import"),
        path(f"{base}template/", views.template_view, {"kind": kind},
             name=f"{kind}_import_template"),
        path(f"{base}<str:token>/", views.preview_view, {"kind": kind},
             name=f"{kind}_import_preview"),
        path(f"{base}<str:token>/confirm/", views.confirm_view, {"kind": kind},
             name=f"{kind}_import_confirm"),
        path(f"{base}<str:token>/cancel/", views.cancel_view, {"kind": kind},
             name=f"{kind}_import_cancel"),
        path(f"{base}<str:token>/errors.xlsx", views.errors_view, {"kind": kind},
             name=f"{kind}_import_errors"),
    ]
