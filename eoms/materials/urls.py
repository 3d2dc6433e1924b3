"""Material receiving pages, under /materials/. A batch is addressed by its label code
(`b/<code>/`): the URL its QR label holds."""

from django.urls import path

from eoms.materials import views_files, views_receive, views_records

app_name = "materials"
urlpatterns = [
    path("receive/", views_receive.receive, name="receive"),
    path("deliveries/", views_records.delivery_list, name="delivery_list"),
    path("deliveries/<int:pk>/", views_records.delivery_detail, name="delivery_detail"),
    path("deliveries/<int:pk>/labels/", views_files.delivery_labels, name="delivery_labels"),
    path("batches/", views_records.batch_list, name="batch_list"),
    path("scan/", views_records.scan, name="scan"),
    path("b/<str:code>/", views_records.batch_detail, name="label_open"),
    path("b/<str:code>/use/", views_records.batch_use, name="batch_use"),
    path("b/<str:code>/label.png", views_files.batch_label_png, name="batch_label_png"),
    path("b/<str:code>/label.svg", views_files.batch_label_svg, name="batch_label_svg"),
    path("b/<str:code>/certificate/", views_files.batch_certificate, name="batch_certificate"),
    path("b/<str:code>/test-report/", views_files.batch_test_report,
         name="batch_test_report"),
]
