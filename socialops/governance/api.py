"""REST endpoints for channels (read). Credentials are never part of any schema."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from socialops.core.api import MemberOut, member_out
from socialops.core.api_auth import api_member
from socialops.core.api_pagination import Pagination
from socialops.governance.models import Channel
from socialops.governance.services import channels_for, get_channel_for_member

router = Router(tags=["channels"])


class ChannelOut(Schema):
    id: int
    network: str
    transport: str
    handle: str
    remote_id: str
    display_name: str
    status: str
    region: str
    business_unit: str
    language: str
    owner: MemberOut
    backup_owner: MemberOut
    followers: int | None
    last_synced_at: datetime | None


def channel_out(channel: Channel) -> ChannelOut:
    """Return the public view of a channel."""
    return ChannelOut(
        id=channel.pk, network=channel.network, transport=channel.transport,
        handle=channel.handle, remote_id=channel.remote_id, display_name=channel.display_name,
        status=channel.status, region=channel.region, business_unit=channel.business_unit,
        language=channel.language, owner=member_out(channel.owner),
        backup_owner=member_out(channel.backup_owner), followers=channel.followers,
        last_synced_at=channel.last_synced_at,
    )


@router.get("/channels", response=list[ChannelOut], summary="The organization's channels")
@paginate(Pagination)
def list_channels(
    request: HttpRequest, network: str | None = None, status: str | None = None
) -> list[ChannelOut]:
    channels = channels_for(api_member(request))
    if network:
        channels = channels.filter(network=network)
    if status:
        channels = channels.filter(status=status)
    return [channel_out(c) for c in channels]


@router.get("/channels/{channel_id}", response=ChannelOut, summary="One channel")
def get_channel(request: HttpRequest, channel_id: int) -> ChannelOut:
    return channel_out(get_channel_for_member(api_member(request), channel_id))
