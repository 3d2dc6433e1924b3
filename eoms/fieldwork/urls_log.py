"""Daily site log pages (施工日志), under /field/logs/."""

from django.urls import path

from eoms.fieldwork import views_log

urlpatterns = [
    path("logs/", views_log.log_list, name="log_list"),
    path("logs/prefill/", views_log.log_prefill, name="log_prefill"),
    path("logs/<int:pk>/", views_log.log_detail, name="log_detail"),
    path("logs/<int:pk>/edit/", views_log.log_edit, name="log_edit"),
    path("logs/<int:pk>/sign/", views_log.log_sign, name="log_sign"),
    path("logs/<int:pk>/pdf/", views_log.log_pdf, name="log_pdf"),
]
