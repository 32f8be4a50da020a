"""Check the files joined to a content request by what their bytes are, and store them.

Images go through the publishing app's reader (`publishing.images.read_upload`: decoded
in full, bombs refused, the same size limit); the only other type accepted is PDF,
recognised by its signature, because stakeholders send flyers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from socialops.publishing import images
from socialops.requests.models import Attachment, StakeholderRequest

MAX_ATTACHMENTS = 5
PDF_SIGNATURE = b"%PDF-"
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp",
              "application/pdf": "pdf"}


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks, ready to be stored."""

    name: str
    data: bytes
    mime: str


def _not_accepted() -> ValidationError:
    return ValidationError(_("This file is neither an image (JPEG, PNG, WebP) nor a PDF. "
                             "Attach one of those, or share a link instead."),
                           code="not_accepted")


def _read_pdf(upload: UploadedFile) -> bytes:
    limit = images.max_upload_bytes()
    too_big = ValidationError(_("This file is larger than %(mb)d MB. Share a link to it "
                                "instead.") % {"mb": limit // (1024 * 1024)}, code="too_large")
    if upload.size is not None and upload.size > limit:
        raise too_big
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_big
    return data


def check_upload(upload: UploadedFile) -> CheckedFile:
    """Return an upload's bytes and real type, or raise ValidationError."""
    name = (upload.name or "")[:255]
    upload.seek(0)
    if upload.read(len(PDF_SIGNATURE)) == PDF_SIGNATURE:
        upload.seek(0)
        return CheckedFile(name, _read_pdf(upload), "application/pdf")
    upload.seek(0)
    try:
        data, sniffed = images.read_upload(upload, upload.size)
    except ValidationError as exc:
        if exc.code == "not_an_image":
            raise _not_accepted() from None
        raise
    return CheckedFile(name, data, sniffed.mime)


def check_uploads(uploads: Sequence[UploadedFile]) -> list[CheckedFile]:
    """Check every upload of a form; the first refusal names the file."""
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": _("Attach at most %(n)d files.")
                               % {"n": MAX_ATTACHMENTS}})
    checked = []
    for upload in uploads:
        try:
            checked.append(check_upload(upload))
        except ValidationError as exc:
            raise ValidationError({"attachments": [
                f"{upload.name}: {message}" for message in exc.messages]}) from None
    return checked


def store(request: StakeholderRequest, files: Sequence[CheckedFile]) -> list[Attachment]:
    """Save checked files on a request (inside the caller's transaction)."""
    stored = []
    for checked in files:
        attachment = Attachment(organization_id=request.organization_id, request=request,
                                original_name=checked.name, mime=checked.mime,
                                size_bytes=len(checked.data))
        attachment.file.save(f"a.{EXTENSIONS[checked.mime]}", ContentFile(checked.data),
                             save=False)
        attachment.save()
        stored.append(attachment)
    return stored
