"""Pages to create and edit playbooks and their holding statements (namespace `crisis`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, require
from socialops.crisis import playbooks, services
from socialops.crisis.models import HoldingStatement, IncidentKind, Playbook

BLANK_STEPS = 3
BLANK_CONTACTS = 2


def _manager(request: HttpRequest) -> Member:
    member: Member | None = request.member  # type: ignore[attr-defined]
    require(member, Action.MANAGE_INCIDENTS, member.organization if member else None)
    assert member is not None  # require() refused None above
    return member


def _members(member: Member) -> dict[int, Member]:
    return {m.pk: m for m in Member.objects.filter(
        organization_id=member.organization_id, is_active=True).select_related("user")
        .order_by("user__first_name", "user__email")}


def _parse(post: QueryDict, members: dict[int, Member]) -> tuple[playbooks.PlaybookInput,
                                                                  dict[str, Any]]:
    """Read the playbook form; unknown member ids become an error, never someone else."""
    texts, owners = post.getlist("step_text"), post.getlist("step_owner")
    rows = [(t.strip(), owners[i] if i < len(owners) else "") for i, t in enumerate(texts)]
    rows = [(t, o) for t, o in rows if t]
    bad_member = any(o and (not o.isdigit() or int(o) not in members) for _t, o in rows)
    columns = {f: post.getlist(f"contact_{f}") for f in playbooks.CONTACT_FIELDS}
    contacts = [{f: (columns[f][i] if i < len(columns[f]) else "").strip()
                 for f in playbooks.CONTACT_FIELDS} for i in range(len(columns["name"]))]
    contacts = [c for c in contacts if any(c.values())]
    approver_ids = post.getlist("approvers")
    bad_member = bad_member or any(not v.isdigit() or int(v) not in members
                                   for v in approver_ids)
    data = playbooks.PlaybookInput(
        kind=post.get("kind", ""), name=post.get("name", ""), summary=post.get("summary", ""),
        steps=[(t, members.get(int(o)) if o.isdigit() else None) for t, o in rows],
        contacts=contacts,
        approvers=[members[int(v)] for v in approver_ids if v.isdigit() and int(v) in members])
    form = {"kind": data.kind, "name": data.name, "summary": data.summary,
            "steps": [{"text": t, "owner": o} for t, o in rows],
            "contacts": contacts, "approvers": approver_ids, "bad_member": bad_member}
    return data, form


def _form_of(playbook: Playbook | None) -> dict[str, Any]:
    if playbook is None:
        return {"kind": "", "name": "", "summary": "", "steps": [], "contacts": [],
                "approvers": []}
    return {"kind": playbook.kind, "name": playbook.name, "summary": playbook.summary,
            "steps": [{"text": s.text, "owner": str(s.owner_id or "")}
                      for s in playbook.steps.all()],
            "contacts": list(playbook.escalation_contacts),
            "approvers": [str(pk) for pk in playbook.approvers.values_list("pk", flat=True)]}


def _render(request: HttpRequest, member: Member, playbook: Playbook | None,
            form: dict[str, Any], errors: dict[str, list[str]] | None = None,
            failed: tuple[str, dict[str, list[str]], QueryDict] | None = None) -> HttpResponse:
    """Render the playbook page; `failed` is (statement key, errors, what was typed)."""
    blank = {"text": "", "owner": ""}
    empty_contact = dict.fromkeys(playbooks.CONTACT_FIELDS, "")
    context = {
        "playbook": playbook, "form": form, "errors": errors or {},
        "step_rows": form["steps"] + [blank] * BLANK_STEPS,
        "contact_rows": form["contacts"] + [empty_contact] * BLANK_CONTACTS,
        "members": list(_members(member).values()), "kinds": IncidentKind.choices,
        "statement_rows": _statement_rows(playbook, failed),
        "may_preapprove": playbooks.may_preapprove(member, playbook) if playbook else False,
        "languages": [("fr", _("French")), ("en", _("English"))],
    }
    status = 400 if errors or failed else 200
    return render(request, "crisis/playbook_form.html", context, status=status)


def _statement_rows(playbook: Playbook | None,
                    failed: tuple[str, dict[str, list[str]], QueryDict] | None
                    ) -> list[dict[str, Any]]:
    """Return one form per statement plus a blank one; the failed one shows what was typed."""
    if playbook is None:
        return []
    rows: list[dict[str, Any]] = [
        {"key": str(s.pk), "statement": s, "language": s.language, "text": s.text,
         "pre_approved": s.approved_at is not None, "errors": {}}
        for s in playbook.statements.select_related("approved_by__user")]
    rows.append({"key": "new", "statement": None, "language": "fr", "text": "",
                 "pre_approved": False, "errors": {}})
    for row in rows:
        if failed and row["key"] == failed[0]:
            row.update(language=failed[2].get("language", ""), text=failed[2].get("text", ""),
                       pre_approved=failed[2].get("pre_approved") == "on", errors=failed[1])
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def playbook_edit(request: HttpRequest, playbook_id: int | None = None) -> HttpResponse:
    """Create a playbook, or edit one: checklist with owners, contacts, approvers."""
    member = _manager(request)
    playbook = services.get_playbook_for_member(member, playbook_id) if playbook_id else None
    if request.method != "POST":
        return _render(request, member, playbook, _form_of(playbook))
    data, form = _parse(request.POST, _members(member))
    if form.pop("bad_member"):
        return _render(request, member, playbook, form, {
            "approvers": [_("Choose active members of the organization.")]})
    try:
        saved = playbooks.save_playbook(member, Actor.from_request(request), data, playbook)
    except ValidationError as exc:
        return _render(request, member, playbook, form, exc.message_dict)
    messages.success(request, _("Playbook saved."))
    return HttpResponseRedirect(reverse("crisis:playbook", args=[saved.pk]))


@login_required
@require_POST
def statement_add(request: HttpRequest, playbook_id: int) -> HttpResponse:
    """Add a holding statement to a playbook."""
    return _statement_save(request, playbook_id, None)


@login_required
@require_POST
def statement_edit(request: HttpRequest, playbook_id: int, statement_id: int) -> HttpResponse:
    """Change, pre-approve or delete a holding statement."""
    return _statement_save(request, playbook_id, statement_id)


def _statement_save(request: HttpRequest, playbook_id: int,
                    statement_id: int | None) -> HttpResponse:
    member = _manager(request)
    playbook = services.get_playbook_for_member(member, playbook_id)
    statement: HoldingStatement | None = None
    if statement_id is not None:
        statement = playbooks.get_statement_for_member(member, playbook, statement_id)
    actor = Actor.from_request(request)
    if statement is not None and request.POST.get("delete"):
        playbooks.delete_statement(member, actor, statement)
        messages.success(request, _("Holding statement deleted."))
        return HttpResponseRedirect(reverse("crisis:playbook", args=[playbook.pk]))
    try:
        playbooks.save_statement(member, actor, playbook,
                                 language=request.POST.get("language", ""),
                                 text=request.POST.get("text", ""),
                                 pre_approved=request.POST.get("pre_approved") == "on",
                                 statement=statement)
    except ValidationError as exc:
        key = str(statement.pk) if statement else "new"
        return _render(request, member, playbook, _form_of(playbook),
                       failed=(key, exc.message_dict, request.POST))
    messages.success(request, _("Holding statement saved."))
    return HttpResponseRedirect(reverse("crisis:playbook", args=[playbook.pk]))
