"""Pages of the crisis app."""


app_name = "crisis"

urlpatterns: list[object] = []
