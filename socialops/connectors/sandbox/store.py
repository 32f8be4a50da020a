"""Persist the sandbox network in SQLite (WAL): accounts, posts, DMs, media and events.

Every request thread gets its own connection; writes run in BEGIN IMMEDIATE transactions
so that the idempotency check and the insert cannot interleave.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from socialops.connectors.validation import mentions

SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    handle TEXT NOT NULL UNIQUE,
    network TEXT NOT NULL,
    display_name TEXT NOT NULL,
    token TEXT NOT NULL UNIQUE,
    followers INTEGER NOT NULL DEFAULT 0,
    languages TEXT NOT NULL DEFAULT '{"fr": 0.5, "en": 0.5}',
    audience INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS media (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    mime TEXT NOT NULL,
    size INTEGER NOT NULL,
    data BLOB NOT NULL,
    idempotency_key TEXT,
    created_at REAL NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS media_key ON media(account_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE TABLE IF NOT EXISTS posts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    text TEXT NOT NULL,
    placement TEXT NOT NULL,
    title TEXT,
    link TEXT,
    media TEXT NOT NULL DEFAULT '[]',
    parent_id INTEGER REFERENCES posts(id),
    root_id INTEGER REFERENCES posts(id),
    idempotency_key TEXT,
    client_ref TEXT,
    lang TEXT,
    sim_category TEXT,
    sim_reactions INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    deleted_at REAL
);
CREATE UNIQUE INDEX IF NOT EXISTS posts_key ON posts(account_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS posts_account ON posts(account_id, id);
CREATE INDEX IF NOT EXISTS posts_root ON posts(root_id, id);
CREATE TABLE IF NOT EXISTS post_mentions (
    post_id INTEGER NOT NULL REFERENCES posts(id),
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    PRIMARY KEY (post_id, account_id)
);
CREATE TABLE IF NOT EXISTS dms (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sender_id INTEGER NOT NULL REFERENCES accounts(id),
    recipient_id INTEGER NOT NULL REFERENCES accounts(id),
    text TEXT NOT NULL,
    reply_to INTEGER REFERENCES dms(id),
    idempotency_key TEXT,
    client_ref TEXT,
    lang TEXT,
    sim_category TEXT,
    created_at REAL NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS dms_key ON dms(sender_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    kind TEXT NOT NULL,
    post_id INTEGER REFERENCES posts(id),
    dm_id INTEGER REFERENCES dms(id),
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS events_account ON events(account_id, seq);
"""

Row = sqlite3.Row


@dataclass(frozen=True)
class NewPost:
    """Describe a post to insert (a top-level post, a comment or a reply)."""

    account_id: int
    text: str
    placement: str
    created_at: float
    parent_id: int | None = None
    title: str | None = None
    link: str | None = None
    media: tuple[dict[str, Any], ...] = ()
    idempotency_key: str | None = None
    client_ref: str | None = None
    lang: str | None = None
    sim_category: str | None = None


@dataclass(frozen=True)
class NewDm:
    """Describe a direct message to insert."""

    sender_id: int
    recipient_id: int
    text: str
    created_at: float
    reply_to: int | None = None
    idempotency_key: str | None = None
    client_ref: str | None = None
    lang: str | None = None
    sim_category: str | None = None


class Store:
    """Read and write the sandbox database; safe to share between threads."""

    def __init__(self, path: Path | str):
        self.path = str(path)
        self._local = threading.local()
        self._connection().executescript(SCHEMA)

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run a write transaction that takes the write lock up front."""
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[Row]:
        """Run a read query and return its rows."""
        return self._connection().execute(sql, params).fetchall()

    def one(self, sql: str, params: tuple[Any, ...] = ()) -> Row | None:
        """Run a read query and return its first row, if any."""
        row: Row | None = self._connection().execute(sql, params).fetchone()
        return row

    def close(self) -> None:
        """Close this thread's connection."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # Accounts

    def create_account(
        self,
        *,
        handle: str,
        network: str,
        display_name: str,
        followers: int,
        created_at: float,
        languages: dict[str, float] | None = None,
        audience: bool = False,
    ) -> tuple[Row, bool]:
        """Create an account, or return the existing one with that handle (created=False)."""
        with self.transaction() as conn:
            row = conn.execute("SELECT * FROM accounts WHERE handle = ?", (handle,)).fetchone()
            if row is not None:
                return row, False
            cursor = conn.execute(
                "INSERT INTO accounts (handle, network, display_name, token, followers,"
                " languages, audience, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    handle,
                    network,
                    display_name,
                    secrets.token_urlsafe(24),
                    followers,
                    json.dumps(languages or {"fr": 0.5, "en": 0.5}),
                    int(audience),
                    created_at,
                ),
            )
            row = conn.execute(
                "SELECT * FROM accounts WHERE id = ?", (cursor.lastrowid,)
            ).fetchone()
            return row, True

    def account(self, account_id: int) -> Row | None:
        """Return an account by id."""
        return self.one("SELECT * FROM accounts WHERE id = ?", (account_id,))

    def account_by_token(self, token: str) -> Row | None:
        """Return the account a bearer token belongs to."""
        return self.one("SELECT * FROM accounts WHERE token = ?", (token,))

    def account_by_handle(self, handle: str) -> Row | None:
        """Return an account by handle."""
        return self.one("SELECT * FROM accounts WHERE handle = ?", (handle,))

    def managed_accounts(self) -> list[Row]:
        """Return the brand accounts (not the simulated audience)."""
        return self.query("SELECT * FROM accounts WHERE audience = 0 ORDER BY id")

    # Media

    def add_media(
        self, account_id: int, mime: str, data: bytes, key: str | None, created_at: float
    ) -> tuple[Row, bool]:
        """Store an upload, or return the one already stored under the same key."""
        with self.transaction() as conn:
            if key is not None:
                row = conn.execute(
                    "SELECT id, mime, size FROM media WHERE account_id = ? AND idempotency_key = ?",
                    (account_id, key),
                ).fetchone()
                if row is not None:
                    return row, False
            cursor = conn.execute(
                "INSERT INTO media (account_id, mime, size, data, idempotency_key, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (account_id, mime, len(data), data, key, created_at),
            )
            row = conn.execute(
                "SELECT id, mime, size FROM media WHERE id = ?", (cursor.lastrowid,)
            ).fetchone()
            return row, True

    def media_of(self, account_id: int, media_id: int) -> Row | None:
        """Return one of an account's uploads (without the bytes)."""
        return self.one(
            "SELECT id, mime, size FROM media WHERE id = ? AND account_id = ?",
            (media_id, account_id),
        )

    # Posts

    def create_post(self, post: NewPost) -> tuple[Row, bool]:
        """Insert a post with its mentions and inbox events; honour its idempotency key."""
        with self.transaction() as conn:
            if post.idempotency_key is not None:
                existing = conn.execute(
                    "SELECT * FROM posts WHERE account_id = ? AND idempotency_key = ?",
                    (post.account_id, post.idempotency_key),
                ).fetchone()
                if existing is not None:
                    return existing, False
            root_id = None
            parent = None
            if post.parent_id is not None:
                parent = conn.execute(
                    "SELECT * FROM posts WHERE id = ?", (post.parent_id,)
                ).fetchone()
                if parent is None:
                    raise LookupError(post.parent_id)
                root_id = parent["root_id"] or parent["id"]
            cursor = conn.execute(
                "INSERT INTO posts (account_id, text, placement, title, link, media, parent_id,"
                " root_id, idempotency_key, client_ref, lang, sim_category, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    post.account_id,
                    post.text,
                    post.placement,
                    post.title,
                    post.link,
                    json.dumps(list(post.media)),
                    post.parent_id,
                    root_id,
                    post.idempotency_key,
                    post.client_ref,
                    post.lang,
                    post.sim_category,
                    post.created_at,
                ),
            )
            post_id = int(cursor.lastrowid or 0)
            self._notify_post(conn, post, post_id, parent, root_id)
            row = conn.execute("SELECT * FROM posts WHERE id = ?", (post_id,)).fetchone()
            return row, True

    def _notify_post(
        self,
        conn: sqlite3.Connection,
        post: NewPost,
        post_id: int,
        parent: Row | None,
        root_id: int | None,
    ) -> None:
        notified = {post.account_id}
        events: list[tuple[int, str]] = []
        if parent is not None:
            kind = "reply" if parent["parent_id"] is not None else "comment"
            events.append((parent["account_id"], kind))
            root = conn.execute("SELECT account_id FROM posts WHERE id = ?", (root_id,)).fetchone()
            if root is not None:
                events.append((root["account_id"], "reply"))
        for handle in dict.fromkeys(mentions(post.text)):
            mentioned = conn.execute(
                "SELECT id FROM accounts WHERE handle = ?", (handle,)
            ).fetchone()
            if mentioned is None:
                continue
            conn.execute(
                "INSERT OR IGNORE INTO post_mentions (post_id, account_id) VALUES (?, ?)",
                (post_id, mentioned["id"]),
            )
            events.append((mentioned["id"], "mention"))
        for account_id, kind in events:
            if account_id in notified:
                continue
            notified.add(account_id)
            conn.execute(
                "INSERT INTO events (account_id, kind, post_id, created_at) VALUES (?, ?, ?, ?)",
                (account_id, kind, post_id, post.created_at),
            )

    def post(self, post_id: int) -> Row | None:
        """Return a post (deleted ones included) by id."""
        return self.one("SELECT * FROM posts WHERE id = ?", (post_id,))

    def post_mention_handles(self, post_id: int) -> list[str]:
        """Return the handles a post mentions that exist on the network."""
        rows = self.query(
            "SELECT a.handle FROM post_mentions m JOIN accounts a ON a.id = m.account_id"
            " WHERE m.post_id = ? ORDER BY a.handle",
            (post_id,),
        )
        return [row["handle"] for row in rows]

    def recent_posts(self, account_id: int, limit: int) -> list[Row]:
        """Return an account's latest live posts, newest first (replies included)."""
        return self.query(
            "SELECT * FROM posts WHERE account_id = ? AND deleted_at IS NULL"
            " ORDER BY id DESC LIMIT ?",
            (account_id, limit),
        )

    def top_level_posts(self, account_id: int, limit: int) -> list[Row]:
        """Return an account's latest live top-level posts, newest first."""
        return self.query(
            "SELECT * FROM posts WHERE account_id = ? AND parent_id IS NULL"
            " AND deleted_at IS NULL ORDER BY id DESC LIMIT ?",
            (account_id, limit),
        )

    def thread_posts(self, account_id: int, limit: int) -> list[Row]:
        """Return the latest live comments and replies under an account's posts."""
        return self.query(
            "SELECT c.* FROM posts c JOIN posts r ON r.id = c.root_id"
            " WHERE r.account_id = ? AND c.deleted_at IS NULL ORDER BY c.id DESC LIMIT ?",
            (account_id, limit),
        )

    def delete_post(self, post_id: int, deleted_at: float) -> None:
        """Mark a post deleted; its inbox events are skipped from now on."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE posts SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
                (deleted_at, post_id),
            )

    def comment_count(self, post_id: int) -> int:
        """Count the live comments and replies under a post."""
        row = self.one(
            "SELECT COUNT(*) AS n FROM posts WHERE root_id = ? AND deleted_at IS NULL", (post_id,)
        )
        return int(row["n"]) if row else 0

    def add_reactions(self, post_id: int, count: int) -> None:
        """Add simulated reactions to a post."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE posts SET sim_reactions = sim_reactions + ? WHERE id = ?", (count, post_id)
            )

    def search(self, query: str, before_id: int | None, limit: int) -> list[Row]:
        """Return live posts whose text contains `query` (case-insensitive), newest first."""
        escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return self.query(
            "SELECT * FROM posts WHERE deleted_at IS NULL AND text LIKE ? ESCAPE '\\'"
            " AND id < ? ORDER BY id DESC LIMIT ?",
            (f"%{escaped}%", before_id if before_id is not None else 2**62, limit),
        )

    # Direct messages

    def create_dm(self, dm: NewDm) -> tuple[Row, bool]:
        """Insert a DM and its inbox event; honour its idempotency key."""
        with self.transaction() as conn:
            if dm.idempotency_key is not None:
                existing = conn.execute(
                    "SELECT * FROM dms WHERE sender_id = ? AND idempotency_key = ?",
                    (dm.sender_id, dm.idempotency_key),
                ).fetchone()
                if existing is not None:
                    return existing, False
            cursor = conn.execute(
                "INSERT INTO dms (sender_id, recipient_id, text, reply_to, idempotency_key,"
                " client_ref, lang, sim_category, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    dm.sender_id,
                    dm.recipient_id,
                    dm.text,
                    dm.reply_to,
                    dm.idempotency_key,
                    dm.client_ref,
                    dm.lang,
                    dm.sim_category,
                    dm.created_at,
                ),
            )
            conn.execute(
                "INSERT INTO events (account_id, kind, dm_id, created_at) VALUES (?, 'dm', ?, ?)",
                (dm.recipient_id, cursor.lastrowid, dm.created_at),
            )
            row = conn.execute("SELECT * FROM dms WHERE id = ?", (cursor.lastrowid,)).fetchone()
            return row, True

    def dm(self, dm_id: int) -> Row | None:
        """Return a DM by id."""
        return self.one("SELECT * FROM dms WHERE id = ?", (dm_id,))

    # Inbox and stats

    def events_after(self, account_id: int, after_seq: int, limit: int) -> list[Row]:
        """Return an account's inbox events after a sequence number, oldest first."""
        return self.query(
            "SELECT * FROM events WHERE account_id = ? AND seq > ? ORDER BY seq LIMIT ?",
            (account_id, after_seq, limit),
        )

    def stats(self) -> dict[str, Any]:
        """Count what the network holds."""
        row = self.one(
            "SELECT"
            " (SELECT COUNT(*) FROM accounts WHERE audience = 0) AS accounts,"
            " (SELECT COUNT(*) FROM accounts WHERE audience = 1) AS audience_accounts,"
            " (SELECT COUNT(*) FROM posts WHERE parent_id IS NULL) AS posts,"
            " (SELECT COUNT(*) FROM posts WHERE parent_id IS NOT NULL) AS comments,"
            " (SELECT COUNT(*) FROM events WHERE kind = 'mention') AS mentions,"
            " (SELECT COUNT(*) FROM dms) AS dms,"
            " (SELECT COUNT(*) FROM events) AS events,"
            " (SELECT MAX(created_at) FROM events) AS last_event_at"
        )
        return dict(row) if row else {}
