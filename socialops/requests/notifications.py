"""E-mail the requester about the team's answers, and the team about new requests.

Mails leave after the transaction commits, in the language the requester used when they
asked (the team's in the organization's language). A mail server that is down never
undoes a decision: the request page shows the same thing.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from socialops.core.models import Member, Role
from socialops.core.permissions import ROLE_ACTIONS, Action
from socialops.requests.models import EventKind, RequestStatus, StakeholderRequest

log = logging.getLogger(__name__)

# Managers triage; owners and administrators hear of requests only when there is no manager.
_FIRST_TRIAGERS = (Role.MANAGER,)


def _url(request: StakeholderRequest) -> str:
    return (settings.SOCIALOPS_BASE_URL or "") + reverse("requests:request_detail",
                                                         args=[request.pk])


def _send(subject: str, body: str, address: str, request_id: int) -> None:
    try:
        send_mail(subject, body, None, [address])
    except OSError:
        log.exception("could not e-mail about request %s", request_id)


def _requester_mail(request: StakeholderRequest, kind: str, text: str) -> tuple[str, str]:
    """Return the subject and body of a mail to the requester, in the active language."""
    names = {"title": request.title, "url": _url(request)}
    if kind == EventKind.QUESTION:
        return (_("A question about your request “%(title)s”") % names,
                _("The social media team needs more information about your request "
                  "“%(title)s”:\n\n%(question)s\n\nAnswer on the request page: %(url)s")
                % {**names, "question": text})
    if kind == EventKind.ACCEPTED:
        return (_("Your request “%(title)s” is accepted") % names,
                _("The social media team accepted your request “%(title)s” and is preparing "
                  "it. Follow it here: %(url)s") % names)
    guideline = request.guideline
    explanation = ""
    if guideline is not None:
        language = translation.get_language() or "en"
        explanation = f"{guideline.title_for(language)}\n\n{guideline.text_for(language)}"
    return (_("Your request “%(title)s” was declined") % names,
            _("The social media team declined your request “%(title)s”.\n\n%(note)s\n\n"
              "Why:\n%(explanation)s\n\nThe request page keeps this explanation: %(url)s")
            % {**names, "note": request.decision_note, "explanation": explanation})


def tell_requester(request: StakeholderRequest, kind: str, text: str = "") -> None:
    """E-mail the requester, after commit, about a question, an acceptance or a refusal."""
    requester = request.requester
    if requester is None or not requester.is_active or not requester.user.email:
        return
    address, language = requester.user.email, request.language

    def send() -> None:
        with translation.override(language):
            subject, body = _requester_mail(request, kind, text)
        _send(subject, body, address, request.pk)

    transaction.on_commit(send)


def triagers(organization_id: int) -> list[Member]:
    """Return who hears of new requests: the managers, or else owners and administrators."""
    roles = [r for r in Role if Action.TRIAGE_REQUESTS in ROLE_ACTIONS[r]]
    members = list(Member.objects.filter(organization_id=organization_id, is_active=True,
                                         role__in=roles).select_related("user", "organization"))
    first = [m for m in members if m.role in _FIRST_TRIAGERS]
    return first or members


def tell_team(request: StakeholderRequest, kind: str) -> None:
    """E-mail the triagers, after commit, about a new request or a requester's answer."""
    recipients = [m for m in triagers(request.organization_id)
                  if m.pk != request.requester_id and m.user.email]
    if not recipients or request.status not in (RequestStatus.SUBMITTED,):
        return

    def send() -> None:
        for member in recipients:
            with translation.override(member.organization.language):
                names = {"title": request.title, "name": request.requester_name,
                         "url": _url(request)}
                if kind == EventKind.ANSWER:
                    subject = _("%(name)s answered about “%(title)s”") % names
                else:
                    subject = _("New request from %(name)s: “%(title)s”") % names
                body = _("%(name)s: “%(title)s”.\n\nTriage it: %(url)s") % names
            _send(subject, body, member.user.email, request.pk)

    transaction.on_commit(send)
