"""Quality archive URLs, under /quality/ (included by eoms.quality.urls)."""

from django.urls import path

from eoms.quality import views_archive

urlpatterns = [
    path("orders/<int:pk>/archives/", views_archive.archive_list, name="archive_list"),
    path("orders/<int:pk>/archives/new/", views_archive.archive_new, name="archive_new"),
    path("archives/<int:pk>/download/", views_archive.archive_download,
         name="archive_download"),
]
