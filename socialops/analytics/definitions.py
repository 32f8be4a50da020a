"""Name and define every metric and KPI once, for the hover help, the tables and exports."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Definition:
    """The label of a metric and what it means (docs/metrics.md says the same)."""

    label: str | Promise
    text: str | Promise
    percent: bool = False


DEFINITIONS: dict[str, Definition] = {
    "followers": Definition(_("Followers"), _(
        "Accounts following the channels at the end of the period (the last day known).")),
    "follower_change": Definition(_("Follower change"), _(
        "New followers minus lost followers over the period.")),
    "follower_growth": Definition(_("Follower growth"), _(
        "Follower change divided by the followers at the start of the period."), percent=True),
    "impressions": Definition(_("Impressions"), _(
        "Times the content was shown, counting repeat views by the same account.")),
    "reach": Definition(_("Reach"), _(
        "Distinct accounts that saw the content, as each network counts them; daily reach is "
        "summed over days, so one person seen on two days counts twice.")),
    "engagements": Definition(_("Engagements"), _(
        "Reactions + comments + shares + saves. Clicks and video views are not included, "
        "even where the network's own engagement figure adds them.")),
    "engagement_rate_reach": Definition(_("Engagement rate (reach)"), _(
        "Engagements divided by reach."), percent=True),
    "engagement_rate_impressions": Definition(_("Engagement rate (impressions)"), _(
        "Engagements divided by impressions."), percent=True),
    "profile_visits": Definition(_("Profile visits"), _("Visits to the account's profile page.")),
    "link_clicks": Definition(_("Link clicks"), _("Clicks on links in posts and the profile.")),
    "video_views": Definition(_("Video views"), _(
        "Video plays as each network counts them (thresholds differ: 2 to 3 seconds).")),
    "published": Definition(_("Posts published"), _(
        "Variants published in the period: one post on three channels counts three.")),
    "response_rate": Definition(_("Response rate"), _(
        "Conversations started in the period that got an answer, out of all of them "
        "(spam excluded)."), percent=True),
    "median_response_seconds": Definition(_("Median first response"), _(
        "Half of the answered conversations got their first answer faster than this.")),
    "cpm": Definition(_("CPM"), _(
        "Cost per 1,000 impressions: the campaign's spend times 1,000, divided by its "
        "posts' impressions.")),
    "cpc": Definition(_("CPC"), _(
        "Cost per click: the spend divided by the link clicks on the campaign's posts.")),
    "cpe": Definition(_("CPE"), _(
        "Cost per engagement: the spend divided by the engagements on its posts.")),
    "within_target": Definition(_("Answered within target"), _(
        "Answered conversations whose first answer came by their response-time target (or "
        "that had none), out of all answered ones, as in the inbox's report."), percent=True),
}
