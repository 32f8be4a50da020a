"""Jobs of the inbox: poll channels, deliver replies. Each is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from socialops.inbox.services.assignment import assign_all_waiting
from socialops.inbox.services.delivery import deliver_reply
from socialops.inbox.services.escalation import email_notice, page_breaches
from socialops.inbox.services.polling import due_channels, poll_channel
from socialops.inbox.services.rule_apply import hide_messages, notify_escalations


@shared_task
def poll_inboxes() -> int:
    """Queue one poll per active channel that is due (beat runs this)."""
    ids = due_channels()
    for channel_id in ids:
        poll_inbox.delay(channel_id)
    return len(ids)


@shared_task
def poll_inbox(channel_id: int) -> int:
    """Ingest what is new on one channel; return how many messages were stored."""
    return poll_channel(channel_id).ingested


@shared_task
def send_reply(message_id: int) -> str:
    """Deliver one outgoing reply; a copy of this task delivered twice sends nothing more."""
    outcome = deliver_reply(message_id)
    if outcome.retry_in is not None:
        send_reply.apply_async((message_id,), countdown=outcome.retry_in)
    return outcome.status


@shared_task
def email_urgent_notices(notice_ids: list[int]) -> int:
    """E-mail the owners of the channels of urgent notices; each notice is e-mailed once."""
    return sum(email_notice(notice_id) for notice_id in notice_ids)


@shared_task(ignore_result=True)
def page_response_breaches() -> int:
    """Page the person on call for conversations that just missed their target (beat)."""
    return page_breaches()


@shared_task
def hide_rule_messages(hit_ids: list[int]) -> int:
    """Hide on the network the messages that rules asked to hide; each one is tried once."""
    return hide_messages(hit_ids)


@shared_task
def notify_rule_escalations(hit_ids: list[int]) -> int:
    """E-mail the people rules escalate to; each rule hit notifies once."""
    return notify_escalations(hit_ids)


@shared_task(ignore_result=True)
def assign_waiting_conversations() -> int:
    """Hand out waiting conversations by round robin and release those of people on leave."""
    return assign_all_waiting()
