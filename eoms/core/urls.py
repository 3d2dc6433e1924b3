from django.urls import path

from eoms.core import views

app_name = "core"
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("search/", views.search_view, name="search"),
    path("notifications/", views.notifications_view, name="notifications"),
    path("notifications/badge/", views.notification_badge_view, name="notification_badge"),
    path("notifications/read-all/", views.notifications_read_all_view,
         name="notifications_read_all"),
    path("notifications/<int:pk>/read/", views.notification_read_view, name="notification_read"),
    path("jobs/", views.jobs_view, name="jobs"),
    path("jobs/<uuid:pk>/", views.job_status_view, name="job_status"),
]
