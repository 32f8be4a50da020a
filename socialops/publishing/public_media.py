"""Signed, expiring public links to renditions, for networks that fetch media themselves.

Instagram takes `image_url`/`video_url` and downloads the file from there: the rendition
must be reachable without signing in. The link carries a signature over the rendition's
id (Django's TimestampSigner with the secret key) and expires after `LINK_LIFETIME`;
nothing else about the post can be read through it.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "socialops.publishing.public_media"
LINK_LIFETIME = timedelta(hours=24)


def public_url(rendition_id: int) -> str | None:
    """Return the public link of a rendition, or None when no public address is set."""
    base = getattr(settings, "SOCIALOPS_BASE_URL", "")
    if not base:
        return None
    token = signing.TimestampSigner(salt=SALT).sign(str(rendition_id))
    return base + reverse("publishing:public_rendition", args=[token])


def rendition_of(token: str) -> int | None:
    """Return the rendition id a link names, or None if it is forged or expired."""
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(
            token, max_age=LINK_LIFETIME)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None
