"""Campaign pages: the list, one campaign with its posts, and attaching a post."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from socialops.core.actors import Actor
from socialops.core.permissions import Action, can
from socialops.governance.models import Channel
from socialops.publishing import campaigns, services
from socialops.publishing.campaigns import CampaignInput
from socialops.publishing.models import Campaign, VariantStatus
from socialops.publishing.views import _member


def _date(value: str, label: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(_("Enter the %(field)s as a date, e.g. 2026-12-31.")
                              % {"field": label}) from None


def _count(value: str) -> int | None:
    value = value.strip().replace(" ", "").replace("\u202f", "").replace("\xa0", "")
    if not value:
        return None
    if not value.isdigit():
        raise ValidationError(_("Targets are whole numbers."))
    return int(value)


def _input(request: HttpRequest) -> CampaignInput:
    post = request.POST
    return CampaignInput(
        name=post.get("name", ""), starts_on=_date(post.get("starts_on", ""), _("first day")),
        ends_on=_date(post.get("ends_on", ""), _("last day")), goal=post.get("goal", ""),
        is_paid=post.get("is_paid") == "on", budget=campaigns.parse_amount(post.get("budget", "")),
        spend=campaigns.parse_amount(post.get("spend", "")),
        currency=post.get("currency", "EUR"),
        target_impressions=_count(post.get("target_impressions", "")),
        target_engagements=_count(post.get("target_engagements", "")),
        target_clicks=_count(post.get("target_clicks", "")),
        channel_ids=[int(v) for v in post.getlist("channel") if v.isdigit()],
    )


def _form(request: HttpRequest, campaign: Campaign | None) -> dict[str, Any]:
    if request.method == "POST":
        data: dict[str, Any] = dict(request.POST.items())
        data["channel_ids"] = [int(v) for v in request.POST.getlist("channel") if v.isdigit()]
        data["is_paid"] = request.POST.get("is_paid") == "on"
        return data
    if campaign is None:
        return {"currency": "EUR", "channel_ids": []}
    return {
        "name": campaign.name, "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat(), "goal": campaign.goal,
        "is_paid": campaign.is_paid, "budget": campaign.budget or "",
        "spend": campaign.spend or "", "currency": campaign.currency,
        "target_impressions": campaign.target_impressions or "",
        "target_engagements": campaign.target_engagements or "",
        "target_clicks": campaign.target_clicks or "",
        "channel_ids": [c.pk for c in campaign.channels.all()],
    }


def _save(request: HttpRequest, campaign: Campaign | None) -> Campaign | None:
    member = _member(request, Action.MANAGE_CAMPAIGNS)
    try:
        return campaigns.save_campaign(member, Actor.from_request(request), _input(request),
                                       campaign=campaign)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def campaign_list(request: HttpRequest) -> HttpResponse:
    """List the campaigns; managers create one from the same page."""
    member = _member(request)
    if request.method == "POST":
        created = _save(request, None)
        if created is not None:
            messages.success(request, _("Campaign created."))
            return HttpResponseRedirect(reverse("publishing:campaign", args=[created.pk]))
    archived = request.GET.get("archived") == "1"
    return render(request, "publishing/campaigns.html", {
        "campaigns": list(campaigns.campaigns_for(member, include_archived=archived)),
        "show_archived": archived, "form": _form(request, None),
        "channels": Channel.objects.filter(organization_id=member.organization_id)
        .order_by("network", "display_name"),
        "can_manage": can(member, Action.MANAGE_CAMPAIGNS, member.organization),
    })


@login_required
@require_http_methods(["GET", "POST"])
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Show a campaign: dates, targets, budget, its posts by status; edit it."""
    member = _member(request)
    campaign = campaigns.get_campaign_for_member(member, campaign_id)
    if request.method == "POST" and _save(request, campaign) is not None:
        messages.success(request, _("Campaign saved."))
        return HttpResponseRedirect(reverse("publishing:campaign", args=[campaign.pk]))
    counts = campaigns.status_counts(campaign)
    return render(request, "publishing/campaign_detail.html", {
        "campaign": campaign, "form": _form(request, campaign),
        "posts": list(services.posts_for(member).filter(campaign=campaign)[:100]),
        "counts": [(label, counts.get(value, 0)) for value, label in VariantStatus.choices
                   if counts.get(value)],
        "channels": Channel.objects.filter(organization_id=member.organization_id)
        .order_by("network", "display_name"),
        "can_manage": can(member, Action.MANAGE_CAMPAIGNS, member.organization),
        "can_view_results": can(member, Action.VIEW_ANALYTICS, member.organization),
    })


@login_required
@require_POST
def campaign_archive(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Archive a campaign, or bring it back."""
    member = _member(request, Action.MANAGE_CAMPAIGNS)
    campaign = campaigns.get_campaign_for_member(member, campaign_id)
    archived = request.POST.get("archived") == "1"
    campaigns.set_archived(member, Actor.from_request(request), campaign, archived)
    messages.success(request, _("Campaign archived.") if archived else _("Campaign restored."))
    return HttpResponseRedirect(reverse("publishing:campaign", args=[campaign.pk]))


@login_required
@require_POST
def post_campaign(request: HttpRequest, post_id: int) -> HttpResponse:
    """Attach a post to a campaign, or detach it."""
    member = _member(request, Action.DRAFT_POSTS)
    post = services.get_post_for_member(member, post_id)
    value = request.POST.get("campaign", "")
    try:
        campaigns.attach_post(member, Actor.from_request(request), post,
                              int(value) if value.isdigit() else None)
        messages.success(request, _("Campaign updated."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return HttpResponseRedirect(reverse("publishing:post", args=[post.pk]))
