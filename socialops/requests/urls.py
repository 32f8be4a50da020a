"""Pages of stakeholder requests (namespace `requests`)."""

from django.urls import path

from socialops.requests import guideline_views, statistics_views, triage_views, views

app_name = "requests"

urlpatterns = [
    path("", views.request_mine, name="request_mine"),
    path("new/", views.request_new, name="request_new"),
    path("new-channel/", views.request_new_channel, name="request_new_channel"),
    path("queue/", views.request_queue, name="request_queue"),
    path("<int:request_id>/", views.request_detail, name="request_detail"),
    path("<int:request_id>/question/", triage_views.request_question, name="request_question"),
    path("<int:request_id>/answer/", triage_views.request_answer, name="request_answer"),
    path("<int:request_id>/accept/", triage_views.request_accept, name="request_accept"),
    path("<int:request_id>/decline/", triage_views.request_decline, name="request_decline"),
    path("<int:request_id>/reopen/", triage_views.request_reopen, name="request_reopen"),
    path("attachments/<int:attachment_id>/", views.request_attachment,
         name="request_attachment"),
    path("guidelines/", guideline_views.guideline_list, name="request_guidelines"),
    path("guidelines/new/", guideline_views.guideline_edit, name="request_guideline_new"),
    path("guidelines/<int:guideline_id>/", guideline_views.guideline_edit,
         name="request_guideline"),
    path("statistics/", statistics_views.request_statistics_page, name="request_statistics"),
]
