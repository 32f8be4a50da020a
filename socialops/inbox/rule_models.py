"""Rules that triage new conversations, and who takes conversations (ADR 0016).

Imported at the end of socialops.inbox.models so that Django registers these models
with the inbox app; kept apart so that models.py stays small.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from socialops.core.models import Member, Organization, Team
from socialops.inbox.models import Conversation, Priority


class UrgentCondition(models.TextChoices):
    ANY = "any", _("Urgent or not")
    YES = "yes", _("Urgent only")
    NO = "no", _("Not urgent only")


class Rule(models.Model):
    """One step of an organization's ordered rules: conditions, then actions.

    Every condition left empty matches everything; the conditions that are set must
    all hold (within one list, any value matches). Rules are evaluated top to bottom
    (ascending position) by socialops.inbox.services.rule_engine.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="inbox_rules")
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveIntegerField(_("position"), default=0)
    enabled = models.BooleanField(_("enabled"), default=True)
    stop_processing = models.BooleanField(_("stop after this rule"), default=False)
    # Conditions. Channel ids rather than a many-to-many: a batch loads its rules in one
    # query, and the id of a deleted channel simply never matches again.
    channels = models.JSONField(_("channels"), default=list, blank=True)
    kinds = models.JSONField(_("kinds"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    sentiments = models.JSONField(_("sentiments"), default=list, blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    urgent = models.CharField(_("urgent"), max_length=3, choices=UrgentCondition.choices,
                              default=UrgentCondition.ANY)
    vip_only = models.BooleanField(_("VIP contacts only"), default=False)
    # Actions.
    add_tags = models.JSONField(_("add tags"), default=list, blank=True)
    set_priority = models.PositiveSmallIntegerField(_("set priority"), choices=Priority.choices,
                                                    null=True, blank=True)
    assign_member = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+", verbose_name=_("assign to member"))
    assign_team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("assign within team"))
    hide = models.BooleanField(_("hide on the network"), default=False)
    escalate_to = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("notify now"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("inbox rule")
        verbose_name_plural = _("inbox rules")
        constraints = [models.UniqueConstraint(fields=["organization", "name"],
                                               name="inbox_rule_unique_name")]
        indexes = [models.Index(fields=["organization", "enabled", "position"],
                                name="inbox_rule_order_idx")]

    def __str__(self) -> str:
        return self.name


class RuleHit(models.Model):
    """A rule acted on a conversation (once per rule and conversation), and what it did."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                     related_name="rule_hits")
    rule = models.ForeignKey(Rule, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="hits")
    # Kept so the conversation still says which rule acted after the rule is deleted.
    rule_name = models.CharField(max_length=120)
    # What the rule did, e.g. ["tag:presse", "priority:2", "hide:unsupported"].
    actions = models.JSONField(default=list, blank=True)
    # The message that made the rule match (hidden on the network when asked).
    message_remote_id = models.CharField(max_length=200, blank=True)
    escalated_to = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    notified_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("rule action")
        verbose_name_plural = _("rule actions")
        constraints = [models.UniqueConstraint(fields=["conversation", "rule"],
                                               condition=Q(rule__isnull=False),
                                               name="inbox_rule_hit_once")]

    def __str__(self) -> str:
        return f"{self.rule_name} on {self.conversation_id}"


class AvailabilityStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    AWAY = "away", _("Away")
    OFFLINE = "offline", _("Offline")


class Availability(models.Model):
    """Whether a member takes conversations now, and when they last got one.

    No row means offline: a member takes conversations only once they say so.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="+")
    member = models.OneToOneField(Member, on_delete=models.CASCADE,
                                  related_name="inbox_availability")
    status = models.CharField(_("availability"), max_length=10,
                              choices=AvailabilityStatus.choices,
                              default=AvailabilityStatus.OFFLINE)
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    # Round robin: among equally loaded people, who waited longest gets the next one.
    last_assigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("availability")
        verbose_name_plural = _("availabilities")
        indexes = [models.Index(fields=["organization", "status"],
                                name="inbox_availability_idx")]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.status}"


class AssignmentSettings(models.Model):
    """How an organization hands out new conversations automatically."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE,
                                        related_name="inbox_assignment")
    auto_assign = models.BooleanField(_("assign new conversations automatically"),
                                      default=False)
    max_open = models.PositiveIntegerField(_("open conversations per person at most"),
                                           default=25)
    respect_shifts = models.BooleanField(_("only people on shift for the channel"),
                                         default=True)
    respect_languages = models.BooleanField(_("only people who speak the language"),
                                            default=True)

    class Meta:
        verbose_name = _("assignment settings")
        verbose_name_plural = _("assignment settings")

    def __str__(self) -> str:
        return f"assignment of {self.organization_id}"
