"""The audit explorer: filter, read, export and verify the organization's trail."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from socialops.core.audit import verify_chain
from socialops.core.audit_explorer import AuditFilterForm, csv_rows, diff, filtered_events
from socialops.core.permissions import Action
from socialops.core.views import allowed_member

PAGE_SIZE = 50

# verify_chain() speaks English for the command line; the page translates.
_REASONS = {
    "is missing (deleted)": gettext_lazy("is missing (deleted)"),
    "does not follow the previous event (reordered)": gettext_lazy(
        "does not follow the previous event (reordered)"),
    "was altered after it was written": gettext_lazy("was altered after it was written"),
    "was added outside the chain": gettext_lazy("was added outside the chain"),
}


class _Echo:
    """A file-like object whose write() returns the line (for streaming CSV)."""

    def write(self, value: str) -> str:
        return value


@login_required
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    """Show the organization's audit events, filtered and paginated, newest first."""
    member = allowed_member(request, Action.VIEW_AUDIT)
    form = AuditFilterForm(request.GET or None, organization_id=member.organization_id)
    page = Paginator(filtered_events(member, form), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(event, diff(event.before, event.after)) for event in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    return render(request, "core/audit_list.html", context)


@login_required
@require_GET
def audit_export(request: HttpRequest) -> StreamingHttpResponse:
    """Stream the filtered events as CSV."""
    member = allowed_member(request, Action.VIEW_AUDIT)
    form = AuditFilterForm(request.GET or None, organization_id=member.organization_id)
    writer = csv.writer(_Echo())
    events = filtered_events(member, form)

    def lines() -> Iterator[str]:
        for row in csv_rows(events):
            yield writer.writerow(row)

    name = f"audit-{member.organization.slug}-{timezone.now():%Y%m%d-%H%M}.csv"
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def audit_verify(request: HttpRequest) -> HttpResponse:
    """Walk the organization's hash chain and show OK or the first broken event."""
    member = allowed_member(request, Action.VIEW_AUDIT)
    problem = verify_chain(member.organization)
    return render(request, "core/audit_verify.html", {
        "problem": problem, "organization": member.organization,
        "reason": _REASONS.get(problem.reason, problem.reason) if problem else "",
    })
