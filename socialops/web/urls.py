"""URL map of the web interface (every page lives in the `web` namespace)."""

from django.urls import path

from socialops.core import views as core_views
from socialops.governance import views as governance_views
from socialops.web import views

app_name = "web"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("live/", views.home_live, name="home_live"),
    path("organization/switch/", views.switch_organization, name="switch_organization"),
    path("channels/", governance_views.channel_list, name="channels"),
    path("channels/<int:channel_id>/", governance_views.channel_detail, name="channel"),
    path("members/", core_views.member_list, name="members"),
]
