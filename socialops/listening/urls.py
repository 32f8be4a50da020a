"""Pages of the listening app (namespace `listening`)."""

from django.urls import path

from socialops.listening import views

app_name = "listening"

urlpatterns = [
    path("", views.mention_list, name="mentions"),
    path("queries/new/", views.query_create, name="query_create"),
    path("queries/<int:query_id>/", views.query_detail, name="query"),
    path("queries/<int:query_id>/edit/", views.query_edit, name="query_edit"),
    path("queries/<int:query_id>/delete/", views.query_delete, name="query_delete"),
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/<int:alert_id>/", views.alert_detail, name="alert"),
    path("alerts/<int:alert_id>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("webhooks/", views.webhook_list, name="webhooks"),
    path("webhooks/<int:webhook_id>/delete/", views.webhook_delete, name="webhook_delete"),
]
