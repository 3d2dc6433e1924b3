from django.urls import path

from eoms.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("language/", views.set_language_view, name="set_language"),
    path("profile/", views.profile_view, name="profile"),
    path("profile/notifications/", views.notification_prefs_view, name="notification_prefs"),
    path("profile/tokens/", views.token_create_view, name="token_create"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
]
