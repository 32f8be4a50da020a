"""Send an outgoing reply through the channel's connector, at most once."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from socialops.connectors.base import Connector
from socialops.connectors.errors import (
    AuthExpiredError,
    ConnectorError,
    RateLimitedError,
    RetryableError,
    UnknownOutcomeError,
)
from socialops.core.permissions import Action, can
from socialops.governance.connections import connector_for
from socialops.governance.models import ChannelStatus
from socialops.governance.services import record_sync
from socialops.inbox.models import Conversation, Delivery, Direction, Message

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
RETRY_BASE_SECONDS = 10.0


@dataclass(frozen=True)
class DeliveryOutcome:
    """What one delivery run did; `retry_in` asks the caller to try again later."""

    status: str
    retry_in: float | None = None


def _claim(message_id: int) -> bool:
    # Only a pending outgoing message is claimed; a second copy of the task finds it
    # SENDING or SENT and changes nothing.
    return bool(
        Message.objects.filter(
            pk=message_id, direction=Direction.OUT, delivery=Delivery.PENDING
        ).update(delivery=Delivery.SENDING, attempts=F("attempts") + 1)
    )


def _fail(message: Message, error: str, *, retry_in: float | None) -> DeliveryOutcome:
    retry = retry_in is not None and message.attempts < MAX_ATTEMPTS
    Message.objects.filter(pk=message.pk).update(
        delivery=Delivery.PENDING if retry else Delivery.FAILED, error=error[:500]
    )
    return DeliveryOutcome("retry" if retry else "failed", retry_in if retry else None)


def deliver_reply(message_id: int, *, connector: Connector | None = None) -> DeliveryOutcome:
    """Send one pending reply; a message already sent (or being sent) is left alone."""
    if not _claim(message_id):
        return DeliveryOutcome("skipped")
    message = Message.objects.select_related(
        "channel__organization", "conversation", "sent_by__user").get(pk=message_id)
    channel = message.channel
    # Re-checked when the job runs: access removed since the reply was queued (offboarding,
    # a grant taken away) stops it here.
    if message.sent_by is not None and not can(message.sent_by, Action.RESPOND,
                                               message.conversation):
        with translation.override(channel.organization.language):
            reason = _("Not sent: %(name)s may no longer answer on this channel.") % {
                "name": message.sent_by.display_name}
        return _fail(message, reason, retry_in=None)
    try:
        result = (connector or connector_for(channel)).reply(
            message.parent_remote_id, message.text, message.idempotency_key
        )
    except RateLimitedError as exc:
        return _fail(message, str(exc), retry_in=max(exc.retry_after, RETRY_BASE_SECONDS))
    except RetryableError as exc:
        return _fail(message, str(exc), retry_in=RETRY_BASE_SECONDS * 2 ** message.attempts)
    except UnknownOutcomeError as exc:
        # The network may have published it and has no key to deduplicate: never resend
        # blindly; a person checks the network and retries by hand if it is not there.
        return _fail(message, str(exc), retry_in=None)
    except AuthExpiredError as exc:
        record_sync(channel, followers=None, error=str(exc), status=ChannelStatus.NEEDS_REAUTH)
        return _fail(message, str(exc), retry_in=None)
    except ConnectorError as exc:
        log.warning("reply %s refused: %s", message_id, exc)
        return _fail(message, str(exc), retry_in=None)
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(
            delivery=Delivery.SENT, remote_id=result.remote_id, url=result.url[:500],
            sent_at=result.published_at, error="",
        )
        conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
        fields = ["response_due_at", "response_warn_at"]
        conversation.response_due_at = conversation.response_warn_at = None
        if conversation.first_responded_at is None:
            conversation.first_responded_at = timezone.now()
            fields.append("first_responded_at")
        conversation.save(update_fields=fields)
    return DeliveryOutcome("sent")
