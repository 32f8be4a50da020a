"""Hand a departing member's unpublished posts to their successor (offboarding)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils.translation import ngettext

from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.publishing.models import FINAL_STATUSES, Post, Variant


def reassign_drafts(member: Member, successor: Member, actor: Actor) -> list[str]:
    """Make the successor the author of every post of the leaver not yet fully published."""
    variants = Variant.objects.filter(post=OuterRef("pk"))
    open_work = Exists(variants.exclude(status__in=FINAL_STATUSES)) | ~Exists(variants)
    posts = Post.objects.filter(organization_id=member.organization_id, author=member)
    ids = list(posts.filter(open_work).values_list("pk", flat=True))
    count = Post.objects.filter(pk__in=ids).update(author=successor)
    if not count:
        return []
    return [ngettext("%(count)d unpublished post now written by %(email)s",
                     "%(count)d unpublished posts now written by %(email)s", count)
            % {"count": count, "email": successor.user.email}]
