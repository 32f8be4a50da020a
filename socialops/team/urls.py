"""Pages of the team app (namespace `team`)."""

from django.urls import path

from socialops.team import rotation_views, staffing_views, views

app_name = "team"

urlpatterns = [
    path("", views.oncall, name="oncall"),
    path("rotations/new/", rotation_views.rotation_create, name="rotation_create"),
    path("rotations/<int:rotation_id>/", views.rotation, name="rotation"),
    path("rotations/<int:rotation_id>/members/", rotation_views.rotation_member_add,
         name="rotation_member_add"),
    path("rotations/<int:rotation_id>/members/remove/", rotation_views.rotation_member_remove,
         name="rotation_member_remove"),
    path("rotations/<int:rotation_id>/handoff/", views.handoff, name="handoff"),
    path("time-off/", views.time_off, name="time_off"),
    path("settings/", rotation_views.team_settings, name="settings"),
    path("profile/", rotation_views.profile, name="profile"),
    path("pages/", views.pages, name="pages"),
    path("pages/<int:page_id>/acknowledge/", views.page_acknowledge, name="page_acknowledge"),
    path("coverage/", views.coverage, name="coverage"),
    path("workload/", views.workload, name="workload"),
    path("staffing/", staffing_views.staffing, name="staffing"),
    path("staffing/case.pdf", staffing_views.staffing_pdf, name="staffing_pdf"),
    path("role-report/", staffing_views.role_report_page, name="role_report"),
    path("role-report/job-description.pdf", staffing_views.role_report_pdf,
         name="role_report_pdf"),
    path("feed/", views.feed_manage, name="shift_feed_manage"),
    path("feed/<str:token>.ics", views.shift_feed, name="shift_feed"),
]
