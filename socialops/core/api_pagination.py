"""Limit/offset pagination for the API, bounded so that no number reaches the database raw."""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 1000
# SQLite and PostgreSQL take a 64-bit OFFSET; a larger one would be a server error.
MAX_OFFSET = 2**63 - 1


class Pagination(LimitOffsetPagination):
    """Ninja's limit/offset pagination with a declared maximum page and offset."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
