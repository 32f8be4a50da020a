"""REST endpoints of the crisis app, with the same permissions as the pages."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from socialops.core.api_auth import api_member
from socialops.core.api_pagination import Pagination
from socialops.crisis import services
from socialops.crisis.models import Incident

router = Router(tags=["crisis"])


class IncidentOut(Schema):
    id: int
    title: str
    kind: str
    severity: str
    status: str
    owner_id: int
    opened_at: datetime
    resolved_at: datetime | None


class LineOut(Schema):
    at: datetime
    kind: str
    text: str
    author: str
    url: str


@router.get("/crisis/incidents", response=list[IncidentOut])
@paginate(Pagination)
def list_incidents(request: HttpRequest) -> list[Incident]:
    """List incidents, newest first."""
    return services.incidents_for(api_member(request))  # type: ignore[return-value]


@router.get("/crisis/incidents/{incident_id}", response=IncidentOut)
def get_incident(request: HttpRequest, incident_id: int) -> Incident:
    """Return one incident."""
    return services.get_incident_for_member(api_member(request), incident_id)


@router.get("/crisis/incidents/{incident_id}/timeline", response=list[LineOut])
def get_timeline(request: HttpRequest, incident_id: int) -> list[services.Line]:
    """Return an incident's timeline, oldest first."""
    incident = services.get_incident_for_member(api_member(request), incident_id)
    return services.timeline(incident)
