"""Connections: ``edges { node cursor } pageInfo { hasNextPage endCursor }``.

A cursor is opaque to clients: the row's ordering key ``(instant, id)`` in URL-safe
base64. A cursor that does not decode is a VALIDATION_ERROR naming ``after``.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from uuid import UUID

import strawberry

from jts_domain.errors import invalid

_SEPARATOR = "|"


@strawberry.type
class PageInfo:
    """Whether another page follows, and the cursor to ask for it with."""

    has_next_page: bool
    end_cursor: str | None


def encode_cursor(instant: datetime, row_id: UUID) -> str:
    """The opaque cursor of a row ordered by ``(instant, id)``."""
    raw = f"{instant.isoformat()}{_SEPARATOR}{row_id}".encode()
    return base64.urlsafe_b64encode(raw).decode("ascii")


def decode_cursor(cursor: str | None) -> tuple[datetime, UUID] | None:
    """The ``(instant, id)`` a cursor holds (None for None); VALIDATION_ERROR if malformed."""
    if cursor is None:
        return None
    try:
        instant, row_id = (
            base64.urlsafe_b64decode(cursor.encode("ascii")).decode().split(_SEPARATOR)
        )
        parsed = datetime.fromisoformat(instant), UUID(row_id)
    except (ValueError, UnicodeError, binascii.Error):
        raise invalid("after is not a cursor of this list", field="after") from None
    if parsed[0].tzinfo is None:
        raise invalid("after is not a cursor of this list", field="after")
    return parsed


def page_info(cursors: list[str], has_next: bool) -> PageInfo:
    """The page info of a page whose edges have ``cursors``."""
    return PageInfo(has_next_page=has_next, end_cursor=cursors[-1] if cursors else None)
