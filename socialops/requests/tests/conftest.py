"""Fixtures of the requests tests: a team with every kind of requester, channels, guidelines."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from PIL import Image

from socialops.core.actors import Actor
from socialops.core.models import Member, Organization
from socialops.governance.models import Channel
from socialops.requests import guidelines
from socialops.requests.models import Guideline

ACTOR = Actor.system("test")


@dataclass
class Org:
    org: Organization
    owner: Member
    manager: Member
    contributor: Member
    approver: Member
    analyst: Member
    publisher: Member


@pytest.fixture
def org(make_org: Callable[..., Organization], make_member: Callable[..., Member],
        settings: object, tmp_path: object) -> Org:
    settings.MEDIA_ROOT = str(tmp_path)  # type: ignore[attr-defined]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # type: ignore[attr-defined]
    organization = make_org("Maison Test")
    return Org(organization, *(make_member(organization, role) for role in (
        "owner", "manager", "contributor", "approver", "analyst", "publisher")))


@pytest.fixture
def channel(org: Org, make_channel: Callable[..., Channel]) -> Channel:
    return make_channel(org.org, network="linkedin", owner=org.manager,
                        backup_owner=org.publisher)


@pytest.fixture
def flyer_guideline(org: Org) -> Guideline:
    return guidelines.save_guideline(org.manager, ACTOR, guidelines.GuidelineInput(
        slug="pdf-flyer", title_en="Why a PDF flyer is not social content",
        text_en="A flyer is made to be printed.\n\nSend us the message instead.",
        title_fr="Pourquoi un flyer PDF n'est pas un contenu social",
        text_fr="Un flyer est fait pour être imprimé.\n\nEnvoyez-nous plutôt le message."))


def png_bytes(size: tuple[int, int] = (64, 48)) -> bytes:
    """Return a small real PNG image."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
