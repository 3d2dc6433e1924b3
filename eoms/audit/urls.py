from django.urls import path

from eoms.audit import views

app_name = "audit"
urlpatterns = [path("", views.audit_search_view, name="search")]
