"""URL map of the publishing pages (namespace `publishing`)."""

from django.urls import path

from socialops.publishing import (
    approval_views,
    calendar_views,
    campaign_views,
    import_views,
    media_views,
    views,
)

app_name = "publishing"

urlpatterns = [
    path("", views.post_list, name="posts"),
    path("new/", views.compose, name="compose"),
    path("new/check/", views.compose_check, name="compose_check"),
    path("import/", import_views.import_posts, name="import"),
    path("campaigns/", campaign_views.campaign_list, name="campaigns"),
    path("campaigns/<int:campaign_id>/", campaign_views.campaign_detail, name="campaign"),
    path("campaigns/<int:campaign_id>/archive/", campaign_views.campaign_archive,
         name="campaign_archive"),
    path("posts/<int:post_id>/comment/", views.post_comment, name="post_comment"),
    path("posts/<int:post_id>/campaign/", campaign_views.post_campaign, name="post_campaign"),
    path("approvals/", approval_views.policy_list, name="approval_policies"),
    path("approvals/new/", approval_views.policy_edit, name="approval_policy_new"),
    path("approvals/<int:policy_id>/", approval_views.policy_edit, name="approval_policy"),
    path("approvals/<int:policy_id>/delete/", approval_views.policy_delete,
         name="approval_policy_delete"),
    path("posts/<int:post_id>/", views.post_detail, name="post"),
    path("posts/<int:post_id>/media/", media_views.media_add, name="media_add"),
    path("posts/<int:post_id>/<str:action>/", views.post_action, name="post_action"),
    path("media/<int:asset_id>/edit/", media_views.media_edit, name="media_edit"),
    path("media/<int:asset_id>/remove/", media_views.media_remove, name="media_remove"),
    path("media/<int:asset_id>/preview/", media_views.media_preview, name="media_preview"),
    path("renditions/<int:rendition_id>/", media_views.rendition_file, name="rendition"),
    path("m/<str:token>/", media_views.public_rendition, name="public_rendition"),
    path("variants/<int:variant_id>/check/", views.variant_check, name="variant_check"),
    path("variants/<int:variant_id>/edit/", views.variant_edit, name="variant_edit"),
    path("pause/", views.pause, name="pause"),
    path("pause/<int:pause_id>/resume/", views.resume, name="resume"),
    path("calendar/", calendar_views.calendar, name="calendar"),
    path("reliability/", calendar_views.reliability_page, name="reliability"),
    path("calendar/move/", calendar_views.move, name="calendar_move"),
    path("calendar/feed/", calendar_views.feed_manage, name="calendar_feed_manage"),
    path("calendar/feed/<str:token>.ics", calendar_views.feed, name="calendar_feed"),
]
