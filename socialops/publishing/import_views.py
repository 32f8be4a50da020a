"""The bulk import page: upload a CSV, check every row, then create the drafts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from socialops.core import csv_upload
from socialops.core.actors import Actor
from socialops.core.permissions import Action
from socialops.governance.models import ChannelStatus
from socialops.governance.services import channels_for
from socialops.publishing import bulk_import
from socialops.publishing.views import _member


def _options(request: HttpRequest) -> dict[str, Any]:
    return {
        "date_format": request.POST.get("date_format", "dmy"),
        "channel_ids": [int(v) for v in request.POST.getlist("channel") if v.isdigit()],
        "submit": request.POST.get("submit_for_review") == "on",
    }


def _content(request: HttpRequest) -> bytes:
    """Return the uploaded file, or the text carried over from the preview."""
    upload = request.FILES.get("file")
    if upload is not None:
        if upload.size and upload.size > bulk_import.MAX_BYTES:
            raise ValidationError(_("The file is larger than %(size)d kB.")
                                  % {"size": bulk_import.MAX_BYTES // 1000})
        return upload.read(bulk_import.MAX_BYTES + 1)
    return request.POST.get("content", "").encode("utf-8")


@login_required
@require_http_methods(["GET", "POST"])
def import_posts(request: HttpRequest) -> HttpResponse:
    """Upload a bulk-scheduling CSV, preview every row, then import them as drafts."""
    member = _member(request, Action.DRAFT_POSTS)
    channels = channels_for(member).exclude(status=ChannelStatus.ARCHIVED).order_by(
        "network", "display_name")
    context: dict[str, Any] = {
        "channels": channels, "date_formats": [
            ("dmy", _("day/month/year hours:minutes (31/12/2026 09:30)")),
            ("mdy", _("month/day/year hours:minutes (12/31/2026 09:30)")),
            ("iso", _("year-month-day hours:minutes (2026-12-31 09:30)"))],
        "options": {"date_format": "dmy", "channel_ids": [], "submit": False},
        "max_rows": bulk_import.MAX_ROWS,
    }
    if request.method == "POST":
        options = _options(request)
        context["options"] = options
        try:
            raw = _content(request)
            plan = bulk_import.plan_import(member, raw, date_format=options["date_format"],
                                           channel_ids=options["channel_ids"])
            context.update(plan=plan, content=csv_upload.decode(raw, bulk_import.MAX_BYTES))
            if request.POST.get("step") == "confirm" and plan.ok:
                posts, submitted = bulk_import.run_import(
                    member, Actor.from_request(request), plan, submit=options["submit"])
                messages.success(request, ngettext(
                    "%(count)d post imported as a draft on the calendar.",
                    "%(count)d posts imported as drafts on the calendar.", len(posts))
                    % {"count": len(posts)})
                if options["submit"]:
                    messages.info(request, ngettext(
                        "%(count)d sent for approval; they are scheduled when approved.",
                        "%(count)d sent for approval; they are scheduled when approved.",
                        submitted) % {"count": submitted})
                return HttpResponseRedirect(reverse("publishing:posts"))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    return render(request, "publishing/import.html", context)
