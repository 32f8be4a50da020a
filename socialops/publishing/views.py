"""Pages of the publishing app: posts, the composer, a post's variants, pause, calendar."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, can, require
from socialops.governance.models import Channel, ChannelStatus
from socialops.governance.services import channels_for, get_channel_for_member
from socialops.publishing import approvals, discussion, images, media, pausing, services
from socialops.publishing.campaigns import campaigns_for
from socialops.publishing.models import Variant, VariantStatus
from socialops.publishing.validation import (
    check_variant,
    placement_label,
    placement_spec,
    publishable_placements,
)

PAGE_SIZE = 50


def _member(request: HttpRequest, action: Action = Action.VIEW_POSTS) -> Member:
    """Return the member the request acts as, once allowed ``action``."""
    member: Member | None = request.member  # type: ignore[attr-defined]
    require(member, action, member.organization if member else None)
    assert member is not None  # require() refused None above
    return member


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _zone(member: Member) -> ZoneInfo:
    return ZoneInfo(member.organization.time_zone)


def _targets_choice(member: Member) -> list[dict[str, Any]]:
    """Return the channels a post can go to, each with its placements."""
    channels = channels_for(member).exclude(status=ChannelStatus.ARCHIVED).order_by(
        "network", "display_name", "pk")
    return [
        {"channel": c, "placements": [(p, placement_label(p)) for p in
                                      publishable_placements(c.network)]}
        for c in channels
    ]


def _parse_targets(values: list[str]) -> list[tuple[int, str]]:
    targets = []
    for value in values:
        channel_id, _sep, placement = value.partition(":")
        if not channel_id.isdigit() or not placement:
            raise Http404
        targets.append((int(channel_id), placement))
    return targets


def _pending_image(channel: Channel, placement: str) -> list[tuple[str, int]]:
    """Return what a chosen (not yet uploaded) image will be for a placement's check."""
    target = images.rendition_target(placement_spec(channel, placement))
    if target is None:
        return [("image/jpeg", 0)]  # so that the check says this placement takes no image
    spec, as_media = target
    return [(images.output_mime(spec, with_alpha=False), 0)] if as_media else []


# Posts


@login_required
@require_GET
def post_list(request: HttpRequest) -> HttpResponse:
    """List the organization's posts, filtered by the status of their variants."""
    member = _member(request)
    posts = services.posts_for(member)
    status = request.GET.get("status", "")
    if status in VariantStatus.values:
        posts = posts.filter(variants__status=status).distinct()
    else:
        status = ""
    waiting = request.GET.get("waiting") == "me"
    if waiting:
        posts = posts.filter(pk__in=approvals.waiting_for(member))
    context = {
        "waiting": waiting,
        "posts": list(posts[:PAGE_SIZE]),
        "status_choices": VariantStatus.choices,
        "selected_status": status,
        "can_draft": can(member, Action.DRAFT_POSTS, member.organization),
        "pauses": list(pausing.active_pauses(member.organization_id)),
    }
    template = "publishing/_post_table.html" if request.htmx else "publishing/post_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def compose(request: HttpRequest) -> HttpResponse:
    """Write a post once and choose the channels and placements it goes to."""
    member = _member(request, Action.DRAFT_POSTS)
    form: dict[str, Any] = {"text": "", "link": "", "labels": "", "notes": "", "is_paid": False,
                            "targets": [], "campaign": request.GET.get("campaign", "")}
    if request.method == "POST":
        form = {
            "text": request.POST.get("text", ""), "link": request.POST.get("link", ""),
            "labels": request.POST.get("labels", ""), "notes": request.POST.get("notes", ""),
            "is_paid": request.POST.get("is_paid") == "on",
            "targets": request.POST.getlist("target"),
            "alt_text": request.POST.get("alt_text", ""),
            "campaign": request.POST.get("campaign", ""),
        }
        try:
            # One transaction: an image that is refused leaves no half-made post behind.
            with transaction.atomic():
                actor = Actor.from_request(request)
                post = services.create_post(
                    member, actor, text=form["text"],
                    targets=_parse_targets(form["targets"]), link=form["link"],
                    labels=form["labels"].split(","), is_paid=form["is_paid"],
                    notes=form["notes"], campaign_id=int(form["campaign"])
                    if form["campaign"].isdigit() else None,
                )
                upload = request.FILES.get("image")
                if upload is not None:
                    media.attach_image(member, actor, post, upload,
                                       alt_text=form["alt_text"])
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Draft saved. Adjust each variant, then submit it "
                                        "for approval."))
            return HttpResponseRedirect(reverse("publishing:post", args=[post.pk]))
    context = {"form": form, "choices": _targets_choice(member),
               "campaign_choices": [(str(c.pk), c.name) for c in campaigns_for(member)]}
    return render(request, "publishing/compose.html", context)


@login_required
@require_POST
def compose_check(request: HttpRequest) -> HttpResponse:
    """Return the live validation of the master text for each chosen target (htmx)."""
    member = _member(request, Action.DRAFT_POSTS)
    text = request.POST.get("text", "")
    has_image = request.POST.get("has_image") == "1"
    targets = _parse_targets(request.POST.getlist("target"))
    channels = {c.pk: c for c in channels_for(member).filter(pk__in={t[0] for t in targets})}
    rows = []
    for channel_id, placement in targets:
        channel = channels.get(channel_id)
        if channel is None or placement not in publishable_placements(channel.network):
            continue
        files = _pending_image(channel, placement) if has_image else []
        rows.append({"channel": channel, "placement": placement,
                     "check": check_variant(channel.network, placement, text, media=files)})
    return render(request, "publishing/_compose_checks.html", {"rows": rows})


@login_required
@require_GET
def post_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    """Show a post, its variants, their checks, attempts and the actions allowed."""
    member = _member(request)
    post = services.get_post_for_member(member, post_id)
    variants = list(
        Variant.objects.filter(post=post).select_related("channel", "post").prefetch_related(
            "attempts", "decisions__reviewer__user", "renditions__asset").order_by(
            "channel__network", "pk"))
    statuses = {v.status for v in variants}
    zone = _zone(member)
    rules = approvals.rules_by_channel(post.organization_id, {v.channel_id for v in variants})
    context = {
        "post": post,
        "rows": [{"variant": v, "check": services.check_of(v),
                  "first_comment": placement_spec(v.channel, v.placement).first_comment,
                  "step": approvals.current_rule(v, rules[v.channel_id])
                  if v.status == VariantStatus.IN_REVIEW else None,
                  "history": discussion.history(v)}
                 for v in variants],
        "comments": list(post.comments.select_related("author__user")),
        "can_comment": discussion.may_comment(member, post),
        "my_turn": any(v.status == VariantStatus.IN_REVIEW and approvals.is_eligible(
            member, approvals.current_rule(v, rules[v.channel_id])) for v in variants),
        "can_draft": can(member, Action.DRAFT_POSTS, post),
        "can_approve": can(member, Action.APPROVE_POSTS, post),
        "can_schedule": can(member, Action.SCHEDULE_POSTS, post),
        "has_drafts": VariantStatus.DRAFT in statuses,
        "in_review": VariantStatus.IN_REVIEW in statuses,
        "schedulable": bool(statuses & {VariantStatus.APPROVED, VariantStatus.SCHEDULED}),
        "cancellable": bool(statuses & set(services.CANCELLABLE)),
        "assets": list(media.assets_of(post)),
        "media_editable": any(v.is_editable for v in variants) and not any(
            v.status in media.BUSY_STATUSES for v in variants),
        "max_upload_mb": images.max_upload_bytes() // (1024 * 1024),
        "campaign_choices": [(str(c.pk), c.name) for c in campaigns_for(member)],
        "time_zone": member.organization.time_zone,
        "default_time": timezone.localtime(timezone.now(), zone).strftime("%Y-%m-%dT%H:%M"),
    }
    return render(request, "publishing/post_detail.html", context)


@login_required
@require_POST
def variant_check(request: HttpRequest, variant_id: int) -> HttpResponse:
    """Return the counter, problems and preview of a variant's text as typed (htmx)."""
    member = _member(request)
    variant = services.get_variant_for_member(member, variant_id)
    variant.text = request.POST.get("text", variant.text)
    variant.first_comment = request.POST.get("first_comment", variant.first_comment)
    return render(request, "publishing/_variant_check.html",
                  {"variant": variant, "check": services.check_of(variant)})


@login_required
@require_POST
def variant_edit(request: HttpRequest, variant_id: int) -> HttpResponse:
    """Save a variant's text (an approved one goes back to review)."""
    member = _member(request, Action.DRAFT_POSTS)
    variant = services.get_variant_for_member(member, variant_id)
    try:
        services.edit_variant(member, Actor.from_request(request), variant,
                              text=request.POST.get("text", ""),
                              first_comment=request.POST.get("first_comment"))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Variant saved."))
    url = reverse("publishing:post", args=[variant.post_id])
    return HttpResponseRedirect(f"{url}#variant-{variant.pk}")


def _parse_local(member: Member, value: str) -> datetime:
    try:
        naive = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(_("Enter a date and time, e.g. 2026-05-04 09:30.")) from None
    if timezone.is_aware(naive):
        return naive
    return naive.replace(tzinfo=_zone(member))


@login_required
@require_POST
def post_action(request: HttpRequest, post_id: int, action: str) -> HttpResponse:
    """Submit, approve, reject, schedule or cancel a post's variants."""
    member = _member(request)
    post = services.get_post_for_member(member, post_id)
    actor = Actor.from_request(request)
    ids = [int(v) for v in request.POST.getlist("variant") if v.isdigit()] or None
    try:
        if action == "submit":
            services.submit_for_review(member, actor, post)
            messages.success(request, _("Sent for approval."))
        elif action == "approve":
            services.approve(member, actor, post, comment=request.POST.get("comment", ""),
                             variant_ids=ids)
            messages.success(request, _("Approved."))
        elif action in ("reject", "request_changes"):
            services.reject(member, actor, post, comment=request.POST.get("comment", ""),
                            variant_ids=ids, changes_requested=action == "request_changes")
            messages.success(request, _("Sent back to the author."))
        elif action == "schedule":
            when = _parse_local(member, request.POST.get("when", ""))
            services.schedule(member, actor, post, when, variant_ids=ids)
            messages.success(request, _("Scheduled."))
        elif action == "cancel":
            services.cancel(member, actor, post, variant_ids=ids)
            messages.success(request, _("Cancelled."))
        else:
            raise Http404
    except ValidationError as exc:
        _errors(request, exc)
    return HttpResponseRedirect(reverse("publishing:post", args=[post.pk]))


# Pause and resume


@login_required
@require_http_methods(["GET", "POST"])
def pause(request: HttpRequest) -> HttpResponse:
    """Show the pauses in force; pause the organization or one channel."""
    member = _member(request)
    if request.method == "POST":
        member = _member(request, Action.PAUSE_PUBLISHING)
        channel_id = request.POST.get("channel", "")
        channel = get_channel_for_member(member, int(channel_id)) if channel_id.isdigit() \
            else None
        try:
            pausing.pause_publishing(member, Actor.from_request(request),
                                     reason=request.POST.get("reason", ""), channel=channel)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.warning(request, _("Publishing is paused. Nothing will go out until "
                                        "you resume."))
        return HttpResponseRedirect(reverse("publishing:pause"))
    context = {
        "active": list(pausing.active_pauses(member.organization_id)),
        "history": list(pausing.pauses_for(member).filter(resumed_at__isnull=False)[:20]),
        "channels": list(channels_for(member).exclude(status=ChannelStatus.ARCHIVED)
                         .order_by("network", "display_name")),
        "can_pause": can(member, Action.PAUSE_PUBLISHING, member.organization),
    }
    return render(request, "publishing/pause.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def resume(request: HttpRequest, pause_id: int) -> HttpResponse:
    """List what became due during a pause; resume once the person has confirmed."""
    member = _member(request, Action.PAUSE_PUBLISHING)
    pause_row = pausing.get_pause_for_member(member, pause_id)
    if request.method == "POST":
        publish = [int(v) for v in request.POST.getlist("publish") if v.isdigit()]
        try:
            result = pausing.resume_publishing(member, Actor.from_request(request), pause_row,
                                               publish=publish)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _(
                "Publishing resumed: %(sent)d overdue variant(s) will go out now, "
                "%(held)d wait to be scheduled again.") % {
                    "sent": len(result.published), "held": len(result.held)})
        return HttpResponseRedirect(reverse("publishing:pause"))
    if not pause_row.is_active:
        raise Http404
    return render(request, "publishing/resume.html",
                  {"pause": pause_row, "overdue": pausing.due_during_pause(pause_row)})



@login_required
@require_POST
def post_comment(request: HttpRequest, post_id: int) -> HttpResponse:
    """Add an internal comment to a post; @mentioned members are e-mailed."""
    member = _member(request)
    post = services.get_post_for_member(member, post_id)
    try:
        discussion.add_comment(member, Actor.from_request(request), post,
                               request.POST.get("body", ""))
        messages.success(request, _("Comment added."))
    except ValidationError as exc:
        _errors(request, exc)
    return HttpResponseRedirect(reverse("publishing:post", args=[post.pk]) + "#comments")
