"""Site photo files, each behind an access check (views_photos)."""

from django.urls import path

from eoms.fieldwork import views_photos

urlpatterns = [
    path("photos/<int:pk>/image.jpg", views_photos.photo_image, name="photo_image"),
    path("photos/<int:pk>/original.jpg", views_photos.photo_original, name="photo_original"),
    path("photos/<int:pk>/thumb.jpg", views_photos.photo_thumb, name="photo_thumb"),
]
