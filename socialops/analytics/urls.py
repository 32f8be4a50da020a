"""Pages of the analytics app."""

from django.urls import path

from socialops.analytics import report_views, views

app_name = "analytics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/", views.export, name="export"),
    path("reports/", report_views.report_list, name="reports"),
    path("reports/new/", report_views.report_edit, name="report_create"),
    path("reports/<int:report_id>/", report_views.report_edit, name="report_edit"),
    path("reports/<int:report_id>/delete/", report_views.report_delete, name="report_delete"),
    path("reports/<int:report_id>/run/", report_views.report_run, name="report_run"),
    path("archive/<int:run_id>.pdf", report_views.report_pdf, name="report_pdf"),
]
