"""The desk side of field work: today's sites (supervisor view) and the check-in list."""

from django.urls import path

from eoms.fieldwork import views_checkin_list, views_supervisor

urlpatterns = [
    path("supervisor/", views_supervisor.supervisor, name="supervisor"),
    path("checkins/", views_checkin_list.checkin_list, name="checkin_list"),
    path("checkins/export/", views_checkin_list.checkin_export, name="checkin_export"),
]
