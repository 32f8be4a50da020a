"""Images on posts and their renditions: upload, focal point, alt text, removal; audited.

Renditions are cut in the request that changes an image, not in a job: a variant's
validation (media count, formats, sizes) and its preview read them at once, and a
person who has just moved the focal point expects to see the new crop.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, require
from socialops.publishing import images
from socialops.publishing.approvals import restart_review
from socialops.publishing.models import (
    EDITABLE_STATUSES,
    MediaAsset,
    Post,
    Rendition,
    RenditionRole,
    Variant,
    VariantStatus,
)
from socialops.publishing.validation import placement_spec

MAX_IMAGES = 10
MAX_ALT_TEXT = 1000
# While a variant is in these states a worker may be sending its media: hands off.
BUSY_STATUSES = (VariantStatus.PUBLISHING, VariantStatus.UNKNOWN)


# Reading


def get_asset_for_member(member: Member, asset_id: int) -> MediaAsset:
    """Return one image of the member's organization, or raise Http404."""
    require(member, Action.VIEW_POSTS, member.organization)
    asset = MediaAsset.objects.filter(organization_id=member.organization_id,
                                      pk=asset_id).select_related("post").first()
    if asset is None:
        raise Http404
    return asset


def get_rendition_for_member(member: Member, rendition_id: int) -> Rendition:
    """Return one rendition of the member's organization, or raise Http404."""
    require(member, Action.VIEW_POSTS, member.organization)
    rendition = Rendition.objects.filter(asset__organization_id=member.organization_id,
                                         pk=rendition_id).first()
    if rendition is None:
        raise Http404
    return rendition


def get_rendition_by_public_link(token: str) -> Rendition:
    """Return the rendition a signed public link names, or raise Http404 (forged, expired)."""
    from socialops.publishing.public_media import rendition_of

    rendition_id = rendition_of(token)
    rendition = Rendition.objects.filter(pk=rendition_id).first() if rendition_id else None
    if rendition is None:
        raise Http404
    return rendition


def assets_of(post: Post) -> QuerySet[MediaAsset]:
    return MediaAsset.objects.filter(post=post).order_by("position", "pk")


def media_files(variant: Variant) -> list[tuple[str, int]]:
    """Return (MIME type, bytes) of what the variant would attach, for validation.

    Reads ``variant.renditions.all()`` (prefetch it on lists). A placement that cannot
    take an image at all is checked against the uploaded files, so that the check says
    to remove them.
    """
    if images.rendition_target(placement_spec(variant.channel, variant.placement)) is None:
        return [(a.mime, a.size_bytes) for a in assets_of(variant.post)]
    return [(r.mime, r.size_bytes) for r in variant.renditions.all()
            if r.role == RenditionRole.MEDIA]


def media_renditions(variant: Variant) -> list[Rendition]:
    """Return the renditions a variant sends as media, in the post's order."""
    return list(Rendition.objects.filter(variant=variant, role=RenditionRole.MEDIA)
                .select_related("asset").order_by("asset__position", "asset_id"))


def media_refs_data(variant: Variant) -> list[tuple[Rendition, bytes]]:
    """Return the renditions a variant sends as media, with their bytes (for the dispatcher)."""
    out = []
    for rendition in media_renditions(variant):
        with rendition.file.open("rb") as handle:
            out.append((rendition, handle.read()))
    return out


# Renditions


def _delete_files_on_commit(names: Iterable[str]) -> None:
    names = [n for n in names if n]
    if not names:
        return
    storage = Rendition._meta.get_field("file").storage

    def delete() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)


def rebuild_renditions(post: Post, assets: Iterable[MediaAsset] | None = None) -> int:
    """Cut every image again for each editable variant of the post; return how many."""
    chosen = list(assets) if assets is not None else list(assets_of(post))
    variants = list(Variant.objects.filter(post=post, status__in=list(EDITABLE_STATUSES))
                    .select_related("channel"))
    stale = Rendition.objects.filter(variant__in=variants, asset__in=chosen)
    _delete_files_on_commit(stale.values_list("file", flat=True))
    stale.delete()
    made = 0
    for asset in chosen:
        with asset.file.open("rb") as handle:
            source = images.oriented(handle.read())
        # Several variants often share a shape (three Instagram feeds): encode it once.
        encoded: dict[tuple[Any, ...], images.Encoded] = {}
        for variant in variants:
            target = images.rendition_target(placement_spec(variant.channel, variant.placement))
            if target is None:
                continue
            spec, as_media = target
            key = (spec.preferred_size, spec.formats)
            if key not in encoded:
                encoded[key] = images.render(source, spec, (asset.focal_x, asset.focal_y))
            result = encoded[key]
            rendition = Rendition(asset=asset, variant=variant, mime=result.mime,
                                  width=result.width, height=result.height,
                                  size_bytes=len(result.data),
                                  role=RenditionRole.MEDIA if as_media
                                  else RenditionRole.THUMBNAIL)
            rendition.file.save(f"r.{result.extension}", ContentFile(result.data), save=False)
            rendition.save()
            made += 1
    return made


def _lock_for_media_change(member: Member, post: Post) -> list[Variant]:
    """Lock the post's variants; refuse while one is being sent, re-review approved ones."""
    require(member, Action.DRAFT_POSTS, post)
    variants = list(Variant.objects.select_for_update().filter(post=post).order_by("pk"))
    if any(v.status in BUSY_STATUSES for v in variants):
        raise ValidationError(_("A variant of this post is being published; change its "
                                "images once it has gone out or failed."))
    if not any(v.is_editable for v in variants):
        raise ValidationError(_("This post is published or cancelled: its images can no "
                                "longer change."))
    for variant in variants:
        if variant.status in (VariantStatus.APPROVED, VariantStatus.SCHEDULED,
                              VariantStatus.IN_REVIEW):
            # An approval covered the image as it was; a new image needs a new look.
            restart_review(variant)
            variant.save(update_fields=["status", "approval_step", "review_round",
                                        "approved_at", "next_attempt_at", "updated_at"])
    return variants


def _asset_snapshot(asset: MediaAsset) -> dict[str, Any]:
    return {"post": asset.post_id, "mime": asset.mime, "width": asset.width,
            "height": asset.height, "focal": [asset.focal_x, asset.focal_y],
            "alt_text": asset.alt_text}


def _clean_alt(alt_text: str) -> str:
    alt_text = alt_text.strip()
    if len(alt_text) > MAX_ALT_TEXT:
        raise ValidationError(_("The alternative text is limited to %(n)d characters.")
                              % {"n": MAX_ALT_TEXT})
    return alt_text


def _clean_focal(x: float, y: float) -> tuple[float, float]:
    if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
        raise ValidationError(_("The focal point is given as two numbers between 0 and 1."))
    return round(x, 4), round(y, 4)


@transaction.atomic
def attach_image(member: Member, actor: Actor, post: Post, upload: UploadedFile, *,
                 alt_text: str = "", focal: tuple[float, float] = (0.5, 0.5)) -> MediaAsset:
    """Check an uploaded image, store it and cut its renditions for the post's variants."""
    require(member, Action.DRAFT_POSTS, post)
    with upload.open("rb") as stream:
        data, sniffed = images.read_upload(stream, upload.size)
    alt = _clean_alt(alt_text)
    x, y = _clean_focal(*focal)
    _lock_for_media_change(member, post)
    count = MediaAsset.objects.filter(post=post).count()
    if count >= MAX_IMAGES:
        raise ValidationError(_("A post can have at most %(n)d images.") % {"n": MAX_IMAGES})
    source = images.oriented(data)
    small = images.preview(source)
    asset = MediaAsset(
        organization_id=post.organization_id, post=post, uploaded_by=member,
        original_name=(upload.name or "")[:255], mime=sniffed.mime, width=sniffed.width,
        height=sniffed.height, size_bytes=sniffed.size_bytes, focal_x=x, focal_y=y,
        alt_text=alt, position=count,
    )
    extension = images.Encoded(b"", sniffed.mime, 0, 0).extension
    asset.file.save(f"o.{extension}", ContentFile(data), save=False)
    asset.preview.save(f"p.{small.extension}", ContentFile(small.data), save=False)
    asset.save()
    made = rebuild_renditions(post, [asset])
    audit.record(member.organization, actor, "post.media_add", asset,
                 after={**_asset_snapshot(asset), "renditions": made})
    return asset


@transaction.atomic
def update_image(member: Member, actor: Actor, asset: MediaAsset, *,
                 focal: tuple[float, float] | None = None,
                 alt_text: str | None = None) -> MediaAsset:
    """Move an image's focal point (cutting its renditions again) or change its alt text."""
    require(member, Action.DRAFT_POSTS, asset)
    _lock_for_media_change(member, asset.post)
    locked = MediaAsset.objects.select_for_update().select_related("post").get(pk=asset.pk)
    before = _asset_snapshot(locked)
    if alt_text is not None:
        locked.alt_text = _clean_alt(alt_text)
    if focal is not None:
        locked.focal_x, locked.focal_y = _clean_focal(*focal)
    after = _asset_snapshot(locked)
    if after == before:
        return locked
    locked.save(update_fields=["alt_text", "focal_x", "focal_y"])
    if before["focal"] != after["focal"]:
        rebuild_renditions(locked.post, [locked])
    audit.record(member.organization, actor, "post.media_edit", locked, before=before,
                 after=after)
    return locked


@transaction.atomic
def remove_image(member: Member, actor: Actor, asset: MediaAsset) -> None:
    """Take an image off a post, with its renditions and files."""
    require(member, Action.DRAFT_POSTS, asset)
    _lock_for_media_change(member, asset.post)
    before = _asset_snapshot(asset)
    names = [asset.file.name, asset.preview.name,
             *Rendition.objects.filter(asset=asset).values_list("file", flat=True)]
    audit.record(member.organization, actor, "post.media_remove", asset, before=before)
    asset.delete()
    _delete_files_on_commit(names)

