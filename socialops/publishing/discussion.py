"""Internal comments on posts (with @mentions) and the version history of variants."""

from __future__ import annotations

import difflib
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.mentions import mentioned
from socialops.core.models import Member
from socialops.core.permissions import Action, can, require
from socialops.publishing.models import Post, PostComment, Variant, VariantVersion

log = logging.getLogger(__name__)

MAX_COMMENT = 5000
# "@sophie.durand" names the member whose e-mail starts with "sophie.durand@".


def record_version(variant: Variant, editor: Member, *, text: str,
                   first_comment: str) -> VariantVersion:
    """Keep a variant's text as it was before `editor` changed it."""
    last = variant.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return VariantVersion.objects.create(variant=variant, number=last + 1, text=text,
                                         first_comment=first_comment, editor=editor)


@dataclass(frozen=True)
class Change:
    """One version of a variant and what changed to reach the next one."""

    number: int
    editor: str
    created_at: object
    # (kind, text): kind is "same", "added" or "removed"; templates escape the text.
    pieces: list[tuple[str, str]]


def _diff(old: str, new: str) -> list[tuple[str, str]]:
    before, after = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    pieces: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("same", "".join(before[a1:a2])))
            continue
        if a2 > a1:
            pieces.append(("removed", "".join(before[a1:a2])))
        if b2 > b1:
            pieces.append(("added", "".join(after[b1:b2])))
    return pieces


def history(variant: Variant) -> list[Change]:
    """Return the variant's versions, newest first, each diffed against the text after it."""
    versions = list(variant.versions.select_related("editor__user").order_by("number"))
    texts = [v.text for v in versions] + [variant.text]
    changes = [Change(number=v.number, created_at=v.created_at,
                      editor=v.editor.display_name if v.editor else "",
                      pieces=_diff(texts[i], texts[i + 1]))
               for i, v in enumerate(versions)]
    return list(reversed(changes))


def may_comment(member: Member, post: Post) -> bool:
    """Tell whether a member takes part in the post's writing or approval."""
    return can(member, Action.DRAFT_POSTS, post) or can(member, Action.APPROVE_POSTS, post)


@transaction.atomic
def add_comment(member: Member, actor: Actor, post: Post, body: str) -> PostComment:
    """Write an internal comment; e-mail the members it @mentions."""
    if not may_comment(member, post):
        require(member, Action.DRAFT_POSTS, post)
    body = body.strip()
    if not body:
        raise ValidationError(_("Write something first."))
    if len(body) > MAX_COMMENT:
        raise ValidationError(_("A comment has at most %(n)d characters.") % {"n": MAX_COMMENT})
    comment = PostComment.objects.create(post=post, author=member, body=body)
    people = [p for p in mentioned(member, body) if p.pk != member.pk]
    comment.mentions.set(people)
    audit.record(member.organization, actor, "post.comment", post,
                 after={"comment": comment.pk, "mentions": [p.pk for p in people]})
    if people:
        transaction.on_commit(lambda: _notify(comment.pk))
    return comment


def _notify(comment_id: int) -> None:
    comment = PostComment.objects.select_related("author__user", "post__organization").get(
        pk=comment_id)
    url = (settings.SOCIALOPS_BASE_URL or "") + reverse("publishing:post",
                                                        args=[comment.post_id])
    author = comment.author.display_name if comment.author else "socialops"
    for person in comment.mentions.select_related("user"):
        with translation.override(comment.post.organization.language):
            subject = _("%(name)s mentioned you on post #%(post)d") % {
                "name": author, "post": comment.post_id}
            text = _("%(name)s wrote:\n\n%(body)s\n\nOpen the post: %(url)s") % {
                "name": author, "body": comment.body, "url": url}
        try:
            send_mail(subject, text, None, [person.user.email])
        except OSError:
            log.exception("could not e-mail a mention to member %s", person.pk)
