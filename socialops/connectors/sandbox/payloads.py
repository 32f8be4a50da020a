"""Turn sandbox database rows into the JSON shapes of the public API."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from socialops.connectors.sandbox.state import to_iso
from socialops.connectors.sandbox.store import Row, Store
from socialops.connectors.sandbox.webapp import HttpError

PREFIXES = {"account": "u", "post": "p", "dm": "d", "media": "m"}


def public_id(kind: str, number: int) -> str:
    """Return the public id of a row ("p12" for post 12)."""
    return f"{PREFIXES[kind]}{number}"


def parse_id(kind: str, value: str) -> int:
    """Return the row number of a public id, or raise 404."""
    prefix = PREFIXES[kind]
    if value.startswith(prefix) and value[len(prefix) :].isdigit():
        return int(value[len(prefix) :])
    raise HttpError(404, f"No {kind} {value!r}", code="not_found")


def encode_cursor(kind: str, number: int) -> str:
    """Return an opaque cursor for a position in a listing."""
    return base64.urlsafe_b64encode(f"{kind}:{number}".encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str | None) -> int | None:
    """Return the position an opaque cursor points at (None for the start)."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, number = raw.partition(":")
        if prefix == kind and number.isdigit():
            return int(number)
    except (binascii.Error, UnicodeDecodeError):
        pass
    raise HttpError(400, "Invalid cursor", code="bad_cursor")


def account_json(row: Row) -> dict[str, Any]:
    """Describe an account publicly."""
    return {
        "id": public_id("account", row["id"]),
        "handle": row["handle"],
        "display_name": row["display_name"],
        "network": row["network"],
        "followers": row["followers"],
    }


def sim_json(category: str | None) -> dict[str, str] | None:
    """Describe the simulator's hidden label ("urgent/legal") of a generated item."""
    if not category:
        return None
    main, _, sub = category.partition("/")
    return {"category": main, "subcategory": sub} if sub else {"category": main}


def post_json(store: Store, row: Row, host_url: str) -> dict[str, Any]:
    """Describe a post, comment or reply."""
    author = store.account(row["account_id"])
    pid = public_id("post", row["id"])
    handle = author["handle"] if author else "unknown"
    data: dict[str, Any] = {
        "id": pid,
        "kind": "post",
        "author": account_json(author) if author else None,
        "text": row["text"],
        "placement": row["placement"],
        "title": row["title"],
        "link": row["link"],
        "media": json.loads(row["media"]),
        "parent_id": public_id("post", row["parent_id"]) if row["parent_id"] else None,
        "root_id": public_id("post", row["root_id"]) if row["root_id"] else None,
        "visibility": "public",
        "created_at": to_iso(row["created_at"]),
        "url": f"{host_url}/@{handle}/{pid}",
        "client_ref": row["client_ref"],
        "idempotency_key": row["idempotency_key"],
        "lang": row["lang"],
        "mentions": store.post_mention_handles(row["id"]),
    }
    sim = sim_json(row["sim_category"])
    if sim:
        data["sim"] = sim
    return data


def dm_thread_key(first_id: int, second_id: int) -> str:
    """Return the conversation key shared by both sides of a DM thread."""
    low, high = sorted((first_id, second_id))
    return f"dm:{public_id('account', low)}-{public_id('account', high)}"


def dm_json(store: Store, row: Row, host_url: str) -> dict[str, Any]:
    """Describe a direct message."""
    sender = store.account(row["sender_id"])
    recipient = store.account(row["recipient_id"])
    did = public_id("dm", row["id"])
    data: dict[str, Any] = {
        "id": did,
        "kind": "dm",
        "author": account_json(sender) if sender else None,
        "recipient": account_json(recipient) if recipient else None,
        "text": row["text"],
        "parent_id": public_id("dm", row["reply_to"]) if row["reply_to"] else None,
        "created_at": to_iso(row["created_at"]),
        "url": f"{host_url}/dms/{did}",
        "client_ref": row["client_ref"],
        "idempotency_key": row["idempotency_key"],
        "lang": row["lang"],
        "thread_key": dm_thread_key(row["sender_id"], row["recipient_id"]),
    }
    sim = sim_json(row["sim_category"])
    if sim:
        data["sim"] = sim
    return data


def inbox_item_json(store: Store, event: Row, host_url: str) -> dict[str, Any] | None:
    """Describe one inbox event, or None when its post was deleted since."""
    if event["dm_id"] is not None:
        dm = store.dm(event["dm_id"])
        if dm is None:
            return None
        item = dm_json(store, dm, host_url)
        item.update(post_id=None)
    else:
        post = store.post(event["post_id"])
        if post is None or post["deleted_at"] is not None:
            return None
        item = post_json(store, post, host_url)
        root = item["root_id"] or item["id"]
        item.update(post_id=root, thread_key=f"post:{root}")
    item["kind"] = event["kind"]
    item["event_cursor"] = encode_cursor("e", event["seq"])
    return item
