"""Scheduling URLs, one file per page family."""

from eoms.scheduling import urls_calendar, urls_exchange, urls_feed, urls_gantt, urls_pages

app_name = "scheduling"
urlpatterns = (urls_pages.urlpatterns + urls_calendar.urlpatterns + urls_gantt.urlpatterns
               + urls_exchange.urlpatterns + urls_feed.urlpatterns)
