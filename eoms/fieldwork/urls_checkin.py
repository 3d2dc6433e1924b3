"""The phone pages: today, the check-in form posted without script, a check-in, check-out
(namespace "fieldwork", mounted at /field/)."""

from django.urls import path

from eoms.fieldwork import views_checkin

urlpatterns = [
    path("", views_checkin.today, name="today"),
    path("checkins/new/", views_checkin.checkin_create, name="checkin_create"),
    path("checkins/<int:pk>/", views_checkin.checkin_detail, name="checkin_detail"),
    path("checkins/<int:pk>/checkout/", views_checkin.checkout, name="checkout"),
]
