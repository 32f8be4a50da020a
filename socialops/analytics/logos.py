"""Store, replace and remove the organization's logo for its PDF reports.

An upload is sniffed by Pillow (never trusted for its name or declared type), limited in
bytes and pixels, shrunk to the size the report prints it at, and re-encoded as a PNG,
which drops EXIF, comments and anything else the file carried.
"""

from __future__ import annotations

import base64
import io
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socialops.analytics.models import ReportLogo
from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, require

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 25_000_000  # refuse decompression bombs before decoding them
ACCEPTED = {"PNG", "JPEG"}
# The largest box the report prints the logo in, at about 300 dpi.
BOX = (600, 200)


def _reencode(data: bytes) -> tuple[bytes, int, int]:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind, (width, height) = probe.format, probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("This file is not a PNG or JPEG image.")) from None
    if kind not in ACCEPTED:
        raise ValidationError(_("Upload a PNG or JPEG image (this one is %(kind)s).")
                              % {"kind": kind or _("unknown")})
    if width * height > MAX_PIXELS:
        raise ValidationError(_("This image is too large: at most 25 megapixels."))
    try:
        # verify() leaves the image unusable: decode it again from the bytes.
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            converted = image.convert("RGBA")
    except (OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("This image could not be read.")) from None
    converted.thumbnail(BOX)
    out = io.BytesIO()
    converted.save(out, format="PNG", optimize=True)
    return out.getvalue(), converted.width, converted.height


def set_logo(member: Member, upload: IO[bytes] | None, actor: Actor) -> ReportLogo:
    """Store an uploaded image as the organization's report logo, or raise ValidationError."""
    require(member, Action.MANAGE_REPORTS, member.organization)
    if upload is None:
        raise ValidationError(_("Choose an image to upload."))
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(_("This file is too large: at most 2 MB."))
    png, width, height = _reencode(data)
    with transaction.atomic():
        logo, created = ReportLogo.objects.update_or_create(
            organization=member.organization,
            defaults={"png": png, "width": width, "height": height, "uploaded_by": member,
                      "uploaded_at": timezone.now()})
        audit.record(member.organization, actor, "analytics.logo_set", logo,
                     after={"width": width, "height": height, "bytes": len(png),
                            "replaced": not created})
    return logo


def remove_logo(member: Member, actor: Actor) -> None:
    """Remove the organization's report logo (reports fall back to its initials)."""
    require(member, Action.MANAGE_REPORTS, member.organization)
    with transaction.atomic():
        logo = ReportLogo.objects.filter(organization=member.organization).first()
        if logo is None:
            return
        audit.record(member.organization, actor, "analytics.logo_remove", logo,
                     before={"width": logo.width, "height": logo.height})
        logo.delete()


def logo_png(organization_id: int) -> bytes | None:
    """Return the organization's logo as PNG bytes, or None when it has none."""
    value = (ReportLogo.objects.filter(organization_id=organization_id)
             .values_list("png", flat=True).first())
    return bytes(value) if value is not None else None


def logo_data_uri(organization_id: int) -> str | None:
    """Return the logo as a data: URI for the PDF (None when there is none)."""
    png = logo_png(organization_id)
    return "data:image/png;base64," + base64.b64encode(png).decode() if png else None
