"""URL map of the publishing pages (namespace `publishing`)."""

from django.urls import path

from socialops.publishing import views

app_name = "publishing"

urlpatterns = [
    path("", views.post_list, name="posts"),
    path("new/", views.compose, name="compose"),
    path("new/check/", views.compose_check, name="compose_check"),
    path("posts/<int:post_id>/", views.post_detail, name="post"),
    path("posts/<int:post_id>/<str:action>/", views.post_action, name="post_action"),
    path("variants/<int:variant_id>/check/", views.variant_check, name="variant_check"),
    path("variants/<int:variant_id>/edit/", views.variant_edit, name="variant_edit"),
    path("pause/", views.pause, name="pause"),
    path("pause/<int:pause_id>/resume/", views.resume, name="resume"),
    path("calendar/", views.calendar, name="calendar"),
]
