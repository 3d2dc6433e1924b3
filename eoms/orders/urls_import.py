"""Order import pages and the export with lines (eoms/orders/import_views.py)."""

from django.urls import path

from eoms.orders import import_views

urlpatterns = [
    *import_views.pages.urlpatterns(base=lambda kind: "import/"),
    path("export/lines.xlsx", import_views.export_lines, name="export_lines"),
]
