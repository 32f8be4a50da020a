"""Work on a conversation together: internal notes with @mentions, and the collision guard.

The collision guard has three parts: who else has the conversation open (seen within
`PRESENCE_WINDOW`), who is typing a reply, and `answered_since` — the replies other
members sent after the page was loaded, which `conversations.reply` checks before
sending a second answer to the same person.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.mentions import mentioned
from socialops.core.models import Member
from socialops.core.permissions import Action, require
from socialops.inbox.models import Conversation, Direction, Message, Note, Presence

log = logging.getLogger(__name__)

MAX_NOTE_LENGTH = 5000
PRESENCE_WINDOW = timedelta(seconds=20)
TYPING_WINDOW = timedelta(seconds=8)


@transaction.atomic
def add_note(conversation: Conversation, text: str, member: Member, actor: Actor) -> Note:
    """Write an internal note; e-mail the members it @mentions (after commit)."""
    require(member, Action.VIEW_INBOX, conversation)
    text = text.strip()
    if not text:
        raise ValidationError(_("Write a note first."))
    if len(text) > MAX_NOTE_LENGTH:
        raise ValidationError(_("A note holds at most %(n)d characters.")
                              % {"n": MAX_NOTE_LENGTH})
    note = Note.objects.create(conversation=conversation, author=member,
                               author_name=member.display_name, text=text)
    people = [p for p in mentioned(member, text) if p.pk != member.pk]
    note.mentions.set(people)
    audit.record(conversation.organization, actor, "inbox.note", conversation,
                 after={"note": note.pk, "mentions": [p.pk for p in people]})
    if people:
        note_id = note.pk
        transaction.on_commit(lambda: _notify(note_id))
    return note


def _notify(note_id: int) -> None:
    note = Note.objects.select_related("conversation__organization").get(pk=note_id)
    url = (settings.SOCIALOPS_BASE_URL or "") + reverse("inbox:conversation",
                                                        args=[note.conversation_id])
    for person in note.mentions.select_related("user"):
        with translation.override(note.conversation.organization.language):
            subject = _("%(name)s mentioned you in the inbox") % {"name": note.author_name}
            body = _("%(name)s wrote an internal note:\n\n%(text)s\n\nOpen the conversation: "
                     "%(url)s") % {"name": note.author_name, "text": note.text, "url": url}
        try:
            send_mail(subject, body, None, [person.user.email])
        except OSError:
            log.exception("could not e-mail a mention to member %s", person.pk)


def notes_of(conversation: Conversation) -> list[Note]:
    """Return the conversation's notes, oldest first."""
    return list(conversation.notes.order_by("created_at", "pk"))


@dataclass(frozen=True)
class Others:
    """What the collision guard tells a member about the other people on a conversation."""

    viewing: list[str]
    typing: list[str]
    answered: list[Message]


def touch(conversation: Conversation, member: Member, *, typing: bool = False,
          now: datetime | None = None) -> None:
    """Record that the member has the conversation open (and is typing, if so)."""
    now = now or timezone.now()
    defaults: dict[str, object] = {"seen_at": now}
    if typing:
        defaults["typing_until"] = now + TYPING_WINDOW
    Presence.objects.update_or_create(conversation=conversation, member=member,
                                      defaults=defaults)


def answered_since(conversation: Conversation, member: Member, seen_message_id: int
                   ) -> list[Message]:
    """Return the replies other members sent after the message the member last saw."""
    return list(
        Message.objects.filter(conversation=conversation, direction=Direction.OUT,
                               pk__gt=seen_message_id)
        .exclude(sent_by=member).select_related("sent_by__user").order_by("pk")
    )


def others_on(conversation: Conversation, member: Member, seen_message_id: int,
              now: datetime | None = None) -> Others:
    """Return who else is viewing or typing, and what they answered since the page loaded."""
    now = now or timezone.now()
    present = (Presence.objects.filter(conversation=conversation,
                                       seen_at__gte=now - PRESENCE_WINDOW)
               .exclude(member=member).select_related("member__user").order_by("seen_at"))
    viewing, typing = [], []
    for presence in present:
        name = presence.member.display_name
        if presence.typing_until and presence.typing_until >= now:
            typing.append(name)
        else:
            viewing.append(name)
    return Others(viewing=viewing, typing=typing,
                  answered=answered_since(conversation, member, seen_message_id))
