from django.urls import path

from eoms.orders import views_portal

urlpatterns = [
    path("portal/", views_portal.portal_list, name="portal"),
    path("portal/<int:pk>/", views_portal.portal_detail, name="portal_detail"),
    path("portal/<int:pk>/comment/", views_portal.portal_comment, name="portal_comment"),
]
