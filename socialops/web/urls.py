"""URL map of the web interface (every page lives in the `web` namespace)."""

from django.urls import include, path

from socialops.web import views

app_name = "web"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("live/", views.home_live, name="home_live"),
    path("organization/switch/", views.switch_organization, name="switch_organization"),
    # The core and governance apps' pages, in this namespace too.
    path("", include("socialops.core.urls")),
    path("", include("socialops.governance.urls")),
]
