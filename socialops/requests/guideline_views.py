"""Pages of the guidelines library: read it (everyone), write it (the team)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from socialops.core.actors import Actor
from socialops.core.permissions import Action
from socialops.requests.guidelines import (
    GuidelineInput,
    get_guideline_for_member,
    guidelines_for,
    save_guideline,
)
from socialops.requests.views import form_errors, member_of, nav_context

FIELDS = ("slug", "title_en", "text_en", "title_fr", "text_fr")


@login_required
@require_GET
def guideline_list(request: HttpRequest) -> HttpResponse:
    """List the guidelines, each in the reader's language, with how often it was given."""
    member = member_of(request)
    return render(request, "requests/guideline_list.html", {
        "guidelines": list(guidelines_for(member)), **nav_context(member)})


@login_required
@require_http_methods(["GET", "POST"])
def guideline_edit(request: HttpRequest, guideline_id: int | None = None) -> HttpResponse:
    """Write a new guideline or change one, in French and English."""
    member = member_of(request, Action.MANAGE_GUIDELINES)
    guideline = get_guideline_for_member(member, guideline_id) if guideline_id else None
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = {name: request.POST.get(name, "") for name in FIELDS}
        active = request.POST.get("is_active") == "on"
        try:
            save_guideline(member, Actor.from_request(request), GuidelineInput(
                **form, is_active=active), guideline)
        except ValidationError as exc:
            errors = form_errors(exc)
        else:
            messages.success(request, _("Guideline saved."))
            return HttpResponseRedirect(reverse("requests:request_guidelines"))
    elif guideline is not None:
        form = {name: getattr(guideline, name) for name in FIELDS}
        active = guideline.is_active
    else:
        form, active = dict.fromkeys(FIELDS, ""), True
    return render(request, "requests/guideline_form.html", {
        "guideline": guideline, "form": form, "is_active": active, "errors": errors,
        **nav_context(member)}, status=400 if errors else 200)
