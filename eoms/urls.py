from django.contrib import admin
from django.urls import include, path

from eoms.api import api
from eoms.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("api/v1/", api.urls),
    path("accounts/", include("eoms.accounts.urls")),
    path("audit/", include("eoms.audit.urls")),
    path("md/", include("eoms.masterdata.urls")),
    path("orders/", include("eoms.orders.urls")),
    path("schedule/", include("eoms.scheduling.urls")),
    path("field/", include("eoms.fieldwork.urls")),
    path("materials/", include("eoms.materials.urls")),
    path("quality/", include("eoms.quality.urls")),
    path("admin/", admin.site.urls),
    path("", include("eoms.core.urls")),
]

handler403 = "eoms.core.errors.permission_denied"
handler404 = "eoms.core.errors.page_not_found"
handler500 = "eoms.core.errors.server_error"
