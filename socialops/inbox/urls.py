"""URL map of the inbox pages (namespace `inbox`)."""

from django.urls import path

from socialops.inbox import rules_views, settings_views, views

app_name = "inbox"

urlpatterns = [
    path("", views.conversation_list, name="conversations"),
    path("live/", views.conversation_live, name="live"),
    path("notices/", views.notices, name="notices"),
    path("urgent-badge/", views.urgent_badge, name="urgent_badge"),
    path("notices/<int:notice_id>/acknowledge/", views.notice_acknowledge,
         name="notice_acknowledge"),
    path("<int:conversation_id>/", views.conversation_detail, name="conversation"),
    path("<int:conversation_id>/assign/", views.conversation_assign, name="assign"),
    path("<int:conversation_id>/close/", views.conversation_close, name="close"),
    path("<int:conversation_id>/reopen/", views.conversation_reopen, name="reopen"),
    path("<int:conversation_id>/reply/", views.conversation_reply, name="reply"),
    path("<int:conversation_id>/presence/", views.conversation_presence, name="presence"),
    path("<int:conversation_id>/notes/", views.conversation_note, name="note"),
    path("bulk/", views.conversation_bulk, name="bulk"),
    path("<int:conversation_id>/saved-reply/", views.saved_reply_fill, name="saved_reply_fill"),
    path("<int:conversation_id>/retry/<int:message_id>/", views.message_retry, name="retry"),
    path("<int:conversation_id>/approve/<int:message_id>/", views.reply_approve,
         name="reply_approve"),
    path("<int:conversation_id>/reject/<int:message_id>/", views.reply_reject,
         name="reply_reject"),
    path("reply-approval/", settings_views.reply_approval_settings, name="reply_approval"),
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
    path("rules/", rules_views.rule_list, name="rules"),
    path("rules/new/", rules_views.rule_create, name="rule_create"),
    path("rules/<int:rule_id>/", rules_views.rule_edit, name="rule_edit"),
    path("rules/<int:rule_id>/toggle/", rules_views.rule_toggle, name="rule_toggle"),
    path("rules/<int:rule_id>/move/", rules_views.rule_move, name="rule_move"),
    path("rules/<int:rule_id>/delete/", rules_views.rule_delete, name="rule_delete"),
    path("assignment/", rules_views.assignment_settings, name="assignment"),
    path("availability/", rules_views.availability_set, name="availability"),
    path("availability/<int:member_id>/", rules_views.availability_set,
         name="availability_member"),
]
