"""URL map of the inbox pages (namespace `inbox`)."""


app_name = "inbox"

urlpatterns: list[object] = []
