"""Full-text search over the messages of the inbox, with each database's own index.

SQLite: an FTS5 table over `inbox_message.text` kept by triggers, accents folded
(`remove_diacritics 2`), each word matched as a prefix. PostgreSQL: a GIN index on
`POSTGRES_DOCUMENT` (lowercased, the usual Latin accents folded with the built-in
`translate`, so no extension is needed) and a prefix `tsquery`. Both come from
migration `inbox.0003`; "arrivee" finds "arrivée" on both. The query is cut into words
(letters and digits only), so nothing the user types reaches either query language
unescaped.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from socialops.inbox.models import Conversation

WORD = re.compile(r"\w+", re.UNICODE)
ACCENTED = "àáâãäåāçćčèéêëēėęìíîïīñńòóôõöøōùúûüūýÿžšœæ"
FOLDED = "aaaaaaaccceeeeeeeiiiiinnooooooouuuuuyyzsoa"
FOLD = str.maketrans(ACCENTED, FOLDED)
# Must stay identical to the indexed expression of migration inbox.0003.
POSTGRES_DOCUMENT = (f"to_tsvector('simple', translate(lower(text), '{ACCENTED}', "
                     f"'{FOLDED}'))")
MAX_WORDS = 8
MAX_WORD_LENGTH = 40


def words(query: str) -> list[str]:
    """Return the words of a search query, lowercased and accents folded, at most MAX_WORDS."""
    return [w[:MAX_WORD_LENGTH].lower().translate(FOLD)
            for w in WORD.findall(query)][:MAX_WORDS]


def _message_hits(terms: list[str]) -> RawSQL:
    """Return a subquery of the ids of conversations with a message holding every term."""
    # The SQL text is made of constants only; the user's words go in as parameters.
    if connection.vendor == "postgresql":
        return RawSQL(  # noqa: S611
            f"SELECT conversation_id FROM inbox_message "  # noqa: S608
            f"WHERE {POSTGRES_DOCUMENT} @@ to_tsquery('simple', %s)",
            [" & ".join(f"{t}:*" for t in terms)])
    return RawSQL(
        "SELECT m.conversation_id FROM inbox_message_fts f "
        "JOIN inbox_message m ON m.id = f.rowid WHERE inbox_message_fts MATCH %s",
        [" ".join(f'"{t}"*' for t in terms)])


def search(rows: QuerySet[Conversation], query: str) -> QuerySet[Conversation]:
    """Narrow `rows` to conversations whose messages hold every word, or whose contact matches."""
    terms = words(query)
    if not terms:
        return rows
    contact = Q()
    for term in terms:
        contact &= Q(contact__remote_handle__icontains=term) | Q(
            contact__display_name__icontains=term)
    return rows.filter(Q(pk__in=_message_hits(terms)) | contact)
