"""A roster source held in memory: fixed pages, for embedding and tests of the sync."""

from __future__ import annotations

from collections.abc import Sequence

from jts_domain.errors import invalid
from jts_domain.roster_sync.model import RosterPage, Secret


class StaticRosterSource:
    """Answers the pages it was given in turn: page ``n`` is asked with cursor ``str(n)``
    (the first with none). ``requests`` records each (cursor, limit) asked.

    ``client_for`` is a ``RosterClientFactory`` that hands out this source for any URL
    and token, and keeps the last ones in ``url`` and ``token``.
    """

    def __init__(self, pages: Sequence[RosterPage]) -> None:
        self.pages = list(pages)
        self.requests: list[tuple[str | None, int]] = []
        self.url: str | None = None
        self.token: Secret | None = None

    def client_for(self, url: str, token: Secret) -> StaticRosterSource:
        """This source, as the client of ``url`` with ``token``."""
        self.url, self.token = url, token
        return self

    async def fetch(self, cursor: str | None, limit: int) -> RosterPage:
        """The page the cursor names."""
        self.requests.append((cursor, limit))
        index = 0 if cursor is None else int(cursor)
        if not 0 <= index < len(self.pages):
            raise invalid("no such page", cursor=cursor)
        return self.pages[index]
