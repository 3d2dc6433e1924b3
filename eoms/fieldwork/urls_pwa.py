"""What makes the field pages an installable app that opens without signal: the web app
manifest, the service worker (served from /field/ so that it controls /field/ only) and
the page shown offline."""

from django.urls import path

from eoms.fieldwork import views_pwa

urlpatterns = [
    path("manifest.webmanifest", views_pwa.manifest, name="manifest"),
    path("sw.js", views_pwa.service_worker, name="service_worker"),
    path("offline/", views_pwa.offline, name="offline"),
]
