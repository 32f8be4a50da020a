"""URL map of the inbox pages (namespace `inbox`)."""

from django.urls import path

from socialops.inbox import views

app_name = "inbox"

urlpatterns = [
    path("", views.conversation_list, name="conversations"),
    path("live/", views.conversation_live, name="live"),
    path("<int:conversation_id>/", views.conversation_detail, name="conversation"),
    path("<int:conversation_id>/assign/", views.conversation_assign, name="assign"),
    path("<int:conversation_id>/close/", views.conversation_close, name="close"),
    path("<int:conversation_id>/reopen/", views.conversation_reopen, name="reopen"),
    path("<int:conversation_id>/reply/", views.conversation_reply, name="reply"),
    path("<int:conversation_id>/retry/<int:message_id>/", views.message_retry, name="retry"),
]
