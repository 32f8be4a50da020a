"""The guidelines library: explanations written once, in French and English; audited."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.text import slugify
from django.utils.translation import gettext as _

from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, require
from socialops.requests.models import Guideline


def guidelines_for(member: Member) -> QuerySet[Guideline]:
    """Return the organization's guidelines: everyone who may ask may read them."""
    require(member, Action.SUBMIT_REQUESTS, member.organization)
    return Guideline.objects.filter(organization_id=member.organization_id).annotate(
        uses=Count("requests"))


def get_guideline_for_member(member: Member, guideline_id: int) -> Guideline:
    """Return one guideline of the member's organization, or raise Http404."""
    guideline = guidelines_for(member).filter(pk=guideline_id).first()
    if guideline is None:
        raise Http404
    return guideline


@dataclass(frozen=True)
class GuidelineInput:
    """A guideline as typed in the form."""

    slug: str
    title_en: str
    text_en: str
    title_fr: str
    text_fr: str
    is_active: bool = True


def _check(member: Member, data: GuidelineInput, guideline: Guideline | None) -> str:
    errors: dict[str, str] = {}
    for language, title, text in (("en", data.title_en, data.text_en),
                                  ("fr", data.title_fr, data.text_fr)):
        if bool(title.strip()) != bool(text.strip()):
            errors[f"text_{language}" if title.strip() else f"title_{language}"] = _(
                "Give both the title and the text in this language, or neither.")
    if not (data.title_en.strip() or data.title_fr.strip()):
        errors["title_en"] = _("Write the guideline in at least one language.")
    slug = slugify(data.slug or data.title_en or data.title_fr)[:80]
    if not slug and "title_en" not in errors:
        errors["slug"] = _("Give the guideline a short name.")
    taken = Guideline.objects.filter(organization_id=member.organization_id, slug=slug)
    if guideline is not None:
        taken = taken.exclude(pk=guideline.pk)
    if slug and taken.exists():
        errors["slug"] = _("Another guideline already has this short name.")
    if errors:
        raise ValidationError(errors)
    return slug


@transaction.atomic
def save_guideline(member: Member, actor: Actor, data: GuidelineInput,
                   guideline: Guideline | None = None) -> Guideline:
    """Create a guideline, or change one (archiving it stops offering it when declining)."""
    require(member, Action.MANAGE_GUIDELINES, guideline or member.organization)
    slug = _check(member, data, guideline)
    before = None
    if guideline is None:
        guideline = Guideline(organization_id=member.organization_id)
    else:
        before = _snapshot(guideline)
    guideline.slug = slug
    guideline.title_en, guideline.text_en = data.title_en.strip()[:200], data.text_en.strip()
    guideline.title_fr, guideline.text_fr = data.title_fr.strip()[:200], data.text_fr.strip()
    guideline.is_active = data.is_active
    guideline.save()
    audit.record(member.organization, actor,
                 "guideline.create" if before is None else "guideline.update", guideline,
                 before=before, after=_snapshot(guideline))
    return guideline


def _snapshot(guideline: Guideline) -> dict[str, object]:
    return asdict(GuidelineInput(guideline.slug, guideline.title_en, guideline.text_en,
                                 guideline.title_fr, guideline.text_fr, guideline.is_active))
