"""materials URLs, one file per page family."""

app_name = "materials"
urlpatterns: list = []
