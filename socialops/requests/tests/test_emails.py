"""E-mails: the team hears of new requests; the requester of answers, in their language."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.governance.models import Channel
from socialops.requests import services
from socialops.requests.models import Guideline, StakeholderRequest
from socialops.requests.tests.conftest import Org

pytestmark = pytest.mark.django_db


def _submit(member: Member, language: str = "en") -> StakeholderRequest:
    with translation.override(language):
        return services.submit_content_request(member, Actor.for_user(member.user),
                                               services.ContentRequestInput(
            title="Salon de l'emploi", description="Stand B12.", why="Recruter.",
            audience="Artisans"))


def test_a_new_request_mails_the_managers_not_the_requester(
        org: Org, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        request = _submit(org.contributor)
    assert [m.to for m in mail.outbox] == [[org.manager.user.email]]
    assert "Salon de l'emploi" in mail.outbox[0].subject
    assert f"/requests/{request.pk}/" in mail.outbox[0].body


def test_a_french_requester_reads_the_refusal_and_the_guideline_in_french(
        org: Org, flyer_guideline: Guideline,
        django_capture_on_commit_callbacks: Any) -> None:
    request = _submit(org.contributor, "fr")
    assert request.language == "fr"
    mail.outbox.clear()
    # The manager works in English; the mail follows the requester's language.
    with django_capture_on_commit_callbacks(execute=True):
        services.decline(org.manager, Actor.for_user(org.manager.user), request,
                         guideline_id=flyer_guideline.pk, note="Envoyez-nous deux photos.")
    [message] = mail.outbox
    assert message.to == [org.contributor.user.email]
    assert "Pourquoi un flyer PDF n'est pas un contenu social" in message.body
    assert "Un flyer est fait pour être imprimé." in message.body
    assert "Envoyez-nous deux photos." in message.body
    assert "A flyer is made" not in message.body


def test_an_english_requester_gets_the_question_and_the_acceptance_in_english(
        org: Org, channel: Channel, django_capture_on_commit_callbacks: Any) -> None:
    request = _submit(org.contributor, "en")
    mail.outbox.clear()
    manager = Actor.for_user(org.manager.user)
    with django_capture_on_commit_callbacks(execute=True):
        services.ask_question(org.manager, manager, request, "Which date exactly?")
    assert mail.outbox[-1].to == [org.contributor.user.email]
    assert "Which date exactly?" in mail.outbox[-1].body
    assert mail.outbox[-1].subject.startswith("A question about your request")
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_question(org.contributor, Actor.for_user(org.contributor.user),
                                 request, "The 14th.")
    assert mail.outbox[-1].to == [org.manager.user.email]
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_content_request(org.manager, manager, request,
                                        targets=[(channel.pk, "feed")])
    assert mail.outbox[-1].subject == "Your request “Salon de l'emploi” is accepted"


def test_no_mail_leaves_when_the_decision_fails(
        org: Org, django_capture_on_commit_callbacks: Any) -> None:
    request = _submit(org.contributor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.accept_content_request(org.manager, Actor.for_user(org.manager.user),
                                        request, targets=[])
    assert mail.outbox == []
