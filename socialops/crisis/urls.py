"""Pages of the crisis app (namespace `crisis`)."""

from django.urls import path

from socialops.crisis import playbook_views, report_views, views

app_name = "crisis"

urlpatterns = [
    path("", views.incident_list, name="incidents"),
    path("from-alert/<int:alert_id>/", views.incident_from_alert, name="incident_from_alert"),
    path("incidents/<int:incident_id>/", views.incident_detail, name="incident"),
    path("incidents/<int:incident_id>/change/", views.incident_change, name="incident_change"),
    path("incidents/<int:incident_id>/note/", views.incident_note, name="incident_note"),
    path("incidents/<int:incident_id>/tasks/<int:task_id>/", views.incident_task,
         name="incident_task"),
    path("incidents/<int:incident_id>/conversation/", views.incident_conversation,
         name="incident_conversation"),
    path("incidents/<int:incident_id>/statement/", views.statement_publish,
         name="statement_publish"),
    path("incidents/<int:incident_id>/report/", report_views.report, name="report"),
    path("incidents/<int:incident_id>/report.pdf", report_views.report_pdf, name="report_pdf"),
    path("crisis-mode/", views.crisis_mode, name="crisis_mode"),
    path("held/", views.held, name="held"),
    path("banner/", views.banner, name="banner"),
    path("statement-fill/", views.statement_fill, name="statement_fill"),
    path("playbooks/", views.playbook_list, name="playbooks"),
    path("playbooks/new/", playbook_views.playbook_edit, name="playbook_new"),
    path("playbooks/<int:playbook_id>/", playbook_views.playbook_edit, name="playbook"),
    path("playbooks/<int:playbook_id>/statements/", playbook_views.statement_add,
         name="playbook_statement_add"),
    path("playbooks/<int:playbook_id>/statements/<int:statement_id>/",
         playbook_views.statement_edit, name="playbook_statement"),
]
