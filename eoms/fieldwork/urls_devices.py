"""Attendance devices of the sites a person manages (mounted at /field/)."""

from django.urls import path

from eoms.fieldwork import views_devices

urlpatterns = [
    path("devices/", views_devices.device_list, name="device_list"),
    path("devices/new/", views_devices.device_create, name="device_create"),
    path("devices/<int:pk>/revoke/", views_devices.device_revoke, name="device_revoke"),
]
