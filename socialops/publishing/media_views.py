"""Pages for a post's images: upload, focal point and alt text, removal, and the files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from socialops.core.actors import Actor
from socialops.core.permissions import Action
from socialops.publishing import media, services
from socialops.publishing.views import _errors, _member


def _post_url(post_id: int) -> str:
    return reverse("publishing:post", args=[post_id]) + "#media"


def parse_focal(raw_x: str | None, raw_y: str | None) -> tuple[float, float] | None:
    """Return the focal point typed or clicked, None when not given; ValidationError if bad."""
    if not raw_x and not raw_y:
        return None
    try:
        return float((raw_x or "").replace(",", ".")), float((raw_y or "").replace(",", "."))
    except ValueError:
        raise ValidationError(
            _("The focal point is given as two numbers between 0 and 1.")) from None


@login_required
@require_POST
def media_add(request: HttpRequest, post_id: int) -> HttpResponse:
    """Upload an image on a post; its renditions are cut for every variant."""
    member = _member(request, Action.DRAFT_POSTS)
    post = services.get_post_for_member(member, post_id)
    upload = request.FILES.get("image")
    try:
        if upload is None:
            raise ValidationError(_("Choose an image to upload."))
        media.attach_image(member, Actor.from_request(request), post, upload,
                           alt_text=request.POST.get("alt_text", ""))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Image added. Each variant has its own cut below."))
    return HttpResponseRedirect(_post_url(post.pk))


@login_required
@require_POST
def media_edit(request: HttpRequest, asset_id: int) -> HttpResponse:
    """Save an image's focal point and alternative text."""
    member = _member(request, Action.DRAFT_POSTS)
    asset = media.get_asset_for_member(member, asset_id)
    try:
        focal = parse_focal(request.POST.get("focal_x"), request.POST.get("focal_y"))
        media.update_image(member, Actor.from_request(request), asset, focal=focal,
                           alt_text=request.POST.get("alt_text"))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Image saved."))
    return HttpResponseRedirect(_post_url(asset.post_id))


@login_required
@require_POST
def media_remove(request: HttpRequest, asset_id: int) -> HttpResponse:
    """Take an image off its post."""
    member = _member(request, Action.DRAFT_POSTS)
    asset = media.get_asset_for_member(member, asset_id)
    try:
        media.remove_image(member, Actor.from_request(request), asset)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Image removed."))
    return HttpResponseRedirect(_post_url(asset.post_id))


def _file(field: FieldFile, mime: str) -> FileResponse:
    response = FileResponse(field.open("rb"), content_type=mime)
    # Private to the organization: browsers may cache, shared caches may not.
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def media_preview(request: HttpRequest, asset_id: int) -> FileResponse:
    """Serve the stripped preview of an image (never the original with its metadata)."""
    asset = media.get_asset_for_member(_member(request), asset_id)
    mime = "image/png" if (asset.preview.name or "").endswith(".png") else "image/jpeg"
    return _file(asset.preview, mime)


@login_required
@require_GET
def rendition_file(request: HttpRequest, rendition_id: int) -> FileResponse:
    """Serve one rendition, exactly the bytes the network receives."""
    rendition = media.get_rendition_for_member(_member(request), rendition_id)
    return _file(rendition.file, rendition.mime)


@require_GET
def public_rendition(request: HttpRequest, token: str) -> FileResponse:
    """Serve a rendition to the network that fetches it, through a signed expiring link."""
    rendition = media.get_rendition_by_public_link(token)
    return _file(rendition.file, rendition.mime)
