"""Every change to the inbox goes through these services."""

from socialops.inbox.services.conversations import (
    QueueFilters,
    assign,
    close,
    conversations_for,
    get_conversation_for_member,
    next_in_queue,
    older_than,
    queue,
    reopen,
    reply,
    retry_reply,
)
from socialops.inbox.services.delivery import deliver_reply
from socialops.inbox.services.escalation import acknowledge, open_notices
from socialops.inbox.services.ingest import IngestResult, ingest
from socialops.inbox.services.polling import due_channels, poll_channel

__all__ = [
    "IngestResult",
    "QueueFilters",
    "acknowledge",
    "assign",
    "close",
    "conversations_for",
    "deliver_reply",
    "due_channels",
    "get_conversation_for_member",
    "ingest",
    "next_in_queue",
    "older_than",
    "open_notices",
    "poll_channel",
    "queue",
    "reopen",
    "reply",
    "retry_reply",
]
