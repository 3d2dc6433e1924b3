"""Exchange with MS Project and Primavera: import, the import report, MSPDI export."""

from django.urls import path

from eoms.scheduling import views_exchange

urlpatterns = [
    path("import/", views_exchange.schedule_import, name="schedule_import"),
    path("imports/<int:pk>/", views_exchange.import_report, name="import_report"),
    path("orders/<int:order_pk>/export.xml", views_exchange.export_mspdi, name="export_mspdi"),
]
