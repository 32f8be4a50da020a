"""URL map of the inbox pages (namespace `inbox`)."""

from django.urls import path

from socialops.inbox import settings_views, views

app_name = "inbox"

urlpatterns = [
    path("", views.conversation_list, name="conversations"),
    path("live/", views.conversation_live, name="live"),
    path("notices/", views.notices, name="notices"),
    path("notices/<int:notice_id>/acknowledge/", views.notice_acknowledge,
         name="notice_acknowledge"),
    path("<int:conversation_id>/", views.conversation_detail, name="conversation"),
    path("<int:conversation_id>/assign/", views.conversation_assign, name="assign"),
    path("<int:conversation_id>/close/", views.conversation_close, name="close"),
    path("<int:conversation_id>/reopen/", views.conversation_reopen, name="reopen"),
    path("<int:conversation_id>/reply/", views.conversation_reply, name="reply"),
    path("<int:conversation_id>/saved-reply/", views.saved_reply_fill, name="saved_reply_fill"),
    path("<int:conversation_id>/retry/<int:message_id>/", views.message_retry, name="retry"),
    path("saved-replies/", settings_views.saved_reply_list, name="saved_replies"),
    path("saved-replies/new/", settings_views.saved_reply_create, name="saved_reply_create"),
    path("saved-replies/<int:saved_reply_id>/", settings_views.saved_reply_edit,
         name="saved_reply_edit"),
    path("saved-replies/<int:saved_reply_id>/delete/", settings_views.saved_reply_delete,
         name="saved_reply_delete"),
    path("response-times/", settings_views.response_times, name="response_times"),
    path("response-times/targets/", settings_views.targets_save, name="targets_save"),
    path("response-times/hours/", settings_views.hours_save, name="hours_save"),
    path("response-times/holidays/", settings_views.holiday_add, name="holiday_add"),
    path("response-times/holidays/<int:holiday_id>/delete/", settings_views.holiday_delete,
         name="holiday_delete"),
    path("report/", settings_views.response_report, name="report"),
]
