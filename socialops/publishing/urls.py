"""URL map of the publishing pages (namespace `publishing`)."""


app_name = "publishing"

urlpatterns: list[object] = []
