"""The pages: asking, the queue, the request page's actions, the library; errors keep input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.governance.models import Channel
from socialops.requests import services
from socialops.requests.models import Guideline, RequestStatus, StakeholderRequest
from socialops.requests.tests.conftest import Org

pytestmark = pytest.mark.django_db
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _client(member: Member, language: str = "en") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(member.user)
    return client


def _request(member: Member, title: str = "Job fair post") -> StakeholderRequest:
    return services.submit_content_request(member, Actor.for_user(member.user),
                                           services.ContentRequestInput(
        title=title, description="Stand B12.", why="We hire.", audience="Craftspeople"))


def test_the_menu_offers_requests_to_a_contributor(org: Org) -> None:
    page = _client(org.contributor).get("/").content.decode()
    assert 'href="/requests/"' in page


def test_a_bad_form_is_shown_again_with_what_was_typed(org: Org) -> None:
    response = _client(org.contributor).post("/requests/new/", {
        "title": "Job fair", "description": "Stand B12, all day.", "why": "",
        "audience": "Craftspeople", "link": "not a link", "desired_date": "2020-01-01"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Stand B12, all day.</textarea>" in page and "Craftspeople</textarea>" in page
    assert "This answer is needed." in page
    assert "Give a web address starting with https://." in page
    assert "Choose a date from today on." in page
    assert not StakeholderRequest.objects.exists()


def test_a_content_request_sent_through_the_page(org: Org) -> None:
    day = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = _client(org.contributor).post("/requests/new/", {
        "title": "Job fair", "description": "Stand B12.", "why": "We hire.",
        "audience": "Craftspeople", "link": "https://example.com/", "desired_date": day})
    request = StakeholderRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/requests/{request.pk}/"
    assert request.desired_date is not None and request.desired_date.isoformat() == day


def test_a_channel_request_sent_through_the_questionnaire(org: Org) -> None:
    form = {"network": "tiktok", "title": "Upcycling", "goal": "g", "audience": "a",
            "why": "w", "content_ideas": "c", "producers": "p", "owner": str(org.manager.pk),
            "backup": str(org.manager.pk), "effort": "2 h"}
    client = _client(org.contributor)
    response = client.post("/requests/new-channel/", form)
    assert response.status_code == 400
    assert "The backup must be someone other than the owner." in response.content.decode()
    response = client.post("/requests/new-channel/", {**form, "backup": str(org.publisher.pk)})
    assert response.status_code == 302
    assert StakeholderRequest.objects.get().proposed_backup == org.publisher


def test_hostile_text_is_escaped_everywhere(org: Org, flyer_guideline: Guideline) -> None:
    request = services.submit_content_request(org.contributor,
                                              Actor.for_user(org.contributor.user),
                                              services.ContentRequestInput(
        title=HOSTILE, description=HOSTILE, why=HOSTILE, audience=HOSTILE))
    services.decline(org.manager, Actor.for_user(org.manager.user), request,
                     guideline_id=flyer_guideline.pk, note=HOSTILE)
    for member, url in ((org.contributor, "/requests/"),
                        (org.manager, "/requests/queue/?status=all"),
                        (org.manager, f"/requests/{request.pk}/"),
                        (org.manager, "/requests/statistics/")):
        page = _client(member).get(url).content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page, url
        assert "&lt;script&gt;" in page, url


def test_the_queue_filters_by_kind_status_and_age(org: Org) -> None:
    old, new = _request(org.contributor, "Old one"), _request(org.approver, "New one")
    StakeholderRequest.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=10))
    client = _client(org.manager)
    page = client.get("/requests/queue/").content.decode()
    assert "Old one" in page and "New one" in page
    page = client.get("/requests/queue/?age=7").content.decode()
    assert "Old one" in page and "New one" not in page
    page = client.get("/requests/queue/?kind=channel").content.decode()
    assert "Old one" not in page
    services.ask_question(org.manager, Actor.for_user(org.manager.user), new, "?")
    page = client.get("/requests/queue/?status=needs_info").content.decode()
    assert "New one" in page and "Old one" not in page
    assert _client(org.contributor).get("/requests/queue/").status_code == 403


def test_triage_through_the_request_page(org: Org, channel: Channel,
                                         flyer_guideline: Guideline) -> None:
    request = _request(org.contributor)
    manager = _client(org.manager)
    page = manager.get(f"/requests/{request.pk}/").content.decode()
    assert 'id="decline-form"' in page and flyer_guideline.title_en in page
    # Declining without a sentence keeps the choice of guideline.
    response = manager.post(f"/requests/{request.pk}/decline/",
                            {"guideline": str(flyer_guideline.pk), "note": ""})
    assert response.status_code == 400
    assert f'<option value="{flyer_guideline.pk}" selected>' in response.content.decode()
    response = manager.post(f"/requests/{request.pk}/question/", {"question": "Photos?"})
    assert response.status_code == 302
    contributor = _client(org.contributor)
    assert "Photos?" in contributor.get("/requests/").content.decode()
    assert contributor.post(f"/requests/{request.pk}/answer/",
                            {"answer": "Yes"}).status_code == 302
    response = manager.post(f"/requests/{request.pk}/accept/",
                            {"target": f"{channel.pk}:feed", "text": "Come to stand B12!"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED and request.post is not None
    assert request.post.text == "Come to stand B12!"
    post_page = manager.get(f"/publishing/posts/{request.post.pk}/").content.decode()
    assert f'href="/requests/{request.pk}/"' in post_page
    assert f'href="/publishing/posts/{request.post.pk}/"' in manager.get(
        f"/requests/{request.pk}/").content.decode()


def test_a_contributor_sees_no_triage_and_cannot_post_one(org: Org,
                                                          flyer_guideline: Guideline) -> None:
    request = _request(org.contributor)
    client = _client(org.contributor)
    assert 'id="decline-form"' not in client.get(f"/requests/{request.pk}/").content.decode()
    response = client.post(f"/requests/{request.pk}/decline/",
                           {"guideline": str(flyer_guideline.pk), "note": "no"})
    assert response.status_code == 403
    other = _request(org.approver)
    assert client.get(f"/requests/{other.pk}/").status_code == 404


def test_french_requester_sees_the_refusal_in_french(org: Org, flyer_guideline: Guideline) -> None:
    request = _request(org.contributor)
    services.decline(org.manager, Actor.for_user(org.manager.user), request,
                     guideline_id=flyer_guideline.pk, note="Envoyez-nous deux photos.")
    page = _client(org.contributor, "fr").get("/requests/").content.decode()
    assert "Pourquoi un flyer PDF n&#x27;est pas un contenu social" in page
    assert "<p>Un flyer est fait pour être imprimé.</p>" in page
    assert "Envoyez-nous deux photos." in page
    assert "A flyer is made" not in page


def test_the_library_is_written_through_its_page(org: Org) -> None:
    client = _client(org.manager)
    response = client.post("/requests/guidelines/new/", {
        "title_en": "Our tone of voice", "text_en": "Warm, precise.", "title_fr": "Notre ton",
        "text_fr": "", "is_active": "on"})
    assert response.status_code == 400
    assert 'value="Our tone of voice"' in response.content.decode()
    response = client.post("/requests/guidelines/new/", {
        "title_en": "Our tone of voice", "text_en": "Warm, precise.", "title_fr": "Notre ton",
        "text_fr": "Chaleureux, précis.", "is_active": "on"})
    assert response.status_code == 302
    guideline = Guideline.objects.get()
    assert guideline.slug == "our-tone-of-voice" and guideline.is_active
    assert client.post(f"/requests/guidelines/{guideline.pk}/", {
        "slug": "tone", "title_en": "Tone", "text_en": "Warm.", "title_fr": "Ton",
        "text_fr": "Chaleureux."}).status_code == 302
    guideline.refresh_from_db()
    assert (guideline.slug, guideline.is_active) == ("tone", False)
    contributor = _client(org.contributor, "fr")
    assert "Chaleureux." in contributor.get("/requests/guidelines/").content.decode()
    assert contributor.get("/requests/guidelines/new/").status_code == 403
