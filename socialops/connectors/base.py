"""Define the connector contract: data exchanged with networks and the Connector protocol.

Capabilities and text validation live in their own modules and are re-exported here so
callers import the whole contract from one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from socialops.connectors.capabilities import (
    Capabilities,
    Feature,
    MediaSpec,
    MetricMapping,
    PlacementName,
    PlacementSpec,
    RateLimit,
)
from socialops.connectors.validation import (
    Problem,
    text_length,
    validate_media,
    validate_text,
    validate_title,
)

if TYPE_CHECKING:
    from socialops.connectors.http import HttpClient

__all__ = [
    "AccountInfo",
    "AccountMetrics",
    "Capabilities",
    "ChannelAuth",
    "Connector",
    "Feature",
    "Hider",
    "InboundItem",
    "InboundKind",
    "InboxPage",
    "MediaRef",
    "MediaSpec",
    "MetricMapping",
    "PlacementName",
    "PlacementSpec",
    "PostMetrics",
    "Problem",
    "PublishRequest",
    "PublishResult",
    "RateLimit",
    "text_length",
    "validate_media",
    "validate_text",
    "validate_title",
]

InboundKind = Literal["comment", "reply", "mention", "dm", "reaction"]


@dataclass(frozen=True)
class ChannelAuth:
    """Hold what a connector needs to act as one account; credentials never print."""

    remote_id: str
    handle: str
    credentials: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        keys = ", ".join(sorted(self.credentials))
        return (
            f"ChannelAuth(remote_id={self.remote_id!r}, handle={self.handle!r}, "
            f"credentials=<hidden: {keys}>)"
        )

    __str__ = __repr__


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")


@dataclass(frozen=True)
class AccountInfo:
    """Describe the account a set of credentials belongs to."""

    remote_id: str
    handle: str
    display_name: str
    followers: int | None = None


@dataclass(frozen=True)
class MediaRef:
    """Point at one media file to attach: either a URL to fetch or the bytes themselves."""

    mime: str
    url: str | None = None
    data: bytes | None = field(default=None, repr=False)
    alt_text: str = ""

    def __post_init__(self) -> None:
        if (self.url is None) == (self.data is None):
            raise ValueError("MediaRef needs exactly one of url or data")


@dataclass(frozen=True)
class PublishRequest:
    """Describe one publication (a post, a story, a reel...) on one channel."""

    text: str
    placement: str
    idempotency_key: str
    media: list[MediaRef] = field(default_factory=list)
    link: str | None = None
    reply_to: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class PublishResult:
    """Identify what the network created."""

    remote_id: str
    url: str
    published_at: datetime

    def __post_init__(self) -> None:
        _require_aware(self.published_at, "published_at")


@dataclass(frozen=True)
class InboundItem:
    """Carry one inbound interaction (comment, reply, mention, DM, reaction)."""

    remote_id: str
    kind: InboundKind
    author_handle: str
    author_name: str
    text: str
    created_at: datetime
    thread_key: str
    parent_remote_id: str | None = None
    post_remote_id: str | None = None
    language: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        _require_aware(self.created_at, "created_at")


@dataclass(frozen=True)
class InboxPage:
    """Return a page of inbound items and the cursor to resume after them."""

    items: list[InboundItem]
    cursor: str | None


@dataclass(frozen=True)
class PostMetrics:
    """Report a post's counters; None means the network does not provide that one."""

    remote_id: str
    impressions: int | None = None
    reach: int | None = None
    reactions: int | None = None
    comments: int | None = None
    shares: int | None = None
    saves: int | None = None
    clicks: int | None = None
    video_views: int | None = None


@dataclass(frozen=True)
class AccountMetrics:
    """Report one account's counters for one day; None means the network lacks that one.

    `followers` is the count at the end of the day; the others are the day's totals.
    """

    day: date
    followers: int | None = None
    follower_change: int | None = None
    impressions: int | None = None
    reach: int | None = None
    engagements: int | None = None
    profile_visits: int | None = None
    link_clicks: int | None = None
    video_views: int | None = None


@runtime_checkable
class Connector(Protocol):
    """Act on one channel of one network; every method may raise a ConnectorError kind.

    Implementations take `(auth, http, *, base_url=None, capabilities=None)`.
    """

    capabilities: Capabilities

    def __init__(
        self,
        auth: ChannelAuth,
        http: HttpClient,
        *,
        base_url: str | None = None,
        capabilities: Capabilities | None = None,
    ) -> None: ...

    def verify(self) -> AccountInfo:
        """Check the credentials and return the account they belong to."""
        ...

    def publish(self, req: PublishRequest) -> PublishResult:
        """Publish `req`; raise UnknownOutcomeError when it may have gone through."""
        ...

    def find_published(self, idempotency_key: str,
                       request: PublishRequest | None = None) -> PublishResult | None:
        """Look through the account's recent posts for the one sent with this key.

        `request` is what was sent: networks without idempotency keys match by content,
        and a process other than the one that sent it only knows the content from here.
        """
        ...

    def delete(self, remote_id: str) -> None:
        """Delete a post; deleting an already deleted post is not an error."""
        ...

    def reply(self, parent_remote_id: str, text: str, idempotency_key: str) -> PublishResult:
        """Answer a comment, a mention or a DM."""
        ...

    def fetch_inbox(self, cursor: str | None, limit: int) -> InboxPage:
        """Return inbound items after `cursor`, oldest first."""
        ...

    def fetch_post_metrics(self, remote_ids: list[str]) -> list[PostMetrics]:
        """Return the current counters of the account's posts."""
        ...

    def search(self, query: str, cursor: str | None, limit: int) -> InboxPage:
        """Return public posts matching `query` (for listening)."""
        ...

    def fetch_account_metrics(self, since: date, until: date) -> list[AccountMetrics]:
        """Return the account's daily counters for the days from `since` to `until`.

        Days the network cannot report are left out; counters it lacks are None
        (see `capabilities.metrics.account`).
        """
        ...


@runtime_checkable
class Hider(Protocol):
    """Hide comments on the network; implemented by connectors declaring `Feature.HIDE`."""

    def hide(self, remote_id: str, *, hidden: bool = True) -> None:
        """Hide (or, with `hidden=False`, show again) a comment; repeating it is not an error."""
        ...
