"""Pages of the analytics app."""

from django.urls import path

from socialops.analytics import report_views, views

app_name = "analytics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/", views.export, name="export"),
    path("campaigns/<int:campaign_id>/", views.campaign, name="campaign"),
    path("team/", views.team, name="team"),
    path("reports/", report_views.report_list, name="reports"),
    path("reports/logo/", report_views.logo_upload, name="logo_upload"),
    path("reports/logo/delete/", report_views.logo_delete, name="logo_delete"),
    path("reports/logo.png", report_views.logo_image, name="logo_image"),
    path("reports/new/", report_views.report_edit, name="report_create"),
    path("reports/<int:report_id>/", report_views.report_edit, name="report_edit"),
    path("reports/<int:report_id>/delete/", report_views.report_delete, name="report_delete"),
    path("reports/<int:report_id>/run/", report_views.report_run, name="report_run"),
    path("archive/<int:run_id>.pdf", report_views.report_pdf, name="report_pdf"),
]
