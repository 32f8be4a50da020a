"""Pages of the team app."""


app_name = "team"

urlpatterns: list[object] = []
