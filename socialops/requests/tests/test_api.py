"""The API: same permissions as the pages, the same services behind."""

from __future__ import annotations

import pytest
from django.test import Client

from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.services import create_token
from socialops.governance.models import Channel
from socialops.requests.models import Guideline, RequestStatus, StakeholderRequest
from socialops.requests.tests.conftest import Org

pytestmark = pytest.mark.django_db


def _api(member: Member) -> Client:
    token = create_token(member, Actor.system("test")).raw
    return Client(headers={"Authorization": f"Bearer {token}"})


CONTENT = {"title": "Job fair", "description": "Stand B12.", "why": "We hire.",
           "audience": "Craftspeople", "language": "fr"}


def test_submit_list_and_decline_through_the_api(org: Org, flyer_guideline: Guideline) -> None:
    contributor, manager = _api(org.contributor), _api(org.manager)
    response = contributor.post("/api/v1/requests/content", CONTENT,
                                content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["language"] == "fr"
    assert [e["kind"] for e in body["events"]] == ["submitted"]
    request_id = body["id"]
    assert contributor.post(f"/api/v1/requests/{request_id}/decline",
                            {"guideline_id": flyer_guideline.pk, "note": "no"},
                            content_type="application/json").status_code == 403
    response = manager.post(f"/api/v1/requests/{request_id}/decline",
                            {"guideline_id": flyer_guideline.pk, "note": ""},
                            content_type="application/json")
    assert response.status_code == 400
    response = manager.post(f"/api/v1/requests/{request_id}/decline",
                            {"guideline_id": flyer_guideline.pk, "note": "Send photos."},
                            content_type="application/json")
    assert response.status_code == 200
    assert response.json()["guideline_id"] == flyer_guideline.pk
    assert StakeholderRequest.objects.get().status == RequestStatus.DECLINED
    guidelines = contributor.get("/api/v1/guidelines").json()
    assert [g["slug"] for g in guidelines] == ["pdf-flyer"]


def test_a_requester_lists_only_their_own(org: Org, channel: Channel) -> None:
    _api(org.contributor).post("/api/v1/requests/content", CONTENT,
                               content_type="application/json")
    other = _api(org.approver).post("/api/v1/requests/content", CONTENT,
                                    content_type="application/json").json()
    assert _api(org.contributor).get("/api/v1/requests").json()["count"] == 1
    assert _api(org.manager).get("/api/v1/requests").json()["count"] == 2
    assert _api(org.contributor).get(f"/api/v1/requests/{other['id']}").status_code == 404
    response = _api(org.manager).post(
        f"/api/v1/requests/{other['id']}/accept",
        {"targets": [{"channel_id": channel.pk, "placement": "feed"}]},
        content_type="application/json")
    assert response.status_code == 200 and response.json()["post_id"] is not None


def test_a_channel_request_through_the_api(org: Org) -> None:
    response = _api(org.contributor).post("/api/v1/requests/channel", {
        "network": "tiktok", "title": "Upcycling", "goal": "g", "audience": "a", "why": "w",
        "content_ideas": "c", "producers": "p", "owner_id": org.manager.pk,
        "backup_id": org.publisher.pk, "effort": "2 h"}, content_type="application/json")
    assert response.status_code == 201, response.content
    request_id = response.json()["id"]
    response = _api(org.owner).post(f"/api/v1/requests/{request_id}/accept",
                                    {"handle": "arlette.upcycling"},
                                    content_type="application/json")
    assert response.status_code == 200 and response.json()["channel_id"] is not None
