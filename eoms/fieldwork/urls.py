"""Field-work URLs, one file per page family."""

from eoms.fieldwork import (
    urls_checkin,
    urls_devices,
    urls_log,
    urls_photos,
    urls_pwa,
    urls_supervisor,
)

app_name = "fieldwork"
urlpatterns = (urls_checkin.urlpatterns + urls_photos.urlpatterns + urls_supervisor.urlpatterns
               + urls_log.urlpatterns + urls_devices.urlpatterns + urls_pwa.urlpatterns)
