"""Pages of the listening app."""


app_name = "listening"

urlpatterns: list[object] = []
