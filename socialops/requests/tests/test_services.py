"""Each transition of a request, its audit event, its timeline line, and who may do it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from socialops.core.actors import Actor
from socialops.core.models import AuditEvent, Member, Organization
from socialops.governance.models import Channel, ChannelStatus
from socialops.publishing.models import VariantStatus
from socialops.requests import services
from socialops.requests.models import EventKind, Guideline, RequestStatus, StakeholderRequest
from socialops.requests.tests.conftest import Org

pytestmark = pytest.mark.django_db


def _me(member: Member) -> Actor:
    return Actor.for_user(member.user)


def _content(member: Member, title: str = "LinkedIn post for the job fair") -> StakeholderRequest:
    return services.submit_content_request(member, _me(member), services.ContentRequestInput(
        title=title, description="Meet our leather workers at stand B12 on the 14th.",
        why="We hire 12 craftspeople this year.", audience="Craftspeople around Lyon",
        link="https://example.com/jobs"))


def _actions(org: Org) -> list[str]:
    return list(AuditEvent.objects.filter(organization=org.org).order_by("seq")
                .values_list("action", flat=True))


def _events(request: StakeholderRequest) -> list[str]:
    return list(request.events.values_list("kind", flat=True))


def test_submit_records_the_request_its_timeline_and_audit(org: Org) -> None:
    request = _content(org.contributor)
    assert request.status == RequestStatus.SUBMITTED
    assert request.requester == org.contributor
    assert request.requester_name == "Person Contributor"
    assert request.language == "en"
    assert _events(request) == [EventKind.SUBMITTED]
    assert _actions(org)[-1] == "request.submit"


def test_a_request_needs_what_why_and_audience_and_a_real_link(org: Org) -> None:
    with pytest.raises(ValidationError) as caught:
        services.submit_content_request(org.contributor, _me(org.contributor),
                                        services.ContentRequestInput(
            title=" ", description="", why="x", audience="", link="javascript:alert(1)"))
    assert set(caught.value.message_dict) == {"title", "description", "audience", "link"}
    assert not StakeholderRequest.objects.exists()


def test_accepting_creates_a_linked_draft_post_with_the_request_text(
        org: Org, channel: Channel) -> None:
    request = _content(org.contributor)
    services.accept_content_request(org.manager, _me(org.manager), request,
                                    targets=[(channel.pk, "feed")])
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED
    assert request.post is not None
    assert request.post.text == "Meet our leather workers at stand B12 on the 14th."
    assert request.post.link == "https://example.com/jobs"
    assert request.post.variants.get().status == VariantStatus.DRAFT
    assert f"#{request.pk}" in request.post.notes
    assert request.decided_by == org.manager and request.first_answer_at is not None
    assert _events(request) == [EventKind.SUBMITTED, EventKind.ACCEPTED]
    assert _actions(org)[-2:] == ["post.create", "request.accept"]


def test_accepting_without_a_channel_changes_nothing(org: Org) -> None:
    request = _content(org.contributor)
    with pytest.raises(ValidationError):
        services.accept_content_request(org.manager, _me(org.manager), request, targets=[])
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED and request.post is None


def test_question_then_answer_goes_back_to_the_queue(org: Org) -> None:
    request = _content(org.contributor)
    services.ask_question(org.manager, _me(org.manager), request, "Do you have photos?")
    request.refresh_from_db()
    assert request.status == RequestStatus.NEEDS_INFO
    first = request.first_answer_at
    with pytest.raises(Http404):  # only the requester answers
        services.answer_question(org.approver, _me(org.approver), request, "Yes")
    services.answer_question(org.contributor, _me(org.contributor), request, "Yes, three.")
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED
    assert request.first_answer_at == first
    assert _events(request) == [EventKind.SUBMITTED, EventKind.QUESTION, EventKind.ANSWER]
    assert _actions(org)[-2:] == ["request.question", "request.answer"]


def test_decline_needs_a_guideline_and_a_sentence_then_reopen(
        org: Org, flyer_guideline: Guideline) -> None:
    request = _content(org.contributor)
    with pytest.raises(ValidationError) as caught:
        services.decline(org.manager, _me(org.manager), request, guideline_id=None, note=" ")
    assert set(caught.value.message_dict) == {"guideline", "note"}
    services.decline(org.manager, _me(org.manager), request, guideline_id=flyer_guideline.pk,
                     note="Send us two photos instead.")
    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED
    assert request.guideline == flyer_guideline
    assert request.decision_note == "Send us two photos instead."
    with pytest.raises(ValidationError):  # already answered
        services.ask_question(org.manager, _me(org.manager), request, "?")
    services.reopen(org.manager, _me(org.manager), request)
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED and request.guideline is None
    assert _events(request) == [EventKind.SUBMITTED, EventKind.DECLINED, EventKind.REOPENED]
    assert _actions(org)[-2:] == ["request.decline", "request.reopen"]


def test_an_archived_or_foreign_guideline_cannot_be_given(
        org: Org, flyer_guideline: Guideline, make_org: Callable[..., Organization],
        make_member: Callable[..., Member]) -> None:
    other = make_member(make_org(), "manager")
    from socialops.requests.guidelines import GuidelineInput, save_guideline
    foreign = save_guideline(other, _me(other), GuidelineInput("x", "X", "x", "", ""))
    request = _content(org.contributor)
    with pytest.raises(ValidationError):
        services.decline(org.manager, _me(org.manager), request, guideline_id=foreign.pk,
                         note="No")
    Guideline.objects.filter(pk=flyer_guideline.pk).update(is_active=False)
    with pytest.raises(ValidationError):
        services.decline(org.manager, _me(org.manager), request,
                         guideline_id=flyer_guideline.pk, note="No")


def _channel_request(org: Org) -> StakeholderRequest:
    return services.submit_channel_request(org.contributor, _me(org.contributor),
                                           services.ChannelRequestInput(
        network="tiktok", title="Atelier Upcycling", handle="arlette.upcycling",
        goal="Reach students.", audience="18-25", why="Our accounts are too formal.",
        content_ideas="Repair tutorials every week.", producers="The project team",
        owner=org.manager, backup=org.publisher, effort="2 hours a week"))


def test_a_channel_request_needs_two_distinct_owners(org: Org) -> None:
    with pytest.raises(ValidationError) as caught:
        services.submit_channel_request(org.contributor, _me(org.contributor),
                                        services.ChannelRequestInput(
            network="myspace", title="T", goal="g", audience="a", why="w", content_ideas="c",
            producers="p", owner=org.manager, backup=org.manager, effort=""))
    assert set(caught.value.message_dict) == {"network", "backup", "effort"}


def test_approving_a_channel_request_adds_a_channel_waiting_to_be_connected(org: Org) -> None:
    request = _channel_request(org)
    # A manager triages but adding a channel is the owners' and administrators' call.
    with pytest.raises(PermissionDenied):
        services.approve_channel_request(org.manager, _me(org.manager), request,
                                         handle="arlette.upcycling")
    services.approve_channel_request(org.owner, _me(org.owner), request,
                                     handle="arlette.upcycling")
    request.refresh_from_db()
    channel = request.channel
    assert channel is not None and request.status == RequestStatus.ACCEPTED
    assert (channel.network, channel.handle, channel.status) == (
        "tiktok", "arlette.upcycling", ChannelStatus.DISCONNECTED)
    assert (channel.owner, channel.backup_owner) == (org.manager, org.publisher)
    assert _actions(org)[-3:] == ["channel.create", "channel.update", "request.accept"]


def test_a_contributor_cannot_triage_and_sees_only_their_requests(
        org: Org, flyer_guideline: Guideline) -> None:
    mine = _content(org.contributor)
    theirs = _content(org.approver, "Another one")
    with pytest.raises(PermissionDenied):
        services.decline(org.contributor, _me(org.contributor), mine,
                         guideline_id=flyer_guideline.pk, note="No")
    with pytest.raises(PermissionDenied):
        services.ask_question(org.contributor, _me(org.contributor), mine, "?")
    assert list(services.requests_for(org.contributor)) == [mine]
    with pytest.raises(Http404):
        services.get_request_for_member(org.contributor, theirs.pk)
    assert set(services.requests_for(org.manager)) == {mine, theirs}


def test_another_organizations_request_is_404(
        org: Org, make_org: Callable[..., Organization],
        make_member: Callable[..., Member]) -> None:
    request = _content(org.contributor)
    stranger = make_member(make_org(), "owner")
    with pytest.raises(Http404):
        services.get_request_for_member(stranger, request.pk)
    with pytest.raises(PermissionDenied):
        services.ask_question(stranger, _me(stranger), request, "?")


def test_the_request_keeps_the_requesters_name_when_they_leave(org: Org) -> None:
    request = _content(org.contributor)
    org.contributor.delete()
    request.refresh_from_db()
    assert request.requester is None
    assert request.requester_name == "Person Contributor"
