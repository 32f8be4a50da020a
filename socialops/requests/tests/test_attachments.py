"""Files on content requests: images and PDFs recognised by their bytes, sizes limited."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from socialops.core.actors import Actor
from socialops.governance.models import Channel
from socialops.requests import services
from socialops.requests.attachments import MAX_ATTACHMENTS
from socialops.requests.models import Attachment, StakeholderRequest
from socialops.requests.tests.conftest import PDF_BYTES, Org, png_bytes

pytestmark = pytest.mark.django_db


def _submit(org: Org, *uploads: SimpleUploadedFile) -> StakeholderRequest:
    return services.submit_content_request(
        org.contributor, Actor.for_user(org.contributor.user), services.ContentRequestInput(
            title="Flyer", description="d", why="w", audience="a"), list(uploads))


def test_an_image_and_a_pdf_are_kept_with_their_real_type(org: Org) -> None:
    request = _submit(org, SimpleUploadedFile("photo.png", png_bytes(), "image/png"),
                      SimpleUploadedFile("flyer.pdf", PDF_BYTES, "application/pdf"))
    kinds = sorted(request.attachments.values_list("original_name", "mime"))
    assert kinds == [("flyer.pdf", "application/pdf"), ("photo.png", "image/png")]


@pytest.mark.parametrize("data", [b"<script>alert(1)</script>", b"MZ\x90\x00binary"])
def test_a_file_that_is_neither_image_nor_pdf_is_refused_whatever_its_name(
        org: Org, data: bytes) -> None:
    with pytest.raises(ValidationError) as caught:
        _submit(org, SimpleUploadedFile("flyer.pdf", data, "application/pdf"))
    assert "neither an image" in caught.value.message_dict["attachments"][0]
    assert not StakeholderRequest.objects.exists()


def test_a_file_over_the_limit_is_refused(org: Org, settings: Any) -> None:
    settings.SOCIALOPS_MEDIA_MAX_UPLOAD_MB = 1
    big = PDF_BYTES + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError) as caught:
        _submit(org, SimpleUploadedFile("big.pdf", big, "application/pdf"))
    assert "larger than 1 MB" in caught.value.message_dict["attachments"][0]


def test_too_many_files_are_refused(org: Org) -> None:
    files = [SimpleUploadedFile(f"{i}.pdf", PDF_BYTES) for i in range(MAX_ATTACHMENTS + 1)]
    with pytest.raises(ValidationError):
        _submit(org, *files)


def test_only_the_requester_and_the_team_download_a_file(org: Org) -> None:
    request = _submit(org, SimpleUploadedFile("flyer.pdf", PDF_BYTES, "application/pdf"))
    attachment = Attachment.objects.get(request=request)
    url = f"/requests/attachments/{attachment.pk}/"
    for member, status in ((org.contributor, 200), (org.manager, 200), (org.approver, 404)):
        client = Client()
        client.force_login(member.user)
        response = client.get(url)
        assert response.status_code == status, member.role
        if status == 200:
            assert response["Content-Type"] == "application/pdf"
            assert response["Content-Disposition"].startswith("attachment")
            assert b"".join(response.streaming_content) == PDF_BYTES  # type: ignore[attr-defined]


def test_accepting_puts_the_images_on_the_draft(org: Org, channel: Channel) -> None:
    request = _submit(org, SimpleUploadedFile("photo.png", png_bytes((1200, 800)), "image/png"),
                      SimpleUploadedFile("flyer.pdf", PDF_BYTES, "application/pdf"))
    services.accept_content_request(org.manager, Actor.for_user(org.manager.user), request,
                                    targets=[(channel.pk, "feed")])
    request.refresh_from_db()
    assert request.post is not None
    assert [a.original_name for a in request.post.media.all()] == ["photo.png"]
