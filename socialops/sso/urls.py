"""URL map of single sign-on: starting, the provider's callback, the configuration page."""

from django.urls import path

from socialops.sso import views

app_name = "sso"

urlpatterns = [
    path("", views.start, name="start"),
    path("callback/", views.callback, name="callback"),
    path("configuration/", views.configuration, name="configuration"),
    path("org/<slug:slug>/", views.start_organization, name="start_organization"),
]
