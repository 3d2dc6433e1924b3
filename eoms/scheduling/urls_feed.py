"""The iCalendar feed and its settings page (mounted at /schedule/)."""

from django.urls import path

from eoms.scheduling import views_feed

urlpatterns = [
    path("feed/", views_feed.feed_settings, name="feed_settings"),
    path("feed/regenerate/", views_feed.feed_regenerate, name="feed_regenerate"),
    path("feed/<slug:key>.ics", views_feed.feed_ics, name="feed_ics"),
]
