"""Connections: a page of a growing list, ``edges { node cursor } pageInfo { … }``.

A cursor is the row's ordering key ``(instant, id)`` from the use case, encoded opaquely;
a cursor this API did not give is a VALIDATION_ERROR.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from uuid import UUID

import strawberry

from jts_domain.errors import invalid
from jts_domain.services.paging import Cursor


@strawberry.type
class PageInfo:
    """Whether another page follows, and the cursor to ask for it with (``after``)."""

    has_next_page: bool
    end_cursor: str | None


def encode_cursor(at: datetime, record_id: UUID) -> str:
    """The opaque cursor of a row ordered by ``(at, id)``."""
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{record_id}".encode()).decode()


def decode_cursor(cursor: str | None) -> Cursor | None:
    """The ``(instant, id)`` an ``after`` cursor stands for (None for the first page)."""
    if cursor is None:
        return None
    try:
        at, _, record_id = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        instant = datetime.fromisoformat(at)
        if instant.tzinfo is None:
            raise ValueError(at)
        return instant, UUID(record_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise invalid("this cursor is not one this list gave", field="after") from None


def page_info(cursors: list[str], has_next: bool) -> PageInfo:
    """The page info of a page whose edges have ``cursors``."""
    return PageInfo(has_next_page=has_next, end_cursor=cursors[-1] if cursors else None)
