"""REST endpoints for posts and variants, with the same permissions as the pages."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.http import FileResponse, HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from socialops.core.actors import Actor
from socialops.core.api_auth import RowId, api_member
from socialops.core.api_pagination import Pagination
from socialops.publishing import media, services
from socialops.publishing.campaign_api import router as campaign_router
from socialops.publishing.models import (
    MediaAsset,
    Post,
    PublishAttempt,
    Rendition,
    Variant,
    VariantStatus,
)

router = Router(tags=["publishing"])


class TargetIn(Schema):
    channel_id: RowId
    placement: str = "feed"


class PostIn(Schema):
    text: str
    targets: list[TargetIn]
    link: str = ""
    labels: list[str] = []
    is_paid: bool = False
    notes: str = ""
    campaign_id: RowId | None = None
    planned_at: datetime | None = None


class VariantIn(Schema):
    text: str
    first_comment: str | None = None


class ReviewIn(Schema):
    comment: str = ""
    variant_ids: list[RowId] | None = None


class ScheduleIn(Schema):
    when: datetime
    variant_ids: list[RowId] | None = None


class SelectionIn(Schema):
    variant_ids: list[RowId] | None = None


class MediaIn(Schema):
    focal_x: float | None = None
    focal_y: float | None = None
    alt_text: str | None = None


class MediaOut(Schema):
    id: int
    post_id: int
    mime: str
    width: int
    height: int
    size_bytes: int
    focal_x: float
    focal_y: float
    alt_text: str
    original_name: str


class RenditionOut(Schema):
    id: int
    image_id: int
    role: str
    mime: str
    width: int
    height: int
    size_bytes: int


class AttemptOut(Schema):
    number: int
    idempotency_key: str
    started_at: datetime
    finished_at: datetime | None
    outcome: str
    error: str
    error_code: str
    remote_id: str


class VariantOut(Schema):
    id: int
    post_id: int
    channel_id: int
    network: str
    handle: str
    placement: str
    text: str
    first_comment: str
    status: str
    scheduled_at: datetime | None
    next_attempt_at: datetime | None
    attempt_count: int
    remote_id: str
    remote_url: str
    published_at: datetime | None
    last_error: str
    last_error_code: str
    approval_step: int
    approved_at: datetime | None
    problems: list[str]
    renditions: list[RenditionOut]


class VariantDetailOut(VariantOut):
    attempts: list[AttemptOut]


class PostOut(Schema):
    id: int
    text: str
    link: str
    labels: list[str]
    is_paid: bool
    notes: str
    campaign_id: int | None
    author_email: str | None
    created_at: datetime
    images: list[MediaOut]
    variants: list[VariantOut]


def _variant_fields(variant: Variant) -> dict[str, object]:
    return {
        "id": variant.pk, "post_id": variant.post_id, "channel_id": variant.channel_id,
        "network": variant.channel.network, "handle": variant.channel.handle,
        "placement": variant.placement, "text": variant.text,
        "first_comment": variant.first_comment, "status": variant.status,
        "scheduled_at": variant.scheduled_at, "next_attempt_at": variant.next_attempt_at,
        "attempt_count": variant.attempt_count, "remote_id": variant.remote_id,
        "remote_url": variant.remote_url, "published_at": variant.published_at,
        "last_error": variant.last_error, "last_error_code": variant.last_error_code,
        "approval_step": variant.approval_step, "approved_at": variant.approved_at,
        "problems": services.check_of(variant).problems,
        "renditions": [rendition_out(r) for r in variant.renditions.all()],
    }


def rendition_out(rendition: Rendition) -> RenditionOut:
    return RenditionOut(id=rendition.pk, image_id=rendition.asset_id, role=rendition.role,
                        mime=rendition.mime, width=rendition.width, height=rendition.height,
                        size_bytes=rendition.size_bytes)


def media_out(asset: MediaAsset) -> MediaOut:
    return MediaOut(id=asset.pk, post_id=asset.post_id, mime=asset.mime, width=asset.width,
                    height=asset.height, size_bytes=asset.size_bytes, focal_x=asset.focal_x,
                    focal_y=asset.focal_y, alt_text=asset.alt_text,
                    original_name=asset.original_name)


def variant_out(variant: Variant) -> VariantOut:
    return VariantOut(**_variant_fields(variant))  # type: ignore[arg-type]


def variant_detail_out(variant: Variant) -> VariantDetailOut:
    attempts: list[PublishAttempt] = list(variant.attempts.all())
    return VariantDetailOut(
        **_variant_fields(variant),  # type: ignore[arg-type]
        attempts=[AttemptOut(
            number=a.number, idempotency_key=a.idempotency_key, started_at=a.started_at,
            finished_at=a.finished_at, outcome=a.outcome, error=a.error,
            error_code=a.error_code, remote_id=a.remote_id) for a in attempts],
    )


def post_out(post: Post) -> PostOut:
    return PostOut(
        id=post.pk, text=post.text, link=post.link, labels=list(post.labels),
        is_paid=post.is_paid, notes=post.notes, campaign_id=post.campaign_id,
        author_email=post.author.user.email if post.author else None,
        created_at=post.created_at, images=[media_out(a) for a in post.media.all()],
        variants=[variant_out(v) for v in post.variants.all()],
    )


def _actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request, via=getattr(request, "auth_via", "api"))


def _fresh(request: HttpRequest, post_id: int) -> PostOut:
    return post_out(services.get_post_for_member(api_member(request), post_id))


@router.get("/posts", response=list[PostOut], summary="The organization's posts")
@paginate(Pagination)
def list_posts(request: HttpRequest, status: str | None = None) -> list[PostOut]:
    posts = services.posts_for(api_member(request))
    if status in VariantStatus.values:
        posts = posts.filter(variants__status=status).distinct()
    return [post_out(p) for p in posts]


@router.post("/posts", response={201: PostOut}, summary="Write a draft post")
def create_post(request: HttpRequest, payload: PostIn) -> Status[PostOut]:
    member = api_member(request)
    post = services.create_post(
        member, _actor(request), text=payload.text,
        targets=[(t.channel_id, t.placement) for t in payload.targets], link=payload.link,
        labels=payload.labels, is_paid=payload.is_paid, notes=payload.notes,
        campaign_id=payload.campaign_id, planned_at=payload.planned_at,
    )
    return Status(201, _fresh(request, post.pk))


@router.get("/posts/{post_id}", response=PostOut, summary="One post with its variants")
def get_post(request: HttpRequest, post_id: int) -> PostOut:
    return _fresh(request, post_id)


@router.get("/variants/{variant_id}", response=VariantDetailOut,
            summary="One variant with its publish attempts (always readable, even when stuck)")
def get_variant(request: HttpRequest, variant_id: int) -> VariantDetailOut:
    return variant_detail_out(services.get_variant_for_member(api_member(request), variant_id))


@router.patch("/variants/{variant_id}", response=VariantDetailOut, summary="Edit a variant")
def edit_variant(request: HttpRequest, variant_id: int, payload: VariantIn) -> VariantDetailOut:
    member = api_member(request)
    variant = services.get_variant_for_member(member, variant_id)
    services.edit_variant(member, _actor(request), variant, text=payload.text,
                          first_comment=payload.first_comment)
    return variant_detail_out(services.get_variant_for_member(member, variant_id))


@router.post("/posts/{post_id}/submit", response=PostOut, summary="Send drafts for approval")
def submit(request: HttpRequest, post_id: int) -> PostOut:
    member = api_member(request)
    services.submit_for_review(member, _actor(request),
                               services.get_post_for_member(member, post_id))
    return _fresh(request, post_id)


@router.post("/posts/{post_id}/approve", response=PostOut, summary="Approve variants in review")
def approve(request: HttpRequest, post_id: int, payload: ReviewIn) -> PostOut:
    member = api_member(request)
    services.approve(member, _actor(request), services.get_post_for_member(member, post_id),
                     comment=payload.comment, variant_ids=payload.variant_ids)
    return _fresh(request, post_id)


@router.post("/posts/{post_id}/reject", response=PostOut, summary="Reject variants in review")
def reject(request: HttpRequest, post_id: int, payload: ReviewIn) -> PostOut:
    member = api_member(request)
    services.reject(member, _actor(request), services.get_post_for_member(member, post_id),
                    comment=payload.comment, variant_ids=payload.variant_ids)
    return _fresh(request, post_id)


@router.post("/posts/{post_id}/request-changes", response=PostOut,
             summary="Send variants in review back to the author with the changes to make")
def request_changes(request: HttpRequest, post_id: int, payload: ReviewIn) -> PostOut:
    member = api_member(request)
    services.reject(member, _actor(request), services.get_post_for_member(member, post_id),
                    comment=payload.comment, variant_ids=payload.variant_ids,
                    changes_requested=True)
    return _fresh(request, post_id)


@router.post("/posts/{post_id}/schedule", response=PostOut,
             summary="Schedule approved variants (a time without offset is the organization's)")
def schedule(request: HttpRequest, post_id: int, payload: ScheduleIn) -> PostOut:
    member = api_member(request)
    when = payload.when
    if when.tzinfo is None:
        when = when.replace(tzinfo=ZoneInfo(member.organization.time_zone))
    services.schedule(member, _actor(request), services.get_post_for_member(member, post_id),
                      when, variant_ids=payload.variant_ids)
    return _fresh(request, post_id)


@router.post("/posts/{post_id}/cancel", response=PostOut, summary="Cancel unpublished variants")
def cancel(request: HttpRequest, post_id: int, payload: SelectionIn) -> PostOut:
    member = api_member(request)
    services.cancel(member, _actor(request), services.get_post_for_member(member, post_id),
                    variant_ids=payload.variant_ids)
    return _fresh(request, post_id)


@router.post("/posts/{post_id}/images", response={201: MediaOut},
             summary="Upload an image (multipart); renditions are cut for every variant")
def add_image(request: HttpRequest, post_id: int, image: File[UploadedFile],
              alt_text: Form[str] = "", focal_x: Form[float] = 0.5,
              focal_y: Form[float] = 0.5) -> Status[MediaOut]:
    member = api_member(request)
    post = services.get_post_for_member(member, post_id)
    asset = media.attach_image(member, _actor(request), post, image, alt_text=alt_text,
                               focal=(focal_x, focal_y))
    return Status(201, media_out(asset))


@router.patch("/images/{image_id}", response=MediaOut,
              summary="Move an image's focal point (renditions are cut again) or edit alt text")
def edit_image(request: HttpRequest, image_id: int, payload: MediaIn) -> MediaOut:
    member = api_member(request)
    asset = media.get_asset_for_member(member, image_id)
    focal = None
    if payload.focal_x is not None or payload.focal_y is not None:
        focal = (payload.focal_x if payload.focal_x is not None else asset.focal_x,
                 payload.focal_y if payload.focal_y is not None else asset.focal_y)
    return media_out(media.update_image(member, _actor(request), asset, focal=focal,
                                        alt_text=payload.alt_text))


@router.delete("/images/{image_id}", response={204: None}, summary="Remove an image")
def delete_image(request: HttpRequest, image_id: int) -> Status[None]:
    member = api_member(request)
    media.remove_image(member, _actor(request), media.get_asset_for_member(member, image_id))
    return Status(204, None)


@router.get("/renditions/{rendition_id}/file", response={200: None},
            summary="The bytes of a rendition, exactly as the network receives them")
def rendition_file(request: HttpRequest, rendition_id: int) -> FileResponse:
    rendition = media.get_rendition_for_member(api_member(request), rendition_id)
    return FileResponse(rendition.file.open("rb"), content_type=rendition.mime)


router.add_router("", campaign_router)
