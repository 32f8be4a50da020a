"""Saved replies: ready-made answers with variables, managed per organization or team."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Member, Team
from socialops.core.permissions import Action, require
from socialops.inbox.models import Conversation, ReplyLanguage, SavedReply

VARIABLES = ("first_name", "name", "channel", "agent")
VARIABLE_RE = re.compile(r"\{([a-z_]+)\}")
MAX_TITLE = 120
MAX_BODY = 5000


def render(body: str, values: dict[str, str]) -> str:
    """Replace the variables of a saved reply in one pass.

    One pass means a value is never read again: a contact named "{channel}" stays
    "{channel}". Unknown names are left as written. The result is plain text; the
    templates escape it like any other text.
    """
    return VARIABLE_RE.sub(lambda m: values.get(m.group(1), m.group(0)), body)


def values_for(conversation: Conversation, member: Member) -> dict[str, str]:
    """Return the variables of a conversation as seen by the member answering it."""
    contact = conversation.contact
    name = (contact.display_name or contact.remote_handle) if contact else ""
    return {
        "first_name": contact.first_name if contact else "",
        "name": name,
        "channel": conversation.channel.display_name,
        "agent": member.user.first_name or member.display_name,
    }


def saved_replies_for(member: Member) -> QuerySet[SavedReply]:
    """Return every saved reply of the member's organization (for the managers' list)."""
    require(member, Action.VIEW_INBOX, member.organization)
    return SavedReply.objects.filter(organization_id=member.organization_id).select_related(
        "team")


def picker_for(member: Member, conversation: Conversation) -> list[SavedReply]:
    """Return the saved replies offered in a conversation's reply box.

    Those of the conversation's language (all of them when it is unknown), for the
    whole organization or for one of the member's teams.
    """
    rows = saved_replies_for(member).filter(
        Q(team__isnull=True) | Q(team__members=member)
    )
    if conversation.language in ReplyLanguage.values:
        rows = rows.filter(language=conversation.language)
    return list(rows.distinct().order_by("title"))


def get_saved_reply(member: Member, saved_reply_id: int) -> SavedReply:
    """Return one saved reply of the member's organization, or raise Http404."""
    found = saved_replies_for(member).filter(pk=saved_reply_id).first()
    if found is None:
        raise Http404
    return found


@dataclass(frozen=True)
class SavedReplyData:
    """What a form or the API submits for a saved reply."""

    title: str
    body: str
    language: str
    team_id: int | None = None


def _clean(member: Member, data: SavedReplyData) -> tuple[str, str, Team | None]:
    title, body = data.title.strip(), data.body.strip()
    errors: dict[str, str] = {}
    if not title or len(title) > MAX_TITLE:
        errors["title"] = _("Give a title of at most %(n)d characters.") % {"n": MAX_TITLE}
    if not body or len(body) > MAX_BODY:
        errors["body"] = _("Write a text of at most %(n)d characters.") % {"n": MAX_BODY}
    unknown = sorted({name for name in VARIABLE_RE.findall(body) if name not in VARIABLES})
    if unknown:
        errors["body"] = _("Unknown variable: %(names)s. Use %(known)s.") % {
            "names": ", ".join(f"{{{n}}}" for n in unknown),
            "known": ", ".join(f"{{{n}}}" for n in VARIABLES)}
    if data.language not in ReplyLanguage.values:
        errors["language"] = _("Choose English or French.")
    team = None
    if data.team_id is not None:
        team = Team.objects.filter(organization_id=member.organization_id,
                                   pk=data.team_id).first()
        if team is None:
            errors["team"] = _("Choose a team of the organization.")
    if errors:
        raise ValidationError(errors)
    return title, body, team


def _snapshot(reply: SavedReply) -> dict[str, object]:
    return {"title": reply.title, "language": reply.language, "team_id": reply.team_id,
            "body": reply.body}


def _save(reply: SavedReply) -> None:
    try:
        with transaction.atomic():
            reply.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"title": _("A saved reply with this title already exists in this language.")}
        ) from exc


@transaction.atomic
def create_saved_reply(member: Member, data: SavedReplyData, actor: Actor) -> SavedReply:
    """Add a saved reply to the member's organization."""
    require(member, Action.MANAGE_INBOX_SETTINGS, member.organization)
    title, body, team = _clean(member, data)
    reply = SavedReply(organization_id=member.organization_id, title=title, body=body,
                       language=data.language, team=team)
    _save(reply)
    audit.record(member.organization, actor, "inbox.saved_reply_create", reply,
                 after=_snapshot(reply))
    return reply


@transaction.atomic
def update_saved_reply(member: Member, reply: SavedReply, data: SavedReplyData,
                       actor: Actor) -> SavedReply:
    """Change a saved reply."""
    require(member, Action.MANAGE_INBOX_SETTINGS, reply)
    title, body, team = _clean(member, data)
    before = _snapshot(reply)
    reply.title, reply.body, reply.language, reply.team = title, body, data.language, team
    _save(reply)
    audit.record(member.organization, actor, "inbox.saved_reply_update", reply,
                 before=before, after=_snapshot(reply))
    return reply


@transaction.atomic
def delete_saved_reply(member: Member, reply: SavedReply, actor: Actor) -> None:
    """Remove a saved reply (replies already sent keep their text)."""
    require(member, Action.MANAGE_INBOX_SETTINGS, reply)
    audit.record(member.organization, actor, "inbox.saved_reply_delete", reply,
                 before=_snapshot(reply))
    reply.delete()
