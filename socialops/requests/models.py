"""Stakeholder requests (content and channel), their timeline, attachments, the guidelines."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from socialops.core.models import Member, Organization
from socialops.governance.models import Channel
from socialops.publishing.models import Post


class Guideline(models.Model):
    """An explanation the team writes once, in French and English, and gives again."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="guidelines")
    slug = models.SlugField(_("short name"), max_length=80)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    text_fr = models.TextField(_("text (French)"), blank=True)
    # Archived guidelines stay on the requests they explained, but are no longer offered.
    is_active = models.BooleanField(_("offered when declining"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("guideline")
        verbose_name_plural = _("guidelines")
        constraints = [models.UniqueConstraint(fields=["organization", "slug"],
                                               name="guideline_unique_slug")]

    def __str__(self) -> str:
        return self.title_en or self.title_fr or self.slug

    def title_for(self, language: str) -> str:
        """Return the title in a language, or in the other one when it is missing."""
        if language.startswith("fr"):
            return self.title_fr or self.title_en
        return self.title_en or self.title_fr

    def text_for(self, language: str) -> str:
        """Return the text in a language, or in the other one when it is missing."""
        if language.startswith("fr"):
            return self.text_fr or self.text_en
        return self.text_en or self.text_fr


class RequestKind(models.TextChoices):
    CONTENT = "content", _("Content")
    CHANNEL = "channel", _("New channel")


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for the team")
    NEEDS_INFO = "needs_info", _("Needs information")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


OPEN_STATUSES = (RequestStatus.SUBMITTED, RequestStatus.NEEDS_INFO)


class StakeholderRequest(models.Model):
    """A stakeholder's request for content or for a new channel, and how the team answered.

    Both kinds share one table (see docs/adr/0015-stakeholder-requests.md): the questions
    that only a channel request asks are blank on content requests.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="stakeholder_requests")
    kind = models.CharField(_("kind"), max_length=10, choices=RequestKind.choices)
    status = models.CharField(_("status"), max_length=12, choices=RequestStatus.choices,
                              default=RequestStatus.SUBMITTED)
    requester = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True,
                                  related_name="stakeholder_requests")
    # Kept so that the request still says who asked once the person has left.
    requester_name = models.CharField(_("requested by"), max_length=200)
    # The language the requester used: e-mails and the explanation are written in it.
    language = models.CharField(_("language"), max_length=5, default="en")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what"), blank=True)
    why = models.TextField(_("why"), blank=True)
    audience = models.TextField(_("audience"), blank=True)
    # Content requests
    desired_date = models.DateField(_("desired date"), null=True, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    post = models.ForeignKey(Post, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="source_requests", verbose_name=_("draft post"))
    # Channel requests
    network = models.CharField(_("network"), max_length=32, blank=True)
    handle = models.CharField(_("wished handle"), max_length=200, blank=True)
    content_ideas = models.TextField(_("three months of content ideas"), blank=True)
    producers = models.TextField(_("who produces the content"), blank=True)
    proposed_owner = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+", verbose_name=_("owner"))
    proposed_backup = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True,
                                        blank=True, related_name="+",
                                        verbose_name=_("backup owner"))
    effort = models.CharField(_("expected effort"), max_length=200, blank=True)
    channel = models.ForeignKey(Channel, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="source_requests", verbose_name=_("channel"))
    # Triage
    guideline = models.ForeignKey(Guideline, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="requests", verbose_name=_("guideline"))
    decision_note = models.TextField(_("personal note"), blank=True)
    decided_by = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    # When the team first answered (question, acceptance or refusal): time to answer.
    first_answer_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("submitted"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        indexes = [models.Index(fields=["organization", "status", "created_at"]),
                   models.Index(fields=["requester", "created_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    QUESTION = "question", _("Question asked")
    ANSWER = "answer", _("Answered by the requester")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REOPENED = "reopened", _("Reopened")


class RequestEvent(models.Model):
    """One line of a request's timeline, shown to the requester and the team."""

    request = models.ForeignKey(StakeholderRequest, on_delete=models.CASCADE,
                                related_name="events")
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    author = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    author_name = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    suffix = f".{suffix}" if suffix in ("jpg", "png", "webp", "pdf") else ""
    return f"requests/{instance.organization_id}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A file a requester joined to a content request (an image or a PDF, checked by content)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(StakeholderRequest, on_delete=models.CASCADE,
                                related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    mime = models.CharField(max_length=40)
    size_bytes = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name or str(self.file.name)
