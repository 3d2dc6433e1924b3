"""Work calendars (the year editor) and baselines (variance), under /schedule/."""

from django.urls import path

from eoms.scheduling import views_baselines, views_calendar

urlpatterns = [
    path("calendars/", views_calendar.calendar_list, name="calendar_list"),
    path("calendars/new/", views_calendar.calendar_create, name="calendar_create"),
    path("calendars/<int:pk>/", views_calendar.calendar_detail, name="calendar_detail"),
    path("calendars/<int:pk>/edit/", views_calendar.calendar_edit, name="calendar_edit"),
    path("calendars/<int:pk>/delete/", views_calendar.calendar_delete, name="calendar_delete"),
    path("calendars/<int:pk>/exceptions/", views_calendar.calendar_exception_set,
         name="calendar_exception_set"),
    path("calendars/exceptions/<int:pk>/delete/", views_calendar.calendar_exception_delete,
         name="calendar_exception_delete"),
    path("orders/<int:order_pk>/baselines/", views_baselines.baseline_list,
         name="baseline_list"),
    path("orders/<int:order_pk>/baselines/new/", views_baselines.baseline_create,
         name="baseline_create"),
    path("baselines/<int:pk>/", views_baselines.baseline_detail, name="baseline_detail"),
    path("baselines/<int:pk>/delete/", views_baselines.baseline_delete, name="baseline_delete"),
    path("baselines/<int:pk>/export/", views_baselines.baseline_export, name="baseline_export"),
]
