"""REST endpoints for campaigns, with the same permissions as the pages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from socialops.core.actors import Actor
from socialops.core.api_auth import Count, RowId, api_member
from socialops.publishing import campaigns
from socialops.publishing.campaigns import CampaignInput
from socialops.publishing.models import Campaign

router = Router(tags=["publishing"])


class CampaignIn(Schema):
    name: str
    starts_on: date
    ends_on: date
    goal: str = ""
    is_paid: bool = False
    budget: Decimal | None = None
    spend: Decimal | None = None
    currency: str = "EUR"
    target_impressions: Count | None = None
    target_engagements: Count | None = None
    target_clicks: Count | None = None
    channel_ids: list[RowId] = []


class CampaignOut(CampaignIn):
    id: int
    archived: bool
    post_count: int
    created_at: datetime


def campaign_out(campaign: Campaign) -> CampaignOut:
    return CampaignOut(
        id=campaign.pk, name=campaign.name, starts_on=campaign.starts_on,
        ends_on=campaign.ends_on, goal=campaign.goal, is_paid=campaign.is_paid,
        budget=campaign.budget, spend=campaign.spend, currency=campaign.currency,
        target_impressions=campaign.target_impressions,
        target_engagements=campaign.target_engagements, target_clicks=campaign.target_clicks,
        channel_ids=sorted(c.pk for c in campaign.channels.all()), archived=campaign.archived,
        post_count=campaign.posts.count(), created_at=campaign.created_at)


def _input(payload: CampaignIn) -> CampaignInput:
    return CampaignInput(**payload.dict())


def _actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request, via=getattr(request, "auth_via", "api"))


@router.get("/campaigns", response=list[CampaignOut], summary="The organization's campaigns")
def list_campaigns(request: HttpRequest, archived: bool = False) -> list[CampaignOut]:
    member = api_member(request)
    return [campaign_out(c) for c in campaigns.campaigns_for(member, include_archived=archived)]


@router.post("/campaigns", response={201: CampaignOut}, summary="Create a campaign")
def create_campaign(request: HttpRequest, payload: CampaignIn) -> Status[CampaignOut]:
    member = api_member(request)
    campaign = campaigns.save_campaign(member, _actor(request), _input(payload))
    return Status(201, campaign_out(campaign))


@router.get("/campaigns/{campaign_id}", response=CampaignOut, summary="One campaign")
def get_campaign(request: HttpRequest, campaign_id: int) -> CampaignOut:
    member = api_member(request)
    return campaign_out(campaigns.get_campaign_for_member(member, campaign_id))


@router.put("/campaigns/{campaign_id}", response=CampaignOut, summary="Change a campaign")
def update_campaign(request: HttpRequest, campaign_id: int, payload: CampaignIn) -> CampaignOut:
    member = api_member(request)
    campaign = campaigns.get_campaign_for_member(member, campaign_id)
    return campaign_out(campaigns.save_campaign(member, _actor(request), _input(payload),
                                                campaign=campaign))
