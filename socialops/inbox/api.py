"""REST endpoints of the inbox, with the same permissions as the pages."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from socialops.core.actors import Actor
from socialops.core.api_auth import api_member
from socialops.core.api_pagination import Pagination
from socialops.core.models import Member
from socialops.inbox import services
from socialops.inbox.models import Conversation, Message
from socialops.inbox.services import QueueFilters

router = Router(tags=["inbox"])


class ConversationOut(Schema):
    id: int
    channel_id: int
    channel: str
    network: str
    kind: str
    status: str
    contact_handle: str
    contact_name: str
    assignee_id: int | None
    priority: int
    language: str
    sentiment: str
    sentiment_score: float
    urgent: bool
    spam: bool
    tags: list[str]
    excerpt: str
    message_count: int
    first_inbound_at: datetime
    last_inbound_at: datetime
    response_due_at: datetime | None
    first_responded_at: datetime | None

    @staticmethod
    def resolve_channel(obj: Conversation) -> str:
        return obj.channel.display_name

    @staticmethod
    def resolve_network(obj: Conversation) -> str:
        return obj.channel.network

    @staticmethod
    def resolve_contact_handle(obj: Conversation) -> str:
        return obj.contact.remote_handle if obj.contact else ""

    @staticmethod
    def resolve_contact_name(obj: Conversation) -> str:
        return obj.contact.display_name if obj.contact else ""

    @staticmethod
    def resolve_tags(obj: Conversation) -> list[str]:
        return [str(tag) for tag in obj.tags or []]


class MessageOut(Schema):
    id: int
    direction: str
    remote_id: str
    author_handle: str
    author_name: str
    text: str
    created_at: datetime
    language: str
    sentiment: str
    sentiment_score: float
    spam: bool
    urgent: bool
    urgent_reasons: list[str]
    delivery: str
    error: str


class ReplyIn(Schema):
    text: str


class AssignIn(Schema):
    member_id: int | None = None


def conversation_out(c: Conversation) -> ConversationOut:
    """Return the public view of a conversation."""
    return ConversationOut.from_orm(c)


def message_out(m: Message) -> MessageOut:
    """Return the public view of a message (never its raw payload)."""
    return MessageOut(
        id=m.pk, direction=m.direction, remote_id=m.remote_id, author_handle=m.author_handle,
        author_name=m.author_name, text=m.text, created_at=m.created_at, language=m.language,
        sentiment=m.sentiment, sentiment_score=m.sentiment_score, spam=m.spam,
        urgent=m.urgent, urgent_reasons=list(m.urgent_reasons), delivery=m.delivery,
        error=m.error,
    )


def _actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request, via="api")


@router.get("/inbox/conversations", response=list[ConversationOut],
            summary="Conversations of a queue, newest activity first")
@paginate(Pagination)
def list_conversations(
    request: HttpRequest, queue: str = "all", status: str = "open", channel: int | None = None,
    kind: str = "", language: str = "", sentiment: str = "", spam: bool = False,
) -> list[ConversationOut]:
    filters = QueueFilters.parse({
        "queue": queue, "status": status, "channel": str(channel or ""), "kind": kind,
        "language": language, "sentiment": sentiment, "spam": "1" if spam else "",
    })
    return services.queue(api_member(request), filters)  # type: ignore[return-value]


@router.get("/inbox/conversations/{conversation_id}", response=ConversationOut,
            summary="One conversation")
def get_conversation(request: HttpRequest, conversation_id: int) -> ConversationOut:
    member = api_member(request)
    return conversation_out(services.get_conversation_for_member(member, conversation_id))


@router.get("/inbox/conversations/{conversation_id}/messages", response=list[MessageOut],
            summary="The messages of a conversation, oldest first")
def list_messages(request: HttpRequest, conversation_id: int) -> list[MessageOut]:
    conversation = services.get_conversation_for_member(api_member(request), conversation_id)
    return [message_out(m) for m in conversation.messages.order_by("created_at", "pk")]


@router.post("/inbox/conversations/{conversation_id}/reply", response={201: MessageOut},
             summary="Answer; the reply is sent to the network in the background, once")
def reply(request: HttpRequest, conversation_id: int, body: ReplyIn) -> tuple[int, MessageOut]:
    member = api_member(request)
    conversation = services.get_conversation_for_member(member, conversation_id)
    message = services.reply(conversation, body.text, member, _actor(request))
    message.refresh_from_db()
    return 201, message_out(message)


@router.post("/inbox/conversations/{conversation_id}/assign", response=ConversationOut,
             summary="Assign to a member (or to nobody with member_id null)")
def assign(request: HttpRequest, conversation_id: int, body: AssignIn) -> ConversationOut:
    member = api_member(request)
    conversation = services.get_conversation_for_member(member, conversation_id)
    assignee: Member | None = None
    if body.member_id is not None:
        assignee = Member.objects.filter(organization_id=member.organization_id,
                                         pk=body.member_id).select_related("user").first()
        if assignee is None:
            raise Http404
    services.assign(conversation, assignee, member, _actor(request))
    return conversation_out(services.get_conversation_for_member(member, conversation_id))


@router.post("/inbox/conversations/{conversation_id}/close", response=ConversationOut,
             summary="Close a conversation")
def close(request: HttpRequest, conversation_id: int) -> ConversationOut:
    member = api_member(request)
    services.close(services.get_conversation_for_member(member, conversation_id), member,
                   _actor(request))
    return conversation_out(services.get_conversation_for_member(member, conversation_id))


@router.post("/inbox/conversations/{conversation_id}/reopen", response=ConversationOut,
             summary="Reopen a conversation")
def reopen(request: HttpRequest, conversation_id: int) -> ConversationOut:
    member = api_member(request)
    services.reopen(services.get_conversation_for_member(member, conversation_id), member,
                    _actor(request))
    return conversation_out(services.get_conversation_for_member(member, conversation_id))


# Rules, assignment settings and availability: their own module, on this router.
from socialops.inbox.rules_api import router as rules_router  # noqa: E402

router.add_router("", rules_router)
