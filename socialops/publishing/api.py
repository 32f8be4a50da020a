"""REST endpoints for posts and variants, with the same permissions as the pages."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from socialops.core.actors import Actor
from socialops.core.api_auth import api_member
from socialops.publishing import services
from socialops.publishing.models import Post, PublishAttempt, Variant, VariantStatus

router = Router(tags=["publishing"])


class TargetIn(Schema):
    channel_id: int
    placement: str = "feed"


class PostIn(Schema):
    text: str
    targets: list[TargetIn]
    link: str = ""
    labels: list[str] = []
    is_paid: bool = False
    notes: str = ""


class VariantIn(Schema):
    text: str
    first_comment: str | None = None


class ReviewIn(Schema):
    comment: str = ""
    variant_ids: list[int] | None = None


class ScheduleIn(Schema):
    when: datetime
    variant_ids: list[int] | None = None


class SelectionIn(Schema):
    variant_ids: list[int] | None = None


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
    problems: list[str]


class VariantDetailOut(VariantOut):
    attempts: list[AttemptOut]


class PostOut(Schema):
    id: int
    text: str
    link: str
    labels: list[str]
    is_paid: bool
    notes: str
    author_email: str | None
    created_at: datetime
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
        "problems": services.check_of(variant).problems,
    }


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
        is_paid=post.is_paid, notes=post.notes,
        author_email=post.author.user.email if post.author else None,
        created_at=post.created_at, variants=[variant_out(v) for v in post.variants.all()],
    )


def _actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request, via=getattr(request, "auth_via", "api"))


def _fresh(request: HttpRequest, post_id: int) -> PostOut:
    return post_out(services.get_post_for_member(api_member(request), post_id))


@router.get("/posts", response=list[PostOut], summary="The organization's posts")
@paginate(LimitOffsetPagination)
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
