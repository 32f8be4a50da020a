"""REST endpoints of the listening app, with the same permissions as the pages."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from socialops.core.actors import Actor
from socialops.core.api_auth import api_member
from socialops.core.api_pagination import Pagination
from socialops.listening import services
from socialops.listening.models import Alert, ListeningQuery, Mention

router = Router(tags=["listening"])


class QueryOut(Schema):
    id: int
    name: str
    expression: str
    languages: list[str]
    networks: list[str]
    scope: str
    is_active: bool
    last_collected_at: datetime | None


class QueryIn(Schema):
    name: str
    expression: str
    languages: list[str] = []
    networks: list[str] = []
    scope: str = "network"
    is_active: bool = True


class MentionOut(Schema):
    id: int
    query_id: int
    network: str
    remote_id: str
    author_handle: str
    text: str
    url: str
    created_at: datetime
    language: str
    sentiment: str
    urgent: bool
    conversation_id: int | None


class AlertOut(Schema):
    id: int
    query_id: int
    metric: str
    bucket_start: datetime
    severity: str
    score: float
    value: float
    baseline: float
    status: str


@router.get("/listening/queries", response=list[QueryOut])
def list_queries(request: HttpRequest) -> list[ListeningQuery]:
    """List the organization's listening queries."""
    return list(services.queries_for(api_member(request)))


@router.post("/listening/queries", response={201: QueryOut})
def create_query(request: HttpRequest, body: QueryIn) -> tuple[int, ListeningQuery]:
    """Create a listening query; a bad query answers 400 with the position of the error."""
    member = api_member(request)
    try:
        query = services.create_query(member, Actor.from_request(request, via="api"),
                                      services.QueryInput(**body.dict()))
    except ValidationError as exc:
        raise HttpError(400, "; ".join(f"{k}: {' '.join(v)}"
                                       for k, v in exc.message_dict.items())) from None
    return 201, query


@router.get("/listening/mentions", response=list[MentionOut])
@paginate(Pagination)
def list_mentions(request: HttpRequest, query_id: int | None = None) -> list[Mention]:
    """List mentions, newest first (optionally of one query)."""
    mentions = services.mentions_for(api_member(request))
    if query_id is not None:
        mentions = mentions.filter(query_id=query_id)
    return mentions  # type: ignore[return-value]


@router.get("/listening/alerts", response=list[AlertOut])
@paginate(Pagination)
def list_alerts(request: HttpRequest) -> list[Alert]:
    """List alerts, newest first."""
    return services.alerts_for(api_member(request))  # type: ignore[return-value]


@router.get("/listening/alerts/{alert_id}", response=AlertOut)
def get_alert(request: HttpRequest, alert_id: int) -> Alert:
    """Return one alert."""
    return services.get_alert_for_member(api_member(request), alert_id)
