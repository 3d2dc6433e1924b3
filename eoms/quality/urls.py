"""quality URLs, one file per page family."""

app_name = "quality"
urlpatterns: list = []
