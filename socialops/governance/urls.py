"""Pages of the governance app, included in the `web` namespace by socialops.web.urls."""

from django.urls import path

from socialops.governance import connect_views, grant_views, offboarding_views, vault_page, views

urlpatterns = [
    path("channels/", views.channel_list, name="channels"),
    path("channels/new/", views.channel_create, name="channel_create"),
    path("channels/import/", views.channel_import, name="channel_import"),
    path("channels/at-risk/", views.channels_risk, name="channels_risk"),
    path("channels/vault/", vault_page.vault_page, name="vault"),
    path("channels/<int:channel_id>/", views.channel_detail, name="channel"),
    path("channels/<int:channel_id>/edit/", views.channel_edit, name="channel_edit"),
    path("channels/<int:channel_id>/credentials/", views.channel_credentials,
         name="channel_credentials"),
    path("channels/<int:channel_id>/connect/", connect_views.channel_connect,
         name="channel_connect"),
    path("channels/<int:channel_id>/connect/account/", connect_views.channel_connect_pick,
         name="channel_connect_pick"),
    path("channels/<int:channel_id>/connect/cancel/", connect_views.connect_cancel,
         name="channel_connect_cancel"),
    path("channels/connect/callback/", connect_views.connect_callback, name="connect_callback"),
    path("channels/<int:channel_id>/archive/", views.channel_archive, name="channel_archive"),
    path("channels/<int:channel_id>/grants/", grant_views.channel_grants,
         name="channel_grants"),
    path("members/<int:member_id>/channel-access/", grant_views.member_grants,
         name="member_grants"),
    path("channel-grants/<int:grant_id>/remove/", grant_views.grant_remove,
         name="grant_remove"),
    path("members/<int:member_id>/offboard/", offboarding_views.offboard_member,
         name="offboard"),
    path("offboarding/<int:event_id>/", offboarding_views.offboarding_report,
         name="offboarding_report"),
]
