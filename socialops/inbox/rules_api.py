"""REST endpoints of inbox rules, assignment settings and availability (added to inbox.api).

A rule or setting that does not validate answers 400 `rejected` with the reasons.
"""

from __future__ import annotations

from dataclasses import asdict

from django.http import HttpRequest
from ninja import Router, Schema, Status

from socialops.core.actors import Actor
from socialops.core.api_auth import RowId, api_member
from socialops.inbox.rule_models import Rule
from socialops.inbox.services import assignment, availability, rules
from socialops.inbox.services.rules import RuleData

router = Router(tags=["inbox"])


class RuleIn(Schema):
    name: str
    enabled: bool = True
    stop_processing: bool = False
    channels: list[RowId] = []
    kinds: list[str] = []
    languages: list[str] = []
    sentiments: list[str] = []
    keywords: list[str] = []
    urgent: str = "any"
    vip_only: bool = False
    add_tags: list[str] = []
    set_priority: int | None = None
    assign_member_id: RowId | None = None
    assign_team_id: RowId | None = None
    hide: bool = False
    escalate_to_id: RowId | None = None


class RuleOut(RuleIn):
    id: int
    position: int


class AvailabilityIn(Schema):
    status: str


class AvailabilityOut(Schema):
    member_id: int
    status: str
    released: int
    reassigned: int


class AssignmentIn(Schema):
    auto_assign: bool
    max_open: int = 25
    respect_shifts: bool = True
    respect_languages: bool = True


def rule_out(rule: Rule) -> RuleOut:
    """Return the public view of a rule."""
    return RuleOut(id=rule.pk, position=rule.position, **asdict(RuleData.of(rule)))


def _actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request, via="api")


@router.get("/inbox/rules", response=list[RuleOut], summary="The rules, in the order they run")
def list_rules(request: HttpRequest) -> list[RuleOut]:
    return [rule_out(r) for r in rules.rules_for(api_member(request))]


@router.post("/inbox/rules", response={201: RuleOut}, summary="Add a rule at the bottom")
def create_rule(request: HttpRequest, body: RuleIn) -> Status:
    member = api_member(request)
    rule = rules.create_rule(member, RuleData(**body.dict()), _actor(request))
    return Status(201, rule_out(rule))


@router.get("/inbox/rules/{rule_id}", response=RuleOut, summary="One rule")
def get_rule(request: HttpRequest, rule_id: int) -> RuleOut:
    return rule_out(rules.get_rule(api_member(request), rule_id))


@router.put("/inbox/rules/{rule_id}", response=RuleOut, summary="Change a rule")
def update_rule(request: HttpRequest, rule_id: int, body: RuleIn) -> RuleOut:
    member = api_member(request)
    rule = rules.get_rule(member, rule_id)
    rules.update_rule(member, rule, RuleData(**body.dict()), _actor(request))
    return rule_out(rule)


@router.delete("/inbox/rules/{rule_id}", response={204: None}, summary="Delete a rule")
def delete_rule(request: HttpRequest, rule_id: int) -> Status:
    member = api_member(request)
    rules.delete_rule(member, rules.get_rule(member, rule_id), _actor(request))
    return Status(204, None)


@router.put("/inbox/assignment", response=AssignmentIn,
            summary="Change how conversations are assigned automatically")
def update_assignment(request: HttpRequest, body: AssignmentIn) -> AssignmentIn:
    member = api_member(request)
    config = assignment.update_settings(member, **body.dict(), actor=_actor(request))
    return AssignmentIn(auto_assign=config.auto_assign, max_open=config.max_open,
                        respect_shifts=config.respect_shifts,
                        respect_languages=config.respect_languages)


@router.put("/inbox/availability/{member_id}", response=AvailabilityOut,
            summary="Set a member's availability (one's own, or anyone's to who assigns)")
def set_availability(request: HttpRequest, member_id: int,
                     body: AvailabilityIn) -> AvailabilityOut:
    member = api_member(request)
    person = availability.member_of_organization(member, member_id)
    change = availability.set_availability(member, person, body.status, _actor(request))
    return AvailabilityOut(member_id=person.pk, status=change.status, released=change.released,
                           reassigned=change.reassigned)
