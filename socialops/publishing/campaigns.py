"""Campaigns: create, change and archive them (audited); what their posts are doing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, require
from socialops.governance.models import Channel
from socialops.publishing.models import Campaign, Post, Variant

MAX_NAME = 120


@dataclass
class CampaignInput:
    """A campaign as a form or the API gives it, already parsed."""

    name: str
    starts_on: date
    ends_on: date
    goal: str = ""
    is_paid: bool = False
    budget: Decimal | None = None
    spend: Decimal | None = None
    currency: str = "EUR"
    target_impressions: int | None = None
    target_engagements: int | None = None
    target_clicks: int | None = None
    channel_ids: Iterable[int] = ()


def parse_amount(value: str) -> Decimal | None:
    """Read an amount typed as `1 200,50` or `1200.50`; empty is None."""
    value = value.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if not value:
        return None
    try:
        amount = Decimal(value.replace(",", "."))
    except InvalidOperation:
        raise ValidationError(_("“%(value)s” is not an amount.") % {"value": value[:20]}) from None
    if amount < 0 or amount >= Decimal("10000000000"):
        raise ValidationError(_("Enter an amount between 0 and 9,999,999,999."))
    return amount.quantize(Decimal("0.01"))


def campaigns_for(member: Member, *, include_archived: bool = False) -> QuerySet[Campaign]:
    """Return the organization's campaigns, newest first."""
    require(member, Action.VIEW_POSTS, member.organization)
    query = Campaign.objects.filter(organization_id=member.organization_id)
    if not include_archived:
        query = query.filter(archived=False)
    return query.prefetch_related("channels")


def get_campaign_for_member(member: Member, campaign_id: int) -> Campaign:
    """Return one campaign of the member's organization, or raise Http404."""
    campaign = campaigns_for(member, include_archived=True).filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404
    return campaign


def resolve_campaign(member: Member, campaign_id: int | None) -> Campaign | None:
    """Return the campaign a post may attach to (same organization, not archived)."""
    if campaign_id is None:
        return None
    campaign = get_campaign_for_member(member, campaign_id)
    if campaign.archived:
        raise ValidationError(_("The campaign “%(name)s” is archived.") % {"name": campaign.name})
    return campaign


def _snapshot(campaign: Campaign) -> dict[str, Any]:
    return {
        "name": campaign.name, "starts_on": campaign.starts_on, "ends_on": campaign.ends_on,
        "goal": campaign.goal, "is_paid": campaign.is_paid,
        "budget": str(campaign.budget) if campaign.budget is not None else None,
        "spend": str(campaign.spend) if campaign.spend is not None else None,
        "currency": campaign.currency, "target_impressions": campaign.target_impressions,
        "target_engagements": campaign.target_engagements,
        "target_clicks": campaign.target_clicks, "archived": campaign.archived,
        "channels": sorted(c.pk for c in campaign.channels.all()),
    }


def _check(data: CampaignInput) -> None:
    data.name = data.name.strip()[:MAX_NAME]
    if not data.name:
        raise ValidationError(_("Give the campaign a name."))
    if data.ends_on < data.starts_on:
        raise ValidationError(_("The campaign must end on or after its first day."))
    data.currency = data.currency.strip().upper() or "EUR"
    if len(data.currency) != 3 or not data.currency.isalpha():
        raise ValidationError(_("Give the currency as three letters, e.g. EUR."))
    for amount in (data.budget, data.spend):
        if amount is not None and not Decimal(0) <= amount < Decimal("10000000000"):
            raise ValidationError(_("Enter an amount between 0 and 9,999,999,999."))
    if data.spend is not None and not data.is_paid and data.spend > 0:
        raise ValidationError(_("An organic campaign has no spend; tick “paid” to record it."))


@transaction.atomic
def save_campaign(member: Member, actor: Actor, data: CampaignInput, *,
                  campaign: Campaign | None = None) -> Campaign:
    """Create a campaign, or change one."""
    require(member, Action.MANAGE_CAMPAIGNS, member.organization)
    _check(data)
    channels = list(Channel.objects.filter(organization_id=member.organization_id,
                                           pk__in=list(data.channel_ids)))
    if len(channels) != len(set(data.channel_ids)):
        raise Http404
    before = _snapshot(campaign) if campaign is not None else None
    target = campaign or Campaign(organization_id=member.organization_id)
    for name in ("name", "starts_on", "ends_on", "goal", "is_paid", "budget", "spend",
                 "currency", "target_impressions", "target_engagements", "target_clicks"):
        setattr(target, name, getattr(data, name))
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError:
        raise ValidationError(_("A campaign is already called “%(name)s”.")
                              % {"name": data.name}) from None
    target.channels.set(channels)
    audit.record(member.organization, actor,
                 "campaign.create" if campaign is None else "campaign.update",
                 target, before=before, after=_snapshot(target))
    return target


@transaction.atomic
def set_archived(member: Member, actor: Actor, campaign: Campaign, archived: bool) -> Campaign:
    """Archive a campaign (no new post may join it) or bring it back."""
    require(member, Action.MANAGE_CAMPAIGNS, campaign)
    if campaign.archived != archived:
        campaign.archived = archived
        campaign.save(update_fields=["archived", "updated_at"])
        audit.record(member.organization, actor,
                     "campaign.archive" if archived else "campaign.unarchive", campaign)
    return campaign


def status_counts(campaign: Campaign) -> dict[str, int]:
    """Count the campaign's variants by status."""
    return dict(Counter(Variant.objects.filter(post__campaign=campaign)
                        .values_list("status", flat=True)))


@transaction.atomic
def attach_post(member: Member, actor: Actor, post: Any, campaign_id: int | None) -> None:
    """Attach a post to a campaign, or detach it (None)."""
    require(member, Action.DRAFT_POSTS, post)
    campaign = resolve_campaign(member, campaign_id)
    if post.campaign_id == (campaign.pk if campaign else None):
        return
    before = {"campaign": post.campaign_id}
    post.campaign = campaign
    post.save(update_fields=["campaign", "updated_at"])
    audit.record(member.organization, actor, "post.campaign", post, before=before,
                 after={"campaign": post.campaign_id})


def recent_labels(member: Member, limit: int = 500) -> list[str]:
    """Return the labels used on the organization's recent posts, sorted."""
    found: set[str] = set()
    for labels in (Post.objects.filter(organization_id=member.organization_id)
                   .order_by("-created_at").values_list("labels", flat=True)[:limit]):
        found.update(labels or [])
    return sorted(found, key=str.lower)
